package dev.safeload.formats.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import dev.safeload.ScanReport;
import dev.safeload.formats.Scans;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TorchScript archives written by torch 1.13 are admitted; each refusal rule with its exact code. */
class TorchScriptTest {
  @TempDir
  Path dir;

  static final List<String> FIXTURES = List.of("cnn_traced", "mlp_scripted", "lstm_scripted", "lstm_traced",
      "setstate_scripted");

  @ParameterizedTest
  @ValueSource(strings = {"cnn_traced", "mlp_scripted", "lstm_scripted", "lstm_traced", "setstate_scripted"})
  void realExportsAreAdmitted(String name) {
    ScanReport r = Scans.scan(Scans.resource("torchscript/" + name + ".pt"));
    assertTrue(r.accepted(), () -> name + ": " + Scans.describe(r));
    ModelDescription d = describe(Scans.read(Scans.resource("torchscript/" + name + ".pt")));
    assertEquals("torchscript", d.metadata().get("pytorch.layout"));
    assertEquals(TorchScriptProfile.strict().operatorsSha256(), d.metadata().get("torchscript.operators.sha256"));
    assertTrue(d.tensors().size() > 0, d::toString);
  }

  static ModelDescription describe(byte[] bytes) {
    return new PyTorchHandler().validate(ModelBytes.of(ByteBuffer.wrap(bytes)),
        ValidationContext.collecting("model.pt", LoadPolicy.strict(), new ArrayList<>()));
  }

  /** The rewritten archive unchanged is admitted: the helper itself does not cause the refusals below. */
  @ParameterizedTest
  @ValueSource(strings = {"cnn_traced", "mlp_scripted", "lstm_scripted", "lstm_traced", "setstate_scripted"})
  void rewrittenFixtureStillAdmitted(String name) {
    ScanReport r = scan(TorchScriptArchives.fixture(name));
    assertTrue(r.accepted(), () -> name + ": " + Scans.describe(r));
  }

  ScanReport scan(TorchScriptArchives a) {
    return Scans.scanBytes(dir, "model.pt", a.write());
  }

  void refused(TorchScriptArchives a, String code, String... inMessage) {
    ScanReport r = scan(a);
    assertEquals(Set.of(code), Scans.reasons(r), () -> Scans.describe(r));
    String msg = Scans.describe(r);
    for (String s : inMessage) {
      assertTrue(msg.contains(s), () -> "'" + s + "' not in: " + msg);
    }
  }
}
