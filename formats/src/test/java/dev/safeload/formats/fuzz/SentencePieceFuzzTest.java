package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.formats.tokenizer.SentencePieceHandler;

/**
 * Coverage-guided fuzzing of {@link SentencePieceHandler} (seeds in {@code
 * SentencePieceFuzzTestInputs/}); see {@link HandlerFuzzing}.
 */
class SentencePieceFuzzTest {
  private static final SentencePieceHandler HANDLER = new SentencePieceHandler();

  @FuzzTest(maxDuration = "5s")
  void validate(byte[] data) {
    HandlerFuzzing.run(HANDLER, "tokenizer.model", data);
  }
}
