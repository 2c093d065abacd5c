package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.formats.tokenizer.VocabHandler;

/**
 * Coverage-guided fuzzing of {@link VocabHandler} (seeds in {@code VocabFuzzTestInputs/}); see
 * {@link HandlerFuzzing}.
 */
class VocabFuzzTest {
  private static final VocabHandler HANDLER = new VocabHandler();

  @FuzzTest(maxDuration = "5s")
  void validate(byte[] data) {
    HandlerFuzzing.run(HANDLER, "vocab.txt", data);
  }
}
