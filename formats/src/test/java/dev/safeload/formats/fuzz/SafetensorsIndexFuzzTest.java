package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.formats.safetensors.SafetensorsIndexHandler;

/**
 * Coverage-guided fuzzing of {@link SafetensorsIndexHandler} (seeds in {@code
 * SafetensorsIndexFuzzTestInputs/}); see {@link HandlerFuzzing}.
 */
class SafetensorsIndexFuzzTest {
  private static final SafetensorsIndexHandler HANDLER = new SafetensorsIndexHandler();

  @FuzzTest(maxDuration = "5s")
  void validate(byte[] data) {
    HandlerFuzzing.run(HANDLER, "model.safetensors.index.json", data);
  }
}
