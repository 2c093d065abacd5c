package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.formats.tokenizer.TiktokenHandler;

/**
 * Coverage-guided fuzzing of {@link TiktokenHandler} (seeds in {@code TiktokenFuzzTestInputs/});
 * see {@link HandlerFuzzing}.
 */
class TiktokenFuzzTest {
  private static final TiktokenHandler HANDLER = new TiktokenHandler();

  @FuzzTest(maxDuration = "5s")
  void validate(byte[] data) {
    HandlerFuzzing.run(HANDLER, "tokenizer.model", data);
  }
}
