package dev.safeload.formats.internal.text;

/**
 * Python dotted names as pickles and Hugging Face configs give them: non-empty ASCII identifiers
 * joined by single dots ({@code torch._utils}, {@code diffusers.models}). A loop that reads each
 * character once, not a {@code java.util.regex} group repeated per part: the matcher recurses once
 * per repetition, and a pickle module name of a few thousand parts ({@code a.a.a...}, 6 KB)
 * overflowed the stack.
 */
public final class DottedNames {
  private DottedNames() {}

  /** Whether {@code s} is ASCII identifiers joined by single dots (at least one). */
  public static boolean isDotted(String s) {
    boolean partStart = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.' && !partStart) {
        partStart = true;
        continue;
      }
      boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
      if (!(letter || !partStart && c >= '0' && c <= '9')) {
        return false;
      }
      partStart = false;
    }
    return !partStart;
  }
}
