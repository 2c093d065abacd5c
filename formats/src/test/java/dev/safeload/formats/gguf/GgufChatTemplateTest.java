package dev.safeload.formats.gguf;

import static dev.safeload.formats.gguf.GgufTesting.assertRejected;
import static dev.safeload.formats.gguf.GgufTesting.findings;
import static dev.safeload.formats.gguf.GgufWriter.STRING;
import static dev.safeload.formats.gguf.GgufWriter.str;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.Scans;
import dev.safeload.testing.SharedVectors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The chat-template policy in GGUF metadata: the default template and every named one. */
class GgufChatTemplateTest {

  private static byte[] withTemplate(String key, String template) {
    GgufWriter w = GgufWriter.valid();
    w.kv(key, STRING, str(template));
    return w.build();
  }

  @ParameterizedTest
  @MethodSource("dev.safeload.formats.internal.template.TemplateEscapes#escapes")
  void defaultTemplateRefused(String template, ReasonCode expected) {
    assertRejected(expected, withTemplate("tokenizer.chat_template", template));
  }

  /** The third case: the same escapes hidden in a named template such as tool_use. */
  @ParameterizedTest
  @MethodSource("dev.safeload.formats.internal.template.TemplateEscapes#escapes")
  void namedTemplateRefused(String template, ReasonCode expected) {
    assertRejected(expected, withTemplate("tokenizer.chat_template.tool_use", template));
  }

  static Stream<Path> realTemplates() {
    return Scans.files(SharedVectors.dir("chat-templates/llama.cpp")).stream()
        .filter(p -> p.getFileName().toString().endsWith(".jinja"));
  }

  @ParameterizedTest
  @MethodSource("realTemplates")
  void realTemplatesAccepted(Path p) {
    String t = new String(Scans.read(p), StandardCharsets.UTF_8);
    assertEquals(List.of(), findings(withTemplate("tokenizer.chat_template", t)), p.toString());
    assertEquals(List.of(), findings(withTemplate("tokenizer.chat_template.rag", t)), p.toString());
  }

  @Test
  void namedTemplateNameIsBounded() {
    assertRejected(
        FormatReason.TEMPLATE_CONTAINER_INVALID,
        withTemplate("tokenizer.chat_template." + "a".repeat(65), "{{ x }}"));
  }
}
