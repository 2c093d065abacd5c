package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.formats.tokenizer.MergesHandler;

/**
 * Coverage-guided fuzzing of {@link MergesHandler} (seeds in {@code MergesFuzzTestInputs/}); see
 * {@link HandlerFuzzing}.
 */
class MergesFuzzTest {
  private static final MergesHandler HANDLER = new MergesHandler();

  @FuzzTest(maxDuration = "5s")
  void validate(byte[] data) {
    HandlerFuzzing.run(HANDLER, "merges.txt", data);
  }
}
