package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.formats.numpy.NumpyHandler;

/**
 * Coverage-guided fuzzing of {@link NumpyHandler} (seeds in {@code NumpyFuzzTestInputs/}); see
 * {@link HandlerFuzzing}.
 */
class NumpyFuzzTest {
  private static final NumpyHandler HANDLER = new NumpyHandler();

  @FuzzTest(maxDuration = "5s")
  void validate(byte[] data) {
    HandlerFuzzing.run(HANDLER, "a.npy", data);
  }
}
