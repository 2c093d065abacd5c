package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.formats.internal.torchscript.CodeCheck;
import dev.safeload.formats.internal.torchscript.Limits;
import dev.safeload.formats.pytorch.TorchScriptProfile;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the TorchScript code parser and operator check (seeds in {@code
 * TorchScriptCodeFuzzTestInputs/}): arbitrary text as {@code code/__torch__.py}, alone and beside a
 * second module, ends in a result or a {@link CodeCheck.Rejection}; nothing else may leave the
 * check (no stack overflow on deep nesting, no index or cast error). The handler-level target
 * ({@code PyTorchFuzzTest}) also has a TorchScript archive among its seeds.
 */
class TorchScriptCodeFuzzTest {
  private static final TorchScriptProfile PROFILE = TorchScriptProfile.strict();
  private static final Limits LIMITS = new Limits(1 << 20, 4 << 20, 200_000, 100, 1024, 1 << 16);

  @FuzzTest(maxDuration = "5s")
  void check(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    run(Map.of("code/__torch__.py", text));
    int cut = text.indexOf("\n\n");
    if (cut > 0) { // split into two modules so that cross-file names are exercised
      Map<String, String> two = new LinkedHashMap<>();
      two.put("code/__torch__.py", text.substring(0, cut + 1));
      two.put("code/__torch__/m.py", text.substring(cut + 2));
      run(two);
    }
  }

  private static void run(Map<String, String> files) {
    try {
      CodeCheck.Result r = CodeCheck.check(files, PROFILE, 1, LIMITS);
      for (String op : r.operators()) {
        // whatever passed, every operator it calls is admitted by the profile
        if (PROFILE.operator(op).isEmpty()) {
          throw new AssertionError("admitted code calls an unlisted operator " + op);
        }
      }
    } catch (CodeCheck.Rejection expected) {
      // a refusal: the usual outcome
    }
  }
}
