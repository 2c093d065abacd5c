package dev.safeload.verify.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.verify.PinFileException;
import dev.safeload.verify.PinSet;

/**
 * Pin-file parsing on arbitrary bytes: a valid pin set or a {@link PinFileException}, nothing else.
 */
class PinFileFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void parse(byte[] data) {
    try {
      PinSet pins = PinSet.parse(data, "fuzz");
      if (pins.pins().isEmpty()) {
        throw new AssertionError("an accepted pin file must pin something");
      }
    } catch (PinFileException expected) {
      // refused with a reason: fine
    }
  }
}
