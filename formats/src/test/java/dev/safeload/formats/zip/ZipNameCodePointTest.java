package dev.safeload.formats.zip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.formats.Pickles;
import dev.safeload.formats.Scans;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entry names are judged and folded by code point, with the part rules of directory names: a
 * character outside the BMP (two chars in a Java string) is one character, whether it is a letter
 * with a case, a composition that normalisation changes, or an invisible tag character.
 */
class ZipNameCodePointTest {
  @TempDir Path dir;

  private Set<String> npz(String... names) {
    TestZip z = new TestZip();
    for (String n : names) {
      z.add(n, Pickles.npy(2));
    }
    return Scans.reasons(Scans.scanBytes(dir, "x.npz", z.build()));
  }

  @Test
  void supplementaryLettersDifferingOnlyInCaseCollide() {
    // DESERET CAPITAL LETTER LONG I (U+10400) and its small letter (U+10428)
    assertEquals(Set.of("ZIP_NAME_CASE_COLLISION"), npz("\uD801\uDC00.npy", "\uD801\uDC28.npy"));
  }

  @Test
  void supplementaryCompositionsEqualAfterNormalisationCollide() {
    // MUSICAL SYMBOL HALF NOTE (U+1D15E) is U+1D157 U+1D165 under NFC (a composition exclusion)
    assertEquals(
        Set.of("ZIP_NAME_CASE_COLLISION"),
        npz("n\uD834\uDD5E.npy", "n\uD834\uDD57\uD834\uDD65.npy"));
  }

  @Test
  void distinctSupplementaryNamesAreAccepted() {
    // Same high surrogate, different letters: no collision by code unit or by code point.
    assertEquals(Set.of(), npz("\uD801\uDC00.npy", "\uD801\uDC01.npy", "\uD83D\uDE00.npy"));
  }

  @Test
  void tagCharacterOutsideTheBmpIsRefused() {
    // U+E0001 LANGUAGE TAG and U+E0041 TAG LATIN CAPITAL LETTER A: invisible, format characters
    assertEquals(Set.of("ZIP_NAME_INVALID"), npz("a\uDB40\uDC01.npy"));
    assertEquals(Set.of("ZIP_NAME_INVALID"), npz("a.npy", "a\uDB40\uDC41.npy"));
  }

  @Test
  void invisibleBmpFormatCharacterIsRefused() {
    // HFS+ ignores ZERO WIDTH NON-JOINER when it compares names: extracted, these are one file.
    assertEquals(Set.of("ZIP_NAME_INVALID"), npz("w.npy", "w\u200C.npy"));
    assertEquals(Set.of("ZIP_NAME_INVALID"), npz("\uFEFFw.npy"));
    // RIGHT-TO-LEFT OVERRIDE shows a name as another
    assertEquals(Set.of("ZIP_NAME_INVALID"), npz("x\u202Eypn.npy"));
  }

  @Test
  void replacementCharacterIsRefused() {
    assertEquals(Set.of("ZIP_NAME_INVALID"), npz("\uFFFD.npy"));
  }

  @Test
  void namesEqualWithoutTrailingDotsOrSpacesCollide() {
    // Windows drops them: extracted there, "w./a.npy" and "w /a.npy" are "w/a.npy".
    assertEquals(Set.of("ZIP_NAME_CASE_COLLISION"), npz("w./a.npy", "w/a.npy"));
    assertEquals(Set.of("ZIP_NAME_CASE_COLLISION"), npz("w/a.npy", "w /a.npy"));
    assertEquals(Set.of("ZIP_NAME_CASE_COLLISION"), npz("a.npy", "a.npy. ."));
  }

  @Test
  void segmentEndingInDotOrSpaceAloneIsAccepted() {
    // torch.save to "my model .pt" writes "my model /data.pkl" (realfiles/generate_more.py).
    assertEquals(Set.of(), npz("w /a.npy", "w./b.npy"));
  }

  @Test
  void checkpointRecordWithTrailingDotCollides() {
    TestZip z = ZipContainerTest.torch("archive", Pickles.benignStateDict());
    z.add("archive/data.pkl.", Pickles.evil());
    assertEquals(
        Set.of("ZIP_NAME_CASE_COLLISION"), Scans.reasons(Scans.scanBytes(dir, "m.pt", z.build())));
  }

  @Test
  void nonAsciiLettersMarksAndSymbolsAreAccepted() {
    assertEquals(
        Set.of(), npz("caf\u00e9.npy", "\u4e1c\u4eac.npy", "\uD83D\uDE00/\u00e9t\u00e9.npy"));
  }
}
