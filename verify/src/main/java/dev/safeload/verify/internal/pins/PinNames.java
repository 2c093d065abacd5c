package dev.safeload.verify.internal.pins;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Rules for the paths a pin may name: relative, {@code /}-separated and normalised, like served
 * names.
 */
public final class PinNames {
  private PinNames() {}

  /**
   * Why {@code path} cannot name a file inside a model directory, or {@code null} if it can. A
   * valid name is exactly what the loader serves: non-empty segments joined by {@code /}, no {@code
   * .} or {@code ..} segment, no leading {@code /}, no backslash and no control character.
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

  /**
   * The key under which two paths that differ only in case collide (on case-insensitive file
   * systems).
   */
  public static String foldCase(String path) {
    return path.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
  }

  /**
   * Up to five names (control characters replaced), then a count: a claim stays one readable line.
   */
  public static String summary(java.util.List<String> names) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < names.size() && i < 5; i++) {
      sb.append(i == 0 ? "" : ", ");
      String n = names.get(i);
      for (int k = 0; k < n.length() && k < 200; k++) {
        char c = n.charAt(k);
        sb.append(c < 0x20 || c == 0x7f ? '?' : c);
      }
    }
    if (names.size() > 5) {
      sb.append(" and ").append(names.size() - 5).append(" more");
    }
    return sb.toString();
  }
}
