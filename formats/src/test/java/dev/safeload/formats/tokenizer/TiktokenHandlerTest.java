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
import dev.safeload.formats.internal.tokenizer.Tiktoken;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** tiktoken rank files: each rule with its reason code. */
class TiktokenHandlerTest {
  private static final TiktokenHandler HANDLER = new TiktokenHandler();

  @Test
  void rankFileIsAccepted() {
    ModelDescription d = describe(HANDLER, resource("tiny.tiktoken"));
    assertEquals("282", d.metadata().get("tokenizer.tokens"));
    assertEquals("291", d.metadata().get("tiktoken.max_rank"), "ranks may leave gaps");
    assertEquals(List.of(), reasons(HANDLER, utf8("IQ== 0\nIg== 1")), "no final LF");
  }

  @Test
  void claimsTheExtensionAndTokenizerModel() {
    assertEquals(Set.of("tiktoken"), HANDLER.extensions());
    assertEquals(Set.of("tokenizer.model"), HANDLER.fileNames());
  }

  @Test
  void lineShape() {
    for (String bad : List.of("IQ==  1", "IQ==", "IQ== 1 2", " 1", "IQ== ", "", "IQ==\t1")) {
      List<?> r = reasons(HANDLER, utf8("Ig== 0\n" + bad + "\n"));
      assertTrue(
          r.equals(List.of(FormatReason.TIKTOKEN_LINE_INVALID)) || bad.contains("\t"),
          bad + " " + r);
    }
    assertEquals(
        List.of(FormatReason.TEXT_CONTROL_CHARACTER), reasons(HANDLER, utf8("Ig== 0\nIQ==\t1\n")));
  }

  @Test
  void canonicalBase64() {
    for (String bad : List.of("IQ=", "I!Q=", "IR==", "IQ=A", "====", "IQ===", "I-Q_", "IQ==IQ==")) {
      assertEquals(
          List.of(FormatReason.TIKTOKEN_BASE64_INVALID),
          reasons(HANDLER, utf8("Ig== 0\n" + bad + " 1\n")),
          bad);
    }
    assertEquals(List.of(), reasons(HANDLER, utf8("Ig== 0\nIR0= 1\nAAAA 2\n+/+/ 3\n")));
  }

  @Test
  void ranks() {
    for (String bad : List.of("01", "+1", "1_0", "-1", "2147483648", "99999999999", "1.0", "0")) {
      assertEquals(
          List.of(FormatReason.TIKTOKEN_RANK_INVALID),
          reasons(HANDLER, utf8("Ig== 0\nIQ== " + bad + "\n")),
          bad);
    }
    assertEquals(
        List.of(FormatReason.TIKTOKEN_RANK_INVALID),
        reasons(HANDLER, utf8("Ig== 5\nIQ== 4\n")),
        "descending");
    assertEquals(List.of(), reasons(HANDLER, utf8("Ig== 0\nIQ== 2147483647\n")));
  }

  @Test
  void duplicateTokens() {
    assertEquals(
        List.of(FormatReason.TIKTOKEN_DUPLICATE_TOKEN),
        reasons(HANDLER, utf8("Ig== 0\nIQ== 1\nIg== 2\n")));
  }

  @Test
  void tokenCount() {
    assertEquals(
        List.of(), reasons(HANDLER, utf8("Ig== 0\nIQ== 1\n"), with(Tokenizers.MAX_TOKENS, 2)));
    assertEquals(
        List.of(FormatReason.TIKTOKEN_TOO_MANY_TOKENS),
        reasons(HANDLER, utf8("Ig== 0\nIQ== 1\nIw== 2\n"), with(Tokenizers.MAX_TOKENS, 2)));
  }

  @Test
  void workIsLinear() {
    StringBuilder sb = new StringBuilder();
    Base64.Encoder b64 = Base64.getEncoder();
    for (int i = 0; i < 50_000; i++) {
      sb.append(b64.encodeToString(Integer.toString(i).getBytes()))
          .append(' ')
          .append(i)
          .append('\n');
    }
    byte[] b = utf8(sb.toString());
    Tiktoken.Result r =
        Tiktoken.parse(
            ModelBytes.of(ByteBuffer.wrap(b)), new TextLines.Limits(1 << 30, 1000, false), 1 << 20);
    assertEquals(50_000, r.tokens());
    assertTrue(r.work() <= b.length + r.tokens(), "work " + r.work());
  }

  @Test
  void detectionAndValidationExcludeSentencePiece() {
    SentencePieceHandler sp = new SentencePieceHandler();
    byte[] tiktoken = resource("tiny.tiktoken");
    byte[] model = resource("spiece.model");
    assertEquals(Confidence.STRONG, detect(HANDLER, tiktoken));
    assertEquals(Confidence.NONE, detect(HANDLER, model));
    assertEquals(Confidence.NONE, detect(sp, tiktoken));
    assertEquals(Confidence.STRONG, detect(sp, model));
    assertTrue(!reasons(HANDLER, model).isEmpty(), "a SentencePiece model is no rank file");
    assertTrue(!reasons(sp, tiktoken).isEmpty(), "a rank file is no SentencePiece model");
    assertEquals(Confidence.NONE, detect(HANDLER, resource("merges.txt")));
    assertEquals(Confidence.NONE, detect(HANDLER, resource("vocab.txt")));
  }
}
