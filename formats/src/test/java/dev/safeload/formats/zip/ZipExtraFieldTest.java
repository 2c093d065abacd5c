package dev.safeload.formats.zip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.ScanReport;
import dev.safeload.formats.Pickles;
import dev.safeload.formats.Scans;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The extra fields the strict reader accepts (ZIP64, PyTorch padding, Info-ZIP's extended
 * timestamp, Unix UID/GID and Unicode path), each parsed strictly and checked local against
 * central; every other id is rejected. One rule per test, with the exact reason.
 */
class ZipExtraFieldTest {
  @TempDir Path dir;

  /** An extra field: id, length, data. */
  static byte[] field(int id, int... data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(id & 0xff);
    out.write(id >> 8);
    out.write(data.length & 0xff);
    out.write(data.length >> 8);
    for (int d : data) {
      out.write(d);
    }
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /**
   * What {@code zip} writes: UT with modification and access time locally, modification time
   * centrally.
   */
  static final byte[] UT_LOCAL = field(0x5455, 3, 0x00, 0xf1, 0x53, 0x65, 0x00, 0xf1, 0x53, 0x65);

  static final byte[] UT_CENTRAL = field(0x5455, 3, 0x00, 0xf1, 0x53, 0x65);

  /** ux version 1, 4-byte UID 1000, 4-byte GID 1000. */
  static final byte[] UX = field(0x7875, 1, 4, 0xe8, 3, 0, 0, 4, 0xe8, 3, 0, 0);

  static byte[] unicodePath(String headerName, String path) {
    CRC32 crc = new CRC32();
    crc.update(headerName.getBytes(StandardCharsets.UTF_8));
    long c = crc.getValue();
    byte[] p = path.getBytes(StandardCharsets.UTF_8);
    int[] data = new int[5 + p.length];
    data[0] = 1;
    for (int i = 0; i < 4; i++) {
      data[1 + i] = (int) (c >> (8 * i)) & 0xff;
    }
    for (int i = 0; i < p.length; i++) {
      data[5 + i] = p[i] & 0xff;
    }
    return field(0x7075, data);
  }

  /** An .npz of one member with these extra fields. */
  private Set<String> npz(byte[] local, byte[] central) {
    return npz("a.npy", local, central);
  }

  private Set<String> npz(String name, byte[] local, byte[] central) {
    TestZip z = new TestZip();
    TestZip.Entry e = z.add(name, Pickles.npy(2));
    e.localExtra = local;
    e.centralExtra = central;
    return Scans.reasons(Scans.scanBytes(dir, "x.npz", z.build()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "numpy/zip_command.npz",
        "numpy/zip_command_X.npz",
        "numpy/zip_command_stored.npz"
      })
  void archivesWrittenByInfoZipAreAccepted(String fixture) {
    ScanReport r = Scans.scan(Scans.resource(fixture));
    assertTrue(r.accepted(), () -> fixture + ": " + Scans.describe(r));
  }

  @Test
  void timestampAndUnixIdsAsZipWritesThemAreAccepted() {
    assertEquals(Set.of(), npz(concat(UT_LOCAL, UX), concat(UT_CENTRAL, UX)));
    // zip before 3.0 left the central UID/GID field empty
    assertEquals(Set.of(), npz(concat(UT_LOCAL, UX), concat(UT_CENTRAL, field(0x7875))));
  }

  @Test
  void timestampLengthMustMatchItsFlags() {
    // flags say modification and access time, but only one time follows
    assertEquals(
        Set.of("ZIP_EXTRA_FIELD_INVALID"), npz(field(0x5455, 3, 0, 0xf1, 0x53, 0x65), UT_CENTRAL));
  }

  @Test
  void centralTimestampHoldsOnlyTheModificationTime() {
    assertEquals(Set.of("ZIP_EXTRA_FIELD_INVALID"), npz(UT_LOCAL, UT_LOCAL));
  }

  @Test
  void timestampReservedFlagsMustBeZero() {
    assertEquals(
        Set.of("ZIP_EXTRA_FIELD_INVALID"),
        npz(field(0x5455, 0x09, 0, 0xf1, 0x53, 0x65), field(0x5455, 0x09, 0, 0xf1, 0x53, 0x65)));
  }

  @Test
  void timestampOnlyInOneHeader() {
    assertEquals(Set.of("ZIP_HEADER_MISMATCH"), npz(UT_LOCAL, new byte[0]));
  }

  @Test
  void localAndCentralModificationTimesDiffer() {
    assertEquals(
        Set.of("ZIP_HEADER_MISMATCH"), npz(UT_LOCAL, field(0x5455, 3, 0x01, 0xf1, 0x53, 0x65)));
  }

  @Test
  void unixIdSizesMustAddUp() {
    byte[] bad = field(0x7875, 1, 4, 0xe8, 3, 0, 0, 8, 0xe8, 3, 0, 0);
    assertEquals(Set.of("ZIP_EXTRA_FIELD_INVALID"), npz(bad, bad));
  }

  @Test
  void unixIdsOfAnotherVersion() {
    byte[] v2 = field(0x7875, 2, 4, 0xe8, 3, 0, 0, 4, 0xe8, 3, 0, 0);
    assertEquals(Set.of("ZIP_EXTRA_FIELD_INVALID"), npz(v2, v2));
  }

  @Test
  void unixIdsDifferBetweenHeaders() {
    assertEquals(
        Set.of("ZIP_HEADER_MISMATCH"), npz(UX, field(0x7875, 1, 4, 0, 0, 0, 0, 4, 0, 0, 0, 0)));
  }

  @Test
  void unixIdsOnlyInOneHeader() {
    assertEquals(Set.of("ZIP_HEADER_MISMATCH"), npz(new byte[0], UX));
  }

  @Test
  void unicodePathNamingTheSameFileIsAccepted() {
    byte[] up = unicodePath("caf\u00e9.npy", "caf\u00e9.npy");
    assertEquals(Set.of(), npz("caf\u00e9.npy", up, up));
  }

  @Test
  void unicodePathNamingAnotherFile() {
    // Info-ZIP unzip and 7-Zip would extract b.npy where this reader and CPython see a.npy
    byte[] up = unicodePath("a.npy", "b.npy");
    assertEquals(Set.of("ZIP_UNICODE_PATH_MISMATCH"), npz(up, up));
  }

  @Test
  void unicodePathWrittenForAnotherName() {
    // a reader that checks the CRC ignores the path, one that does not uses it
    byte[] up = unicodePath("b.npy", "a.npy");
    assertEquals(Set.of("ZIP_UNICODE_PATH_MISMATCH"), npz(up, up));
  }

  @Test
  void unknownExtraFieldIsRejectedNotSkipped() {
    // NTFS times (0x000a): well-formed, but not on the allowlist
    byte[] ntfs = field(0x000a, new int[32]);
    assertEquals(Set.of("ZIP_EXTRA_FIELD_INVALID"), npz(ntfs, ntfs));
  }

  @Test
  void repeatedExtraField() {
    assertEquals(Set.of("ZIP_EXTRA_FIELD_INVALID"), npz(concat(UX, UX), concat(UX, UX)));
  }
}
