package dev.safeload;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of this safeload build, as the CLI's {@code --version}, its JSON and SARIF reports
 * and the AI-BOM's tool metadata print it. It is written into a resource of this jar by the build,
 * so it is the same wherever the classes were repackaged (a shaded CLI jar, a jlink image), unlike
 * a manifest entry.
 */
public final class SafeloadVersion {
  /**
   * What {@link #get()} returns when the classes were not built by Maven (an IDE's own compile).
   */
  public static final String UNKNOWN = "0.0.0-dev";

  private static final String VERSION = read();

  private SafeloadVersion() {}

  /**
   * The version, e.g. {@code 0.2.0} or {@code 0.2.0-SNAPSHOT}; {@link #UNKNOWN} outside a Maven
   * build.
   */
  public static String get() {
    return VERSION;
  }

  private static String read() {
    try (InputStream in = SafeloadVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return UNKNOWN;
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "").trim();
      // An unfiltered copy still says ${project.version}: not a version.
      return v.isEmpty() || v.startsWith("$") ? UNKNOWN : v;
    } catch (IOException e) {
      return UNKNOWN;
    }
  }
}
