package dev.safeload.junit.internal;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.platform.commons.PreconditionViolationException;

/**
 * The oldest JUnit Jupiter the test kit runs on, checked when a parameter source is first used so
 * that an older JUnit fails at once with a message naming the minimum, not later with a linkage
 * error.
 */
public final class JUnitVersion {
  /** The minimum: JUnit Jupiter 5.10 (JUnit 6 works too). */
  public static final String MINIMUM = "5.10";

  private JUnitVersion() {}

  /**
   * Fails unless the JUnit Jupiter params jar on the class path is {@link #MINIMUM} or later. A jar
   * without a version in its manifest (a repackaged build) is let through.
   *
   * @throws PreconditionViolationException naming the found version and the minimum
   */
  public static void require() {
    require(ParameterizedTest.class.getPackage().getImplementationVersion());
  }

  static void require(@Nullable String found) {
    if (found != null && !atLeast(found, 5, 10)) {
      throw new PreconditionViolationException(
          "safeload-junit needs JUnit Jupiter "
              + MINIMUM
              + " or later, but the test class path has "
              + found
              + "; upgrade junit-jupiter (or import junit-bom "
              + MINIMUM
              + ".0 or later)");
    }
  }

  /** Whether a version like {@code 5.9.3} or {@code 6.0.0-M1} is at least {@code major.minor}. */
  static boolean atLeast(String version, int major, int minor) {
    String[] parts = version.split("[.-]");
    try {
      int ma = Integer.parseInt(parts[0]);
      int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      return ma > major || (ma == major && mi >= minor);
    } catch (NumberFormatException e) {
      return true; // not a version we can read: do not block on it
    }
  }
}
