package dev.safeload;

import java.util.Arrays;
import java.util.Objects;

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
 * Patterns are limited to {@value #MAX_LENGTH} characters; matching one name takes at most (pattern
 * length x name length) steps whatever either holds, since patterns may come from a file that came
 * with the model; names longer than {@value #MAX_NAME} characters never match.
 */
public final class FileGlob {
  /** Longest pattern accepted. */
  public static final int MAX_LENGTH = 256;

  static final int MAX_NAME = 4096;
  private static final int MAX_WILDCARDS = 16;

  // Token kinds. Patterns come from pin files, signatures and policy files and names from the
  // model, so matching is a set-of-states simulation (Thompson), never a backtracking regex:
  // "*a*a*a*a*a*b" as java.util.regex took seconds on a 100-character name and grows as the
  // name's fifth power. Work is at most (tokens + 1) x (code points in the name).
  private static final int LITERAL = 0; // one code point
  private static final int ANY = 1; // "?": one code point other than '/'
  private static final int CLASS = 2; // "[...]": one code point other than '/' in (or not in) set
  private static final int STAR = 3; // "*": any run of code points other than '/'
  private static final int DIRS = 4; // "**/": zero or more whole directory names, each with '/'
  private static final int REST = 5; // trailing "**": everything

  private final String pattern;
  private final int[] kinds;
  private final int[] literals;
  private final int[][] classes; // for CLASS: ranges as [lo0, hi0, lo1, hi1, ...]
  private final boolean[] negated;
  private final boolean anchored;
  private final boolean directoryOnly;

  private FileGlob(
      String pattern,
      int[] kinds,
      int[] literals,
      int[][] classes,
      boolean[] negated,
      boolean anchored,
      boolean directoryOnly) {
    this.pattern = pattern;
    this.kinds = kinds;
    this.literals = literals;
    this.classes = classes;
    this.negated = negated;
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
    return compile(pattern, p, anchored, dirOnly);
  }

  /** The pattern as written. */
  public String pattern() {
    return pattern;
  }

  /** Whether the file with this {@code /}-separated name relative to the model root is matched. */
  public boolean matches(String name) {
    return matchCounting(name, new long[1]);
  }

  /**
   * {@link #matches} that adds the number of state visits to {@code work[0]}, so tests can bound
   * the work without a clock.
   */
  boolean matchCounting(String name, long[] work) {
    if (name.length() > MAX_NAME) {
      return false;
    }
    // A matched directory matches everything below it. An anchored pattern runs once over the
    // whole name, asking at each '/' whether the directory so far is matched; an unanchored one
    // (no '/' inside) runs over each name part on its own. Either way each code point of the name
    // is fed to one simulation.
    int states = kinds.length + 1;
    boolean[] current = new boolean[states];
    boolean[] inDirs = new boolean[states]; // inside a DIRS token's directory name
    boolean[] next = new boolean[states];
    boolean[] nextInDirs = new boolean[states];
    start(current, inDirs);
    close(current, work);
    int i = 0;
    int n = name.length();
    while (true) {
      boolean end = i >= n;
      int c = end ? 0 : name.codePointAt(i);
      if (end || c == '/') {
        // The text fed so far (a directory or the whole name) is a candidate.
        if ((!directoryOnly || !end) && current[kinds.length]) {
          return true;
        }
        if (end) {
          return false;
        }
        if (!anchored) {
          start(current, inDirs);
          close(current, work);
          i++;
          continue;
        }
      }
      Arrays.fill(next, false);
      Arrays.fill(nextInDirs, false);
      boolean alive = false;
      for (int s = 0; s < kinds.length; s++) {
        work[0]++;
        if (inDirs[s]) {
          if (c == '/') {
            next[s] = true; // a whole directory name consumed: at the token again
          } else {
            nextInDirs[s] = true;
          }
          alive = true;
        }
        if (!current[s]) {
          continue;
        }
        switch (kinds[s]) {
          case LITERAL -> {
            if (c == literals[s]) {
              next[s + 1] = true;
              alive = true;
            }
          }
          case ANY -> {
            if (c != '/') {
              next[s + 1] = true;
              alive = true;
            }
          }
          case CLASS -> {
            if (c != '/' && inClass(classes[s], c) != negated[s]) {
              next[s + 1] = true;
              alive = true;
            }
          }
          case STAR -> {
            if (c != '/') {
              next[s] = true;
              alive = true;
            }
          }
          case DIRS -> {
            if (c == '/') {
              next[s] = true;
            } else {
              nextInDirs[s] = true;
            }
            alive = true;
          }
          case REST -> {
            next[s] = true;
            alive = true;
          }
          default -> throw new AssertionError(kinds[s]);
        }
      }
      boolean[] t = current;
      current = next;
      next = t;
      t = inDirs;
      inDirs = nextInDirs;
      nextInDirs = t;
      close(current, work);
      i += Character.charCount(c);
      if (!alive && anchored) {
        return false; // no state left: nothing longer can match
      }
    }
  }

  private void start(boolean[] current, boolean[] inDirs) {
    Arrays.fill(current, false);
    Arrays.fill(inDirs, false);
    current[0] = true;
  }

  /** Adds the states reachable without input: past a STAR, DIRS or REST, which may match none. */
  private void close(boolean[] current, long[] work) {
    for (int s = 0; s < kinds.length; s++) {
      work[0]++;
      if (current[s] && (kinds[s] == STAR || kinds[s] == DIRS || kinds[s] == REST)) {
        current[s + 1] = true;
      }
    }
  }

  private static boolean inClass(int[] ranges, int c) {
    for (int k = 0; k < ranges.length; k += 2) {
      if (c >= ranges[k] && c <= ranges[k + 1]) {
        return true;
      }
    }
    return false;
  }

  private static FileGlob compile(String original, String p, boolean anchored, boolean dirOnly) {
    int[] kinds = new int[p.length()];
    int[] literals = new int[p.length()];
    int[][] classes = new int[p.length()][];
    boolean[] negated = new boolean[p.length()];
    int t = 0;
    int wildcards = 0;
    int n = p.length();
    for (int i = 0; i < n; ) {
      int c = p.codePointAt(i);
      int width = Character.charCount(c);
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
            if (i + 2 < n) {
              kinds[t++] = DIRS; // "**/" is zero or more directories
              width = 3;
            } else {
              kinds[t++] = REST; // trailing "**": everything below
              width = 2;
            }
          } else {
            kinds[t++] = STAR;
          }
        }
        case '?' -> kinds[t++] = ANY;
        case '[' -> {
          int close = p.indexOf(']', i + 2);
          if (close < 0) {
            throw new IllegalArgumentException(
                "unterminated character class in file pattern: " + original);
          }
          String body = p.substring(i + 1, close);
          int k = 0;
          if (body.startsWith("!") || body.startsWith("^")) {
            negated[t] = true;
            k = 1;
          }
          if (k == body.length()) {
            // "[!]" and "[^]": git would read the ']' as a member and look further for the end;
            // a class with no member has no reading everyone agrees on, so it is refused.
            throw new IllegalArgumentException(
                "empty character class in file pattern: " + original);
          }
          int[] ranges = new int[2 * body.length()];
          int r = 0;
          while (k < body.length()) {
            int lo = body.codePointAt(k);
            k += Character.charCount(lo);
            int hi = lo;
            if (k + 1 < body.length() && body.charAt(k) == '-') {
              hi = body.codePointAt(k + 1);
              k += 1 + Character.charCount(hi);
              if (hi < lo) {
                throw new IllegalArgumentException(
                    "reversed range in a character class: " + original);
              }
            }
            if (lo == '/' || hi == '/') {
              throw new IllegalArgumentException("'/' inside a character class: " + original);
            }
            ranges[r++] = lo;
            ranges[r++] = hi;
          }
          classes[t] = Arrays.copyOf(ranges, r);
          kinds[t++] = CLASS;
          width = close + 1 - i;
        }
        case '\\' -> {
          if (i + 1 >= n) {
            throw new IllegalArgumentException("file pattern ends in an escape: " + original);
          }
          int e = p.codePointAt(i + 1);
          literals[t] = e;
          kinds[t++] = LITERAL;
          width = 1 + Character.charCount(e);
        }
        default -> {
          literals[t] = c;
          kinds[t++] = LITERAL;
        }
      }
      i += width;
    }
    return new FileGlob(
        original,
        Arrays.copyOf(kinds, t),
        Arrays.copyOf(literals, t),
        Arrays.copyOf(classes, t),
        Arrays.copyOf(negated, t),
        anchored,
        dirOnly);
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
