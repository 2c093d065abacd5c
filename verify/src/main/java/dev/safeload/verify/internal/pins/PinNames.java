package dev.safeload.verify.internal.pins;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Rules for the paths a pin may name: relative, {@code /}-separated and normalised, like served names. */
public final class PinNames {
  private PinNames() {}

  /**
   * Why {@code path} cannot name a file inside a model directory, or {@code null} if it can. A valid
   * name is exactly what the loader serves: non-empty segments joined by {@code /}, no {@code .} or
   * {@code ..} segment, no leading {@code /}, no backslash and no control character.
   */
  public static @Nullable String problem(String path) {
    if (path.isEmpty()) {
      return "the path is empty";
    }
    if (path.charAt(0) == '/') {
      return "the path is absolute";
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\\') {
        return "the path contains a backslash";
      }
      if (c < 0x20 || c == 0x7f) {
        return "the path contains a control character";
      }
    }
    int start = 0;
    while (true) {
      int slash = path.indexOf('/', start);
      String segment = slash < 0 ? path.substring(start) : path.substring(start, slash);
      if (segment.isEmpty()) {
        return "the path has an empty segment";
      }
      if (segment.equals("..")) {
        return "the path climbs out with '..'";
      }
      if (segment.equals(".")) {
        return "the path is not normalised ('.' segment)";
      }
      if (slash < 0) {
        return null;
      }
      start = slash + 1;
    }
  }

  /** The key under which two paths that differ only in case collide (on case-insensitive file systems). */
  public static String foldCase(String path) {
    return path.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
  }
}
