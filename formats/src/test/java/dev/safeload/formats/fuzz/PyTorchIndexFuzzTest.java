package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.formats.pytorch.PyTorchIndexHandler;

/**
 * Coverage-guided fuzzing of {@link PyTorchIndexHandler} (seeds in {@code
 * PyTorchIndexFuzzTestInputs/}); see {@link HandlerFuzzing}.
 */
class PyTorchIndexFuzzTest {
  private static final PyTorchIndexHandler HANDLER = new PyTorchIndexHandler();

  @FuzzTest(maxDuration = "5s")
  void validate(byte[] data) {
    HandlerFuzzing.run(HANDLER, "pytorch_model.bin.index.json", data);
  }
}
