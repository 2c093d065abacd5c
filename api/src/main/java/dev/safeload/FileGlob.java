package dev.safeload;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A pattern over the {@code /}-separated names of files in a model directory, with the meaning
 * {@code .gitignore} gives it, because that is the meaning people already know:
 *
 * <ul>
 *   <li>A pattern with no {@code /} but at its end matches a file or directory of that name at any
 *       depth: {@code *.md} matches {@code README.md} and {@code docs/USAGE.md}.
 *   <li>A pattern with a {@code /} at its start or in its middle is anchored at the model root:
 *       {@code /README.md} and {@code docs/*.md} match only there.
 *   <li>A pattern ending in {@code /} matches directories only; everything under a matched
 *       directory is matched.
 *   <li>{@code *} and {@code ?} never match {@code /}; {@code [a-z]} and {@code [!a-z]} are
 *       character classes; {@code **} between slashes, at the start ({@code **}{@code /x}) or at
 *       the end ({@code x/**}) matches any number of directories; {@code \} escapes the next
 *       character.
 * </ul>
 *
 * <p>Negation ({@code !pattern}) is not supported: a pattern list that excludes and re-includes is
 * a policy nobody can read at a glance, so such a pattern is refused rather than given a meaning.
 * Patterns are limited to {@value #MAX_LENGTH} characters and matching is linear in the name for
 * the patterns people write; names longer than {@value #MAX_NAME} characters never match.
 */
public final class FileGlob {
  /** Longest pattern accepted. */
  public static final int MAX_LENGTH = 256;

  static final int MAX_NAME = 4096;
  private static final int MAX_WILDCARDS = 16;

  private final String pattern;
  private final Pattern regex;
  private final boolean anchored;
  private final boolean directoryOnly;

  private FileGlob(String pattern, Pattern regex, boolean anchored, boolean directoryOnly) {
    this.pattern = pattern;
    this.regex = regex;
    this.anchored = anchored;
    this.directoryOnly = directoryOnly;
  }

  /**
   * Parses a pattern.
   *
   * @throws IllegalArgumentException with a one-line message if the pattern is empty, too long,
   *     negated, has an unterminated class or a dangling escape
   */
  public static FileGlob of(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    if (pattern.isEmpty() || pattern.equals("/")) {
      throw new IllegalArgumentException("empty file pattern");
    }
    if (pattern.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("file pattern longer than " + MAX_LENGTH + " characters");
    }
    if (pattern.startsWith("!")) {
      throw new IllegalArgumentException("negated file patterns are not supported: " + pattern);
    }
    for (int i = 0; i < pattern.length(); i++) {
      if (pattern.charAt(i) < 0x20) {
        throw new IllegalArgumentException("file pattern with a control character");
      }
    }
    String p = pattern;
    boolean dirOnly = p.endsWith("/") && !p.endsWith("\\/");
    if (dirOnly) {
      p = p.substring(0, p.length() - 1);
    }
    int slash = p.indexOf('/');
    boolean anchored = slash >= 0;
    if (p.startsWith("/")) {
      p = p.substring(1);
    }
    if (p.isEmpty()) {
      throw new IllegalArgumentException("empty file pattern");
    }
    return new FileGlob(pattern, Pattern.compile(toRegex(p, pattern)), anchored, dirOnly);
  }

  /** The pattern as written. */
  public String pattern() {
    return pattern;
  }

  /** Whether the file with this {@code /}-separated name relative to the model root is matched. */
  public boolean matches(String name) {
    if (name.length() > MAX_NAME) {
      return false;
    }
    // Each directory prefix of the name, then the name itself: a matched directory matches all
    // below.
    int from = 0;
    while (true) {
      int end = name.indexOf('/', from);
      boolean isDirectory = end >= 0;
      int stop = isDirectory ? end : name.length();
      if (!directoryOnly || isDirectory) {
        CharSequence candidate =
            anchored ? name.subSequence(0, stop) : name.subSequence(from, stop);
        if (regex.matcher(candidate).matches()) {
          return true;
        }
      }
      if (!isDirectory) {
        return false;
      }
      from = end + 1;
    }
  }

  private static String toRegex(String p, String original) {
    StringBuilder re = new StringBuilder();
    int wildcards = 0;
    int n = p.length();
    for (int i = 0; i < n; i++) {
      char c = p.charAt(i);
      switch (c) {
        case '*' -> {
          if (++wildcards > MAX_WILDCARDS) {
            throw new IllegalArgumentException(
                "file pattern with more than " + MAX_WILDCARDS + " wildcards: " + original);
          }
          boolean doubled = i + 1 < n && p.charAt(i + 1) == '*';
          boolean atSegmentStart = i == 0 || p.charAt(i - 1) == '/';
          boolean atSegmentEnd = i + 2 >= n || p.charAt(i + 2) == '/';
          if (doubled && atSegmentStart && atSegmentEnd) {
            i++; // consume the second '*'
            if (i + 1 < n) {
              i++; // and the '/' after it: "**/" is zero or more directories
              re.append("(?:[^/]*/)*");
            } else {
              re.append(".*"); // trailing "**": everything below
            }
          } else {
            re.append("[^/]*");
          }
        }
        case '?' -> re.append("[^/]");
        case '[' -> {
          int close = p.indexOf(']', i + 2);
          if (close < 0) {
            throw new IllegalArgumentException(
                "unterminated character class in file pattern: " + original);
          }
          String body = p.substring(i + 1, close);
          re.append('[');
          int k = 0;
          if (body.startsWith("!") || body.startsWith("^")) {
            re.append('^');
            k = 1;
          }
          for (; k < body.length(); k++) {
            char b = body.charAt(k);
            if (b == '-' && k > 0 && k < body.length() - 1) {
              re.append('-');
            } else if (b == '/') {
              throw new IllegalArgumentException("'/' inside a character class: " + original);
            } else {
              // Escaping every non-alphanumeric character is always legal inside a Java class.
              if (!Character.isLetterOrDigit(b)) {
                re.append('\\');
              }
              re.append(b);
            }
          }
          re.append("&&[^/]]");
          i = close;
        }
        case '\\' -> {
          if (i + 1 >= n) {
            throw new IllegalArgumentException("file pattern ends in an escape: " + original);
          }
          re.append(Pattern.quote(String.valueOf(p.charAt(++i))));
        }
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return re.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileGlob g && g.pattern.equals(pattern);
  }

  @Override
  public int hashCode() {
    return pattern.hashCode();
  }

  @Override
  public String toString() {
    return pattern;
  }
}
