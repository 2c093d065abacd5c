package dev.safeload.formats.tokenizer;

import static dev.safeload.formats.tokenizer.TokenizerTesting.describe;
import static dev.safeload.formats.tokenizer.TokenizerTesting.detect;
import static dev.safeload.formats.tokenizer.TokenizerTesting.reasons;
import static dev.safeload.formats.tokenizer.TokenizerTesting.resource;
import static dev.safeload.formats.tokenizer.TokenizerTesting.utf8;
import static dev.safeload.formats.tokenizer.TokenizerTesting.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.text.TextLines;
import dev.safeload.formats.internal.tokenizer.Vocab;
import dev.safeload.formats.json.JsonHandler;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** WordPiece vocab.txt: each rule with its reason code. */
class VocabHandlerTest {
  private static final VocabHandler HANDLER = new VocabHandler();

  @Test
  void bertStyleVocabIsAccepted() {
    assertEquals("87", describe(HANDLER, resource("vocab.txt")).metadata().get("tokenizer.tokens"));
  }

  @Test
  void claimsItsNameOnly() {
    assertEquals(Set.of("vocab.txt"), HANDLER.fileNames());
    assertEquals(Set.of(), HANDLER.extensions());
  }

  @Test
  void emptyLines() {
    assertEquals(
        List.of(FormatReason.VOCAB_TOKEN_INVALID), reasons(HANDLER, utf8("[PAD]\n\n[UNK]\n")));
    assertEquals(
        List.of(FormatReason.VOCAB_TOKEN_INVALID),
        reasons(HANDLER, utf8("[PAD]\n[UNK]\n\n")),
        "a trailing blank line");
  }

  @Test
  void whitespaceAtEitherEnd() {
    assertEquals(List.of(FormatReason.VOCAB_TOKEN_INVALID), reasons(HANDLER, utf8("[PAD]\nab \n")));
    assertEquals(List.of(FormatReason.VOCAB_TOKEN_INVALID), reasons(HANDLER, utf8("[PAD]\n ab\n")));
    assertEquals(
        List.of(FormatReason.VOCAB_TOKEN_INVALID),
        reasons(HANDLER, utf8("[PAD]\nab\u00a0\n")),
        "NBSP, trimmed by Rust");
    assertEquals(
        List.of(FormatReason.VOCAB_TOKEN_INVALID), reasons(HANDLER, utf8("[PAD]\nab\u3000\n")));
    assertEquals(
        List.of(), reasons(HANDLER, utf8("[PAD]\na b\n")), "inside a token both readers keep it");
  }

  @Test
  void duplicateTokens() {
    assertEquals(
        List.of(FormatReason.VOCAB_DUPLICATE_TOKEN),
        reasons(HANDLER, utf8("[PAD]\n##a\nb\n##a\n")));
    assertEquals(List.of(), reasons(HANDLER, utf8("[PAD]\n##a\na\n")));
  }

  @Test
  void tokenCount() {
    assertEquals(List.of(), reasons(HANDLER, utf8("a\nb\nc\n"), with(Tokenizers.MAX_TOKENS, 3)));
    assertEquals(
        List.of(FormatReason.VOCAB_TOO_MANY_TOKENS),
        reasons(HANDLER, utf8("a\nb\nc\nd\n"), with(Tokenizers.MAX_TOKENS, 3)));
  }

  @Test
  void workIsLinear() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 50_000; i++) {
      sb.append("##").append(Integer.toString(i, 36)).append('\n');
    }
    byte[] b = utf8(sb.toString());
    Vocab.Result r =
        Vocab.parse(
            ModelBytes.of(ByteBuffer.wrap(b)), new TextLines.Limits(1 << 30, 1000, false), 1 << 20);
    assertEquals(50_000, r.tokens());
    assertTrue(r.work() <= b.length + r.tokens(), "work " + r.work());
  }

  @Test
  void detection() {
    assertEquals(Confidence.STRUCTURAL, detect(HANDLER, resource("vocab.txt")));
    assertEquals(Confidence.NONE, detect(HANDLER, resource("merges.txt")));
    assertEquals(Confidence.NONE, detect(HANDLER, resource("tiny.tiktoken")));
    assertEquals(Confidence.NONE, detect(HANDLER, resource("spiece.model")));
    assertEquals(Confidence.NONE, detect(HANDLER, utf8("[\n1,\n2\n]\n")), "a JSON array");
    assertEquals(Confidence.NONE, detect(HANDLER, utf8("{\"a\":1}\n")));
    assertEquals(
        Confidence.NONE, detect(HANDLER, utf8("[PAD]\n")), "one line is too little to tell");
    assertEquals(
        Confidence.NONE,
        new JsonHandler().detect(ByteBuffer.wrap(resource("vocab.txt")), 385),
        "[PAD] does not start a JSON array");
  }
}
