package dev.safeload.junit;

import dev.safeload.Reason;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * A gate class run only by {@link JUnitCompatibilityTest}, on an older JUnit in a class loader of
 * its own (surefire leaves it alone: its name does not end in Test). No format handler is on that
 * class path, so every file is UNKNOWN_FORMAT, which is what it asserts.
 */
public class OldJUnitGate {
  @ParameterizedTest
  @ModelFiles(value = JUnitCompatibilityTest.MODELS, glob = "**.weights")
  void unknown(Path file) {
    ModelAssertions.assertRejected(file, Reason.UNKNOWN_FORMAT);
  }
}
