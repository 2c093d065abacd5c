package dev.safeload.formats.internal.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Work is counted, not timed: lexer tokens, tree nodes and policy analysis steps grow linearly with
 * the template, including for shapes that stress the analysis (long binding chains resolved in the
 * worst order, many macro call sites), and every cap is enforced before it is exceeded.
 */
class WorkBoundsTest {

  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of(
            "outputs", (IntFunction<String>) n -> "{{ messages[0].content ~ 'x' }}".repeat(n)),
        Arguments.of(
            "forward chain",
            (IntFunction<String>)
                n -> {
                  StringBuilder b = new StringBuilder("{% set a0 = 1 %}");
                  for (int i = 1; i < n; i++) {
                    b.append("{% set a").append(i).append(" = a").append(i - 1).append(" + 1 %}");
                  }
                  return b.append("{{ messages[a").append(n - 1).append("] }}").toString();
                }),
        Arguments.of(
            "backward chain losing its property",
            (IntFunction<String>)
                n -> {
                  StringBuilder b = new StringBuilder();
                  for (int i = 0; i < n; i++) {
                    b.append("{% set a").append(i).append(" = a").append(i + 1).append(" %}");
                  }
                  return b.append("{% set a").append(n).append(" = bos_token %}").toString();
                }),
        Arguments.of(
            "macro call sites",
            (IntFunction<String>)
                n ->
                    "{% macro m(x, y=1) %}{{ x[y] }}{% endmacro %}"
                        + "{{ m(messages, 2) }}".repeat(n)),
        Arguments.of(
            "namespace updates",
            (IntFunction<String>)
                n ->
                    "{% set ns = namespace(i=0) %}"
                        + "{% for m in messages %}{% set ns.i = ns.i + 1 %}{{ messages[ns.i - 1].content }}{% endfor %}"
                            .repeat(n)),
        Arguments.of(
            "flat concatenation",
            (IntFunction<String>) n -> "{{ 'a'" + " ~ bos_token".repeat(n) + " }}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void workGrowsLinearly(String shape, IntFunction<String> make) {
    double perCharSmall = 0;
    for (int n : new int[] {25, 100, 400}) {
      String t = make.apply(n);
      ChatTemplates.Work w = ChatTemplates.analyze(t);
      assertTrue(
          w.tokens() <= t.length() + 1,
          shape + ": tokens " + w.tokens() + " for " + t.length() + " chars");
      assertTrue(w.nodes() <= 2L * w.tokens(), shape + ": nodes " + w.nodes());
      double perChar = (double) w.policySteps() / t.length();
      if (n == 25) {
        perCharSmall = perChar;
      } else {
        assertTrue(
            perChar <= 2 * perCharSmall + 1,
            shape
                + ": "
                + w.policySteps()
                + " steps for "
                + t.length()
                + " chars, "
                + perChar
                + " per char against "
                + perCharSmall
                + " for a small template");
      }
    }
  }

  @Test
  void capsAreEnforced() {
    assertEquals(FormatReason.TEMPLATE_TOO_COMPLEX, reason("x".repeat(256 * 1024 + 1)));
    assertEquals(
        FormatReason.TEMPLATE_TOO_COMPLEX, reason("{{ 1 }}".repeat(7000))); // 21 000 tokens
    assertEquals(
        FormatReason.TEMPLATE_TOO_COMPLEX, reason("{{ [" + "1,".repeat(20_001) + "] }}")); // nodes
    assertEquals(
        FormatReason.TEMPLATE_TOO_COMPLEX, reason("{{ '" + "x".repeat(64 * 1024 + 1) + "' }}"));
    assertEquals(FormatReason.TEMPLATE_TOO_COMPLEX, reason("{{ " + "x".repeat(65) + " }}"));
    assertEquals(
        FormatReason.TEMPLATE_TOO_COMPLEX, reason("{{ " + "[".repeat(70) + "]".repeat(70) + " }}"));
    assertEquals(
        FormatReason.TEMPLATE_TOO_COMPLEX,
        reason("{% for a in b %}".repeat(9) + "{% endfor %}".repeat(9)));
    StringBuilder macros = new StringBuilder();
    for (int i = 0; i < 257; i++) {
      macros.append("{% macro m").append(i).append("() %}{% endmacro %}");
    }
    assertEquals(FormatReason.TEMPLATE_TOO_COMPLEX, reason(macros.toString()));
  }

  /** Deep inputs are refused by counting before recursing, never by overflowing the stack. */
  @Test
  void deepInputsDoNotOverflow() {
    for (String deep :
        new String[] {
          "{{ " + "(".repeat(100_000),
          "{{ " + "not ".repeat(100_000) + "x }}",
          "{{ " + "-".repeat(100_000) + "x }}",
          "{% if x %}".repeat(100_000),
          "{{ x" + "[0]".repeat(30_000) + " }}",
          "{{ x" + ".a".repeat(30_000) + " }}",
          "{{ a" + " if b else a".repeat(30_000) + " }}"
        }) {
      assertEquals(FormatReason.TEMPLATE_TOO_COMPLEX, reason(deep), deep.substring(0, 20));
    }
  }

  /**
   * Long runs inside one token are scanned without recursion: number literals and strftime formats
   * were matched by {@code java.util.regex}, whose matcher recurses once per repetition of a group,
   * so a few thousand digits (or spaces in a format) overflowed the stack instead of ending in the
   * literal's length limit or a verdict.
   */
  @Test
  void longRunsInOneTokenDoNotOverflow() {
    for (String number :
        new String[] {
          "1".repeat(100_000),
          "1_".repeat(100_000) + "1",
          "1.5e" + "1_".repeat(100_000) + "1",
          "0x" + "_f".repeat(100_000),
          "0" + "_0".repeat(100_000)
        }) {
      TemplateRejection r =
          assertThrows(TemplateRejection.class, () -> ChatTemplates.check("{{ " + number + " }}"));
      assertEquals(FormatReason.TEMPLATE_TOO_COMPLEX, r.reason(), number.substring(0, 8));
      assertTrue(r.getMessage().contains("number literal longer than 64"), r.getMessage());
    }
    // A format of separators only is a harmless key, however long (literals reach 64 Ki).
    ChatTemplates.check("{{ messages[strftime_now('" + " ".repeat(60_000) + "')] }}");
    ChatTemplates.check("{{ messages[strftime_now('" + "%Y-".repeat(15_000) + "')] }}");
  }

  private static ReasonCode reason(String t) {
    return assertThrows(TemplateRejection.class, () -> ChatTemplates.check(t)).reason();
  }
}
