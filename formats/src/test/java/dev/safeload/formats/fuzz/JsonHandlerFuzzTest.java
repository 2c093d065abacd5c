package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.formats.json.JsonHandler;

/**
 * Coverage-guided fuzzing of {@link JsonHandler} (seeds in {@code JsonHandlerFuzzTestInputs/}); see
 * {@link HandlerFuzzing}.
 */
class JsonHandlerFuzzTest {
  private static final JsonHandler HANDLER = new JsonHandler();

  @FuzzTest(maxDuration = "5s")
  void validate(byte[] data) {
    HandlerFuzzing.run(HANDLER, "config.json", data);
  }
}
