package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.formats.template.ChatTemplateHandler;

/**
 * Coverage-guided fuzzing of the Jinja lexer, parser and policy through {@link ChatTemplateHandler}
 * (seeds in {@code ChatTemplateFuzzTestInputs/}): arbitrary bytes as {@code chat_template.jinja}
 * and as {@code chat_template.json} end in a verdict; only rejections may leave the handler (no
 * stack overflow on deep input, no other exception); see {@link HandlerFuzzing}.
 */
class ChatTemplateFuzzTest {
  private static final ChatTemplateHandler HANDLER = new ChatTemplateHandler();

  @FuzzTest(maxDuration = "5s")
  void validate(byte[] data) {
    HandlerFuzzing.run(HANDLER, "chat_template.jinja", data);
    HandlerFuzzing.run(HANDLER, "chat_template.json", data);
  }
}
