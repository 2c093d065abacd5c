package dev.safeload;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Patterns come from pin files, signatures and policy files, names from the model: matching one
 * against the other is at most (pattern x name) work, counted, whatever either holds. As a
 * backtracking regex, {@code *a*a*a*a*a*b} took seconds on a 100-character name.
 */
class FileGlobWorkTest {

  private static long work(FileGlob g, String name) {
    long[] work = new long[1];
    g.matchCounting(name, work);
    return work[0];
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "*a*a*a*a*a*b",
        "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*ab",
        "**/**/**/**/**/**/**/**/x",
        "**/a*/**/a*/**/a*/**/a*/b",
        "a/**/*a*a*a*a*/b",
        "[a-z]*[a-z]*[a-z]*[a-z]*?b",
        "*a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?b",
      })
  void workIsBoundedByPatternTimesName(String pattern) {
    FileGlob g = FileGlob.of(pattern);
    String flat = "a".repeat(FileGlob.MAX_NAME);
    String deep = "a/".repeat(FileGlob.MAX_NAME / 2 - 1) + "a";
    String mixed = ("aaaaaaa/").repeat(FileGlob.MAX_NAME / 8 - 1) + "aaaaaaa";
    for (String name : new String[] {flat, deep, mixed}) {
      assertFalse(g.matches(name), pattern);
      long bound = 2L * (pattern.length() + 1) * (name.length() + 1);
      long w = work(g, name);
      assertTrue(w <= bound, pattern + ": " + w + " steps > " + bound);
    }
  }

  @org.junit.jupiter.api.Test
  void theSameAdversarialPatternsStillMatchWhatTheyMean() {
    assertTrue(FileGlob.of("*a*a*a*a*a*b").matches("a".repeat(4000) + "b"));
    assertTrue(FileGlob.of("**/**/**/**/x").matches("a/".repeat(2000) + "x"));
    assertTrue(FileGlob.of("**/**/**/**/x").matches("x"));
    assertTrue(FileGlob.of("a/**/*a*a*a*a*/b").matches("a/q/aaaa/b"));
    assertFalse(FileGlob.of("a/**/*a*a*a*a*/b").matches("a/q/aaa/b"));
  }
}
