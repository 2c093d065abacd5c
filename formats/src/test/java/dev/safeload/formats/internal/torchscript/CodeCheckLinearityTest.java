package dev.safeload.formats.internal.torchscript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.pytorch.TorchScriptProfile;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The parser and check do work linear in the code's size: counted, never timed. */
class CodeCheckLinearityTest {
  private static final TorchScriptProfile PROFILE = TorchScriptProfile.strict();

  /**
   * A module whose forward holds {@code n} statements of several shapes, and {@code n} free
   * functions.
   */
  static String module(int n) {
    StringBuilder sb =
        new StringBuilder(
            "class M(Module):\n  __parameters__ = []\n  __buffers__ = []\n"
                + "  training : bool\n  sub : __torch__.M\n  def forward(self: __torch__.M,\n    x: Tensor) -> Tensor:\n"
                + "    sub = self.sub\n");
    for (int i = 0; i < n; i++) {
      sb.append("    x = torch.add(torch.mul(x, 0.5), torch.relu((sub).forward(x, )), alpha=1)\n");
      sb.append("    if torch.eq(torch.dim(x), 2):\n      _")
          .append(i)
          .append(" = [1, 2, (3, 4), {\"k\": -1.}]\n");
      sb.append("    else:\n      pass\n");
    }
    sb.append("    return x\n");
    for (int i = 0; i < n; i++) {
      sb.append("def f")
          .append(i)
          .append("(y: List[Optional[Tensor]]) -> int:\n  return torch.len(y)\n");
    }
    return sb.toString();
  }

  @Test
  void workGrowsLinearly() {
    assertLinear(CodeCheckLinearityTest::module);
  }

  /** Long dotted names and deep (but admitted) nesting cost each node once, not once per level. */
  @Test
  void nestingIsNotRewalked() {
    assertLinear(
        n -> {
          StringBuilder sb = new StringBuilder("def g(x: Tensor) -> Tensor:\n");
          for (int i = 0; i < n; i++) {
            sb.append("  x = ")
                .append("torch.neg(".repeat(40))
                .append('x')
                .append(")".repeat(40))
                .append('\n');
            sb.append("  y = ").append("[".repeat(45)).append("]".repeat(45)).append('\n');
          }
          return sb.append("  return x\n").toString();
        });
  }

  private static void assertLinear(IntFunction<String> gen) {
    double perByte = -1;
    for (int n : new int[] {10, 100, 1000}) {
      String code = gen.apply(n);
      long work =
          CodeCheck.check(Map.of("code/__torch__.py", code), PROFILE, 0, Limits.DEFAULT).work();
      double ratio = (double) work / code.length();
      assertTrue(ratio < 4, () -> "work " + work + " for " + code.length() + " bytes");
      if (perByte > 0) {
        assertEquals(perByte, ratio, perByte * 0.25, "work per byte drifts with size");
      }
      perByte = ratio;
    }
  }

  @Test
  void nestingBeyondTheLimitIsRefusedBeforeRecursionGrows() {
    String deep =
        "def g(x: Tensor) -> Tensor:\n  return "
            + "torch.neg(".repeat(5000)
            + "x"
            + ")".repeat(5000)
            + "\n";
    CodeCheck.Rejection r =
        assertThrows(
            CodeCheck.Rejection.class,
            () -> CodeCheck.check(Map.of("code/__torch__.py", deep), PROFILE, 0, Limits.DEFAULT));
    assertEquals(FormatReason.TORCHSCRIPT_LIMIT_EXCEEDED, r.reason());
  }
}
