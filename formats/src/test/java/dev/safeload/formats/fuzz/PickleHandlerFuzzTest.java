package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.formats.pickle.PickleHandler;

/**
 * Coverage-guided fuzzing of {@link PickleHandler} (seeds in {@code PickleHandlerFuzzTestInputs/});
 * see {@link HandlerFuzzing}.
 */
class PickleHandlerFuzzTest {
  private static final PickleHandler HANDLER = new PickleHandler();

  @FuzzTest(maxDuration = "5s")
  void validate(byte[] data) {
    HandlerFuzzing.run(HANDLER, "data.pkl", data);
  }
}
