package dev.safeload.formats.internal.template;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.formats.Scans;
import dev.safeload.testing.SharedVectors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every real chat template in the shared vectors ({@code chat-templates/llama.cpp}) is accepted.
 */
class RealTemplatesTest {

  static Stream<Path> templates() {
    return Scans.files(SharedVectors.dir("chat-templates/llama.cpp")).stream()
        .filter(p -> p.getFileName().toString().endsWith(".jinja"));
  }

  static String text(Path p) {
    return new String(Scans.read(p), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @MethodSource("templates")
  void accepted(Path p) {
    assertDoesNotThrow(() -> ChatTemplates.check(text(p)), p.getFileName().toString());
  }

  @Test
  void allFortyEightArePresent() {
    List<Path> all = templates().toList();
    assertEquals(48, all.size());
  }

  /** The work each real template costs stays a small multiple of its size. */
  @ParameterizedTest
  @MethodSource("templates")
  void workIsProportionalToSize(Path p) {
    String t = text(p);
    ChatTemplates.Work w = ChatTemplates.analyze(t);
    assertTrue(w.tokens() <= t.length() + 1, "tokens " + w.tokens());
    assertTrue(w.nodes() <= w.tokens() * 2L, "nodes " + w.nodes());
    assertTrue(w.policySteps() <= 64L * Math.max(16, w.nodes()), "steps " + w.policySteps());
  }
}
