package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.formats.archive.ArchiveWrapperHandler;

/**
 * Coverage-guided fuzzing of {@link ArchiveWrapperHandler} (seeds in {@code
 * ArchiveWrapperFuzzTestInputs/}); see {@link HandlerFuzzing}.
 */
class ArchiveWrapperFuzzTest {
  private static final ArchiveWrapperHandler HANDLER = new ArchiveWrapperHandler();

  @FuzzTest(maxDuration = "5s")
  void validate(byte[] data) {
    HandlerFuzzing.run(HANDLER, "model.zip", data);
  }
}
