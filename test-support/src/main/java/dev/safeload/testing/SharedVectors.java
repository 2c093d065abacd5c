package dev.safeload.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The shared conformance vectors, read in place (never copied into the repository). The root pom
 * passes their location as the system property {@code safeload.vectors}; run outside Maven (an
 * IDE), the checkout's {@code ../shared/vectors} seen from a module directory. A missing directory
 * fails the test under {@code CI=true} and skips it, with a message, elsewhere.
 */
public final class SharedVectors {
  /** The system property the root pom sets. */
  public static final String PROPERTY = "safeload.vectors";

  private SharedVectors() {}

  /**
   * The directory {@code sub} of the vectors, as a real path; fails under CI, else skips, if
   * missing.
   */
  public static Path dir(String sub) {
    Path dir = location(sub);
    if (!Files.isDirectory(dir)) {
      if (onCi()) {
        Assertions.fail("shared vectors missing under CI=true: " + dir);
      }
      Assumptions.abort(
          "shared vectors not found at " + dir + " (set -D" + PROPERTY + "); skipping");
    }
    try {
      // ../shared may be reached through a symbolic link, and the loader refuses paths below a
      // link.
      return dir.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Whether the directory {@code sub} of the vectors is there (for tests that degrade instead of
   * skip).
   */
  public static boolean present(String sub) {
    return Files.isDirectory(location(sub));
  }

  /** Whether the build runs as CI ({@code CI=true}), where missing vectors are an error. */
  public static boolean onCi() {
    return "true".equals(System.getenv("CI"));
  }

  private static Path location(String sub) {
    return Path.of(System.getProperty(PROPERTY, "../../shared/vectors"), sub);
  }
}
