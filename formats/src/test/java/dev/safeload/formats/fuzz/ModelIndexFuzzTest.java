package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.formats.json.JsonHandler;

/**
 * Coverage-guided fuzzing of {@link JsonHandler} on a diffusers {@code model_index.json}, which
 * adds the component rule (seeds in {@code ModelIndexFuzzTestInputs/}). A class of its own: Jazzer
 * fuzzes one target per class and JVM, so a second target in {@link JsonHandlerFuzzTest} would be
 * skipped in the fuzzing phase.
 */
class ModelIndexFuzzTest {
  private static final JsonHandler HANDLER = new JsonHandler();

  @FuzzTest(maxDuration = "5s")
  void validate(byte[] data) {
    HandlerFuzzing.run(HANDLER, "model_index.json", data);
  }
}
