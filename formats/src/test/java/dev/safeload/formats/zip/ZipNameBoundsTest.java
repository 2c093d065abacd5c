package dev.safeload.formats.zip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.formats.Pickles;
import dev.safeload.formats.Scans;
import dev.safeload.formats.internal.zip.ZipArchive;
import dev.safeload.formats.internal.zip.ZipLimits;
import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entry names are bounded before they are normalised for the collision check (issue: a 7.7 MB .npz
 * of names made of combining marks took 33 s to normalise), and the check's work is linear.
 */
class ZipNameBoundsTest {
  @TempDir Path dir;

  /**
   * Two marks of different combining classes (230 and 220): alternating them is canonical
   * ordering's worst case.
   */
  static String marks(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i % 2 == 0 ? '\u0301' : '\u0316');
    }
    return sb.toString();
  }

  private Set<String> npzWith(String name) {
    TestZip z = new TestZip();
    z.add(name, Pickles.npy(2));
    return Scans.reasons(Scans.scanBytes(dir, "x.npz", z.build()));
  }

  @Test
  void nameOverTheLengthLimit() {
    assertEquals(Set.of("ZIP_NAME_TOO_LONG"), npzWith("a".repeat(4093) + ".npy"));
  }

  @Test
  void nameAtTheLengthLimitIsAccepted() {
    assertEquals(Set.of(), npzWith("a".repeat(4092) + ".npy"));
  }

  @Test
  void moreThanThirtyCombiningMarksInARow() {
    assertEquals(Set.of("ZIP_NAME_INVALID"), npzWith("a" + marks(31) + ".npy"));
  }

  @Test
  void thirtyCombiningMarksAreAccepted() {
    assertEquals(Set.of(), npzWith("a" + marks(30) + ".npy"));
  }

  @Test
  void namesEqualAfterNormalisationCollide() {
    TestZip z = new TestZip();
    z.add("caf\u00e9.npy", Pickles.npy(2));
    z.add("cafe\u0301.npy", Pickles.npy(2));
    assertEquals(
        Set.of("ZIP_NAME_CASE_COLLISION"), Scans.reasons(Scans.scanBytes(dir, "x.npz", z.build())));
  }

  /** Entries whose names are as long as allowed and made of the longest allowed runs of marks. */
  static byte[] worstCaseArchive(int entries) {
    String unit = "a" + marks(30); // 61 bytes of UTF-8
    TestZip z = new TestZip();
    for (int i = 0; i < entries; i++) {
      String prefix = i + "/";
      StringBuilder name = new StringBuilder(prefix);
      while (name.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 61 + 4
          <= 4096) {
        name.append(unit);
      }
      z.add(name.append(".npy").toString(), new byte[0]);
    }
    return z.build();
  }

  @Test
  void collisionCheckWorkIsLinearInTheFileSize() {
    ZipLimits limits = new ZipLimits(100_000, 1L << 30, 1L << 40, 100);
    byte[] small = worstCaseArchive(50);
    byte[] large = worstCaseArchive(400);
    long smallWork = ZipArchive.read(ModelBytes.of(ByteBuffer.wrap(small)), limits).nameFoldWork();
    long largeWork = ZipArchive.read(ModelBytes.of(ByteBuffer.wrap(large)), limits).nameFoldWork();
    // per byte of file: at most one step per character plus the 30 marks a mark may be sorted past
    assertTrue(
        largeWork <= 32L * large.length, () -> largeWork + " units for " + large.length + " bytes");
    assertTrue(smallWork > 0);
    // and growing with the input, not faster: 8x the entries cost 8x the work
    assertTrue(largeWork <= 9 * smallWork, () -> smallWork + " then " + largeWork);
  }

  @Test
  void localHeaderNestedInAnotherIsRejectedBeforeItsExtraFieldsAreParsed() {
    // b.npy's local record lies inside a.npy's local extra field (a padding field), which also
    // holds an
    // unknown field: the overlap is found before a.npy's extra fields are parsed, so that nested
    // headers
    // cannot make the reader parse the same bytes once per entry
    byte[] b = TestZip.localRecord("b.npy", Pickles.npy(2));
    byte[] pad = ZipExtraFieldTest.field(0x4246, toInts(b));
    TestZip z = new TestZip();
    TestZip.Entry nested = z.add("b.npy", Pickles.npy(2));
    nested.centralOnly = true;
    nested.lho = 30 + "a.npy".length() + 4;
    TestZip.Entry outer = z.add("a.npy", Pickles.npy(2));
    outer.localExtra = ZipExtraFieldTest.concat(pad, ZipExtraFieldTest.field(0x000a, 0, 0));
    assertEquals(Set.of("ZIP_OVERLAP"), Scans.reasons(Scans.scanBytes(dir, "x.npz", z.build())));
  }

  private static int[] toInts(byte[] b) {
    int[] out = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[i] & 0xff;
    }
    return out;
  }
}
