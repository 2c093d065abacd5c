package dev.safeload.cli;

import dev.safeload.LoadPolicy;
import dev.safeload.ScanReport;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The two engine features the CLI uses that arrive with the engine redesign: opaque files in the
 * policy ({@code LoadPolicy.Builder.opaqueFiles}) and the ignored files of a scan
 * ({@code ScanReport.ignoredFiles()}). Looked up once, so that the CLI builds and runs against the
 * engine before and after the change; once every engine has both, this class becomes two direct calls.
 */
final class EngineFeatures {
  private static final @Nullable Method OPAQUE = find(LoadPolicy.Builder.class, "opaqueFiles", String[].class);
  private static final @Nullable Method IGNORED = find(ScanReport.class, "ignoredFiles");

  private EngineFeatures() {}

  private static @Nullable Method find(Class<?> c, String name, Class<?>... params) {
    try {
      return c.getMethod(name, params);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /** Whether the engine can serve opaque files. */
  static boolean supportsOpaque() {
    return OPAQUE != null;
  }

  /**
   * Adds opaque patterns to the policy.
   *
   * @throws UnsupportedOperationException if there are patterns and the engine cannot serve opaque files
   */
  static LoadPolicy.Builder opaqueFiles(LoadPolicy.Builder b, List<String> globs) {
    if (globs.isEmpty()) {
      return b;
    }
    if (OPAQUE == null) {
      throw new UnsupportedOperationException("this safeload engine does not support opaque files (--opaque)");
    }
    return (LoadPolicy.Builder) invoke(OPAQUE, b, (Object) globs.toArray(String[]::new));
  }

  /** The files the scan left out by an ignore pattern, or none if the engine does not report them. */
  @SuppressWarnings("unchecked")
  static List<String> ignoredFiles(ScanReport r) {
    return IGNORED == null ? List.of() : List.copyOf((List<String>) invoke(IGNORED, r));
  }

  private static Object invoke(Method m, Object target, Object... args) {
    try {
      return m.invoke(target, args);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
