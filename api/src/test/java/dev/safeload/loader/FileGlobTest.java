package dev.safeload.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.FileGlob;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link FileGlob}: the meaning {@code .gitignore} gives a pattern, case by case. */
class FileGlobTest {

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource({
    "*.md, README.md, true",
    "*.md, docs/USAGE.md, true", // no slash: any depth
    "*.md, docs/md, false",
    "/README.md, README.md, true", // leading slash: anchored
    "/README.md, docs/README.md, false",
    "docs/*.md, docs/USAGE.md, true", // a slash in the middle: anchored
    "docs/*.md, x/docs/USAGE.md, false",
    "docs/*.md, docs/a/USAGE.md, false", // * never crosses /
    "docs/, docs/USAGE.md, true", // a directory and everything below
    "docs/, docs, false", // ... but not a file of that name
    "docs, docs/a/b.txt, true", // no slash: a directory name at any depth
    "**/*.md, a/b/c.md, true",
    "**/*.md, c.md, true",
    "a/**/b, a/b, true",
    "a/**/b, a/x/y/b, true",
    "a/**, a/x/y, true",
    "a/**, a, false",
    "?.bin, a.bin, true",
    "?.bin, ab.bin, false",
    "[a-c].txt, b.txt, true",
    "[!a-c].txt, b.txt, false",
    "[!a-c].txt, d.txt, true",
    "model.sig, model.sig, true",
    "model.sig, sub/model.sig, true",
    "\\*.txt, *.txt, true",
    "\\*.txt, a.txt, false",
    "a/*/, a/b/c, true",
    "a/*/, a/b, false",
    "*.md/, x/y.md/z, true",
    "[a-].txt, -.txt, true",
    "[-a].txt, -.txt, true",
    "[!a-c]*, d/x, true",
    "[a-c]x, bx/y, true",
    "a?c, a/c, false",
    "**, a/b, true",
    "a/**/, a/b/c, true",
    "a/**/, a/b, false",
    "a\\/b, a/b, true",
    "a[!x]b, a/b, false", // java.util.regex's [^x&&[^/]] let a negated class match '/'
    "*/[!\\], a//, false",
  })
  void matchesAsGitignoreDoes(String pattern, String name, boolean expected) {
    assertEquals(expected, FileGlob.of(pattern).matches(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/", "!*.md", "[a-", "x\\", "a\u0001b", "[!]", "[^]", "[z-a]"})
  void invalidPatternsAreRefusedWithOneLine(String pattern) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FileGlob.of(pattern));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void patternsAndNamesAreBounded() {
    assertThrows(
        IllegalArgumentException.class, () -> FileGlob.of("a".repeat(FileGlob.MAX_LENGTH + 1)));
    assertThrows(IllegalArgumentException.class, () -> FileGlob.of("*".repeat(17) + "x"));
    assertFalse(FileGlob.of("*").matches("a".repeat(5000)));
    assertTrue(FileGlob.of("*").matches("a".repeat(4000)));
  }
}
