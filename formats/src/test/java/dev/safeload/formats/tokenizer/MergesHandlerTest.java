package dev.safeload.formats.tokenizer;

import static dev.safeload.formats.tokenizer.TokenizerTesting.describe;
import static dev.safeload.formats.tokenizer.TokenizerTesting.detect;
import static dev.safeload.formats.tokenizer.TokenizerTesting.reasons;
import static dev.safeload.formats.tokenizer.TokenizerTesting.resource;
import static dev.safeload.formats.tokenizer.TokenizerTesting.utf8;
import static dev.safeload.formats.tokenizer.TokenizerTesting.with;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.formats.FormatReason;
import dev.safeload.spi.Confidence;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** BPE merges.txt: each rule with its reason code. */
class MergesHandlerTest {
  private static final MergesHandler HANDLER = new MergesHandler();
  private static final String V = "#version: 0.2\n";

  @Test
  void gpt2StyleMergesAreAccepted() {
    assertEquals(
        "19", describe(HANDLER, resource("merges.txt")).metadata().get("tokenizer.merges"));
    assertEquals(
        List.of(),
        reasons(HANDLER, utf8("#version: 0.2 - Trained by `huggingface/tokenizers`\nĠ t\nh e\n")));
    assertEquals(List.of(), reasons(HANDLER, utf8(V)), "no merges at all (a character-level BPE)");
    assertEquals(Set.of("merges.txt"), HANDLER.fileNames());
  }

  @Test
  void versionHeader() {
    assertEquals(List.of(FormatReason.MERGES_HEADER_INVALID), reasons(HANDLER, utf8("Ġ t\nh e\n")));
    assertEquals(
        List.of(FormatReason.MERGES_HEADER_INVALID), reasons(HANDLER, utf8("\n" + V + "h e\n")));
  }

  @Test
  void lineShape() {
    for (String bad :
        List.of(
            "h  e",
            "h e r",
            " h e",
            "h e ",
            "he",
            "h\u3000e",
            "h\u00a0e x",
            "",
            "h ",
            " e",
            "#version: 0.2")) {
      assertEquals(
          List.of(FormatReason.MERGES_LINE_INVALID),
          reasons(HANDLER, utf8(V + "Ġ t\n" + bad + "\n")),
          bad);
    }
    assertEquals(List.of(), reasons(HANDLER, utf8(V + "# #\n## #\n")), "'#' tokens are fine");
  }

  @Test
  void duplicateMerges() {
    assertEquals(
        List.of(FormatReason.MERGES_DUPLICATE), reasons(HANDLER, utf8(V + "h e\nĠ t\nh e\n")));
    assertEquals(List.of(), reasons(HANDLER, utf8(V + "h e\nhe h\n")));
  }

  @Test
  void mergeCount() {
    assertEquals(
        List.of(), reasons(HANDLER, utf8(V + "a b\nc d\n"), with(Tokenizers.MAX_TOKENS, 2)));
    assertEquals(
        List.of(FormatReason.MERGES_TOO_MANY),
        reasons(HANDLER, utf8(V + "a b\nc d\ne f\n"), with(Tokenizers.MAX_TOKENS, 2)));
  }

  @Test
  void detection() {
    assertEquals(Confidence.STRONG, detect(HANDLER, resource("merges.txt")));
    assertEquals(Confidence.NONE, detect(HANDLER, resource("vocab.txt")));
    assertEquals(Confidence.NONE, detect(HANDLER, resource("tiny.tiktoken")));
    assertEquals(Confidence.NONE, detect(HANDLER, resource("spiece.model")));
  }
}
