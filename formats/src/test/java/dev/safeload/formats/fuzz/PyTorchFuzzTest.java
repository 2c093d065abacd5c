package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.formats.pytorch.PyTorchHandler;

/**
 * Coverage-guided fuzzing of {@link PyTorchHandler} (seeds in {@code PyTorchFuzzTestInputs/}); see
 * {@link HandlerFuzzing}.
 */
class PyTorchFuzzTest {
  private static final PyTorchHandler HANDLER = new PyTorchHandler();

  @FuzzTest(maxDuration = "5s")
  void validate(byte[] data) {
    HandlerFuzzing.run(HANDLER, "model.pt", data);
  }
}
