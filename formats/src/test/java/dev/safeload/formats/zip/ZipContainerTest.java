package dev.safeload.formats.zip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import dev.safeload.ScanReport;
import dev.safeload.formats.Pickles;
import dev.safeload.formats.Scans;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every row of research/pickle.md §4.10 (container tricks) and the other container rules, each
 * asserting the exact reason code. Archives are assembled byte by byte with {@link TestZip}.
 */
class ZipContainerTest {
  @TempDir Path dir;

  /** A minimal valid torch.save-like archive under {@code root}. */
  static TestZip torch(String root, byte[] dataPkl) {
    TestZip z = new TestZip();
    z.add(root + "/data.pkl", dataPkl);
    z.add(root + "/data/0", new byte[8]);
    z.add(root + "/version", "3\n".getBytes());
    return z;
  }

  private Set<String> scan(byte[] bytes) {
    return scan("model.pt", bytes);
  }

  private Set<String> scan(String name, byte[] bytes) {
    ScanReport r = Scans.scanBytes(dir, name, bytes);
    return Scans.reasons(r);
  }

  private void rejects(String reason, byte[] bytes) {
    Set<String> got = scan(bytes);
    assertEquals(Set.of(reason), got, () -> "expected only " + reason);
  }

  @Test
  void minimalArchiveIsAccepted() {
    assertEquals(Set.of(), scan(torch("archive", Pickles.benignStateDict()).build()));
  }

  @Test
  void dataDescriptorEntriesLikeTorchSaveAreAccepted() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.entries.forEach(
        e -> {
          e.descriptor = true;
          e.flags = 0x0808;
        });
    assertEquals(Set.of(), scan(z.build()));
  }

  @Test
  void crcMismatch() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.entries.get(0).crcOverride = 0x12345678;
    rejects("ZIP_CRC_MISMATCH", z.build());
  }

  @Test
  void localNameDiffersFromCentralName() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.entries.get(0).localName = "archive/datap.kl";
    rejects("ZIP_HEADER_MISMATCH", z.build());
  }

  @Test
  void encryptionFlagOnlyInLocalHeader() {
    for (int flag : new int[] {0x1, 0x40}) {
      TestZip z = torch("archive", Pickles.evil());
      z.entries.get(0).localFlags = 0x0800 | flag;
      rejects("ZIP_ENCRYPTED", z.build());
    }
  }

  @Test
  void patchFlagOnlyInLocalHeader() {
    TestZip z = torch("archive", Pickles.evil());
    z.entries.get(0).localFlags = 0x0800 | 0x20;
    rejects("ZIP_HEADER_MISMATCH", z.build());
  }

  @Test
  void encryptionFlagsInCentralDirectory() {
    for (int flag : new int[] {0x1, 0x40, 0x2000}) {
      TestZip z = torch("archive", Pickles.evil());
      z.entries.get(0).flags = 0x0800 | flag;
      rejects("ZIP_ENCRYPTED", z.build());
    }
  }

  @Test
  void patchOrUnknownFlagInCentralDirectory() {
    for (int flag : new int[] {0x20, 0x10, 0x4000}) {
      TestZip z = torch("archive", Pickles.benignStateDict());
      z.entries.get(0).flags = 0x0800 | flag;
      rejects("ZIP_FLAGS_UNSUPPORTED", z.build());
    }
  }

  @Test
  void duplicateDataPklMaliciousFirstOrLast() {
    TestZip first = torch("archive", Pickles.evil());
    first.add("archive/data.pkl", Pickles.benignStateDict());
    rejects("ZIP_DUPLICATE_NAME", first.build());
    TestZip last = torch("archive", Pickles.benignStateDict());
    last.add("archive/data.pkl", Pickles.evil());
    rejects("ZIP_DUPLICATE_NAME", last.build());
  }

  @Test
  void upperCaseDataPklOnly() {
    TestZip z = new TestZip();
    z.add("archive/DATA.PKL", Pickles.evil());
    z.add("archive/version", "3\n".getBytes());
    rejects("PYTORCH_UNEXPECTED_RECORD", z.build());
  }

  @Test
  void namesDifferingOnlyInCase() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.add("archive/Data.pkl", Pickles.evil());
    rejects("ZIP_NAME_CASE_COLLISION", z.build());
  }

  /**
   * Case-folding file systems fold a long s to s and the Kelvin sign to k, as the engine's names
   * do: extracted, archive/data.pKl (Kelvin sign) and archive/data.pkl are one file.
   */
  @Test
  void namesDifferingOnlyInUnicodeCaseFolding() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.add("archive/data.p\u212Al", Pickles.evil());
    rejects("ZIP_NAME_CASE_COLLISION", z.build());
    TestZip s = torch("archive", Pickles.benignStateDict());
    s.add("archive/ver\u017Fion", "3\n".getBytes());
    rejects("ZIP_NAME_CASE_COLLISION", s.build());
  }

  @Test
  void firstEntryInAnotherFolder() {
    TestZip z = new TestZip();
    z.add("evil/data.pkl", Pickles.evil());
    z.add("benign/data.pkl", Pickles.benignStateDict());
    rejects("PYTORCH_LAYOUT_INVALID", z.build());
  }

  @Test
  void nestedDataPklBesideTheRealOne() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.add("archive/sub/data.pkl", Pickles.evil());
    rejects("PYTORCH_UNEXPECTED_RECORD", z.build());
  }

  @Test
  void dataPklAtTopLevel() {
    TestZip z = new TestZip();
    z.add("data.pkl", Pickles.evil());
    rejects("PYTORCH_LAYOUT_INVALID", z.build());
  }

  @Test
  void centralEntryPointingIntoAnotherEntryWithVisibleDecoy() {
    // A stored blob whose bytes are a complete local record of the malicious data.pkl; the central
    // directory's data.pkl points inside the blob. ZipInputStream would read a decoy instead.
    byte[] hidden = TestZip.localRecord("archive/data.pkl", Pickles.evil());
    TestZip z = new TestZip();
    TestZip.Entry blob = z.add("archive/data/0", hidden);
    TestZip.Entry e = z.add("archive/data.pkl", Pickles.evil());
    e.centralOnly = true;
    int blobHeader = 30 + "archive/data/0".length();
    e.lho = blobHeader;
    z.add("archive/version", "3\n".getBytes());
    assertTrue(blob.name.length() > 0);
    rejects("ZIP_OVERLAP", z.build());
  }

  @Test
  void prependedData() {
    // torch.load only takes the zip path for PK at offset 0, while CPython's zipfile tolerates a
    // prefix:
    // a prefix that itself starts with PK\3\4 keeps the file a zip to both and must be rejected.
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.prefix = new byte[] {'P', 'K', 3, 4, 'x', 'x'};
    assertEquals(Set.of("ZIP_PREPENDED_DATA"), scan("x.zip", z.build()));
  }

  @Test
  void appendedData() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.suffix = "trailing".getBytes();
    rejects("ZIP_APPENDED_DATA", z.build());
  }

  @Test
  void finalEmptyEndRecordAfterARealArchive() {
    byte[] real = torch("archive", Pickles.benignStateDict()).build();
    ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
    end.putInt(0x06054b50)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) 0)
        .putInt(0)
        .putInt(real.length)
        .putShort((short) 0);
    rejects("ZIP_MULTIPLE_END_RECORDS", Pickles.of(real, end.array()));
  }

  @Test
  void archiveComment() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.comment = "hidden".getBytes();
    rejects("ZIP_COMMENT", z.build());
  }

  @Test
  void dataHiddenBetweenEntriesAndDirectory() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.gap = "hidden bytes".getBytes();
    rejects("ZIP_UNACCOUNTED_BYTES", z.build());
  }

  @Test
  void inconsistentZip64Records() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.zip64 = true;
    assertEquals(Set.of(), scan(z.build()));
    z.zip64EntryCountOverride = 4;
    rejects("ZIP64_INCONSISTENT", z.build());
  }

  @Test
  void namesThatEscape() {
    for (String bad :
        new String[] {
          "archive/../x",
          "/archive/x",
          "archive\\x",
          "archive/./x",
          "archive//x",
          "C:/archive/x",
          "archive/x/"
        }) {
      TestZip z = torch("archive", Pickles.benignStateDict());
      z.add(bad, new byte[1]);
      rejects("ZIP_NAME_INVALID", z.build());
    }
  }

  @Test
  void unknownExtraField() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.entries.get(0).centralExtra =
        new byte[] {0x0a, 0x00, 1, 0, 0}; // NTFS times, not on the allowlist
    rejects("ZIP_EXTRA_FIELD_INVALID", z.build());
  }

  @Test
  void unsupportedMethod() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.entries.get(2).method = 12;
    rejects("ZIP_METHOD_UNSUPPORTED", z.build());
  }

  @Test
  void zipBombRatio() {
    TestZip z = new TestZip();
    z.addDeflated("a.npy", new byte[50_000_000]);
    assertEquals(Set.of("ZIP_COMPRESSION_RATIO"), scan("x.npz", z.build()));
  }

  @Test
  void zipBombAbsoluteLimits() {
    TestZip z = new TestZip();
    z.add("a.npy", new byte[4096]);
    z.add("b.npy", new byte[4096]);
    byte[] bytes = z.build();
    LoadPolicy entry = LoadPolicy.strict().toBuilder().set(Zip.MAX_ENTRY_BYTES, 1000L).build();
    LoadPolicy total = LoadPolicy.strict().toBuilder().set(Zip.MAX_TOTAL_BYTES, 6000L).build();
    LoadPolicy count = LoadPolicy.strict().toBuilder().set(Zip.MAX_ENTRIES, 1L).build();
    Path p = dir.resolve("x.npz");
    Scans.scanBytes(dir, "x.npz", bytes);
    assertEquals(Set.of("ZIP_ENTRY_TOO_LARGE"), Scans.reasons(Scans.scan(p, entry)));
    assertEquals(Set.of("ZIP_TOTAL_TOO_LARGE"), Scans.reasons(Scans.scan(p, total)));
    assertEquals(Set.of("ZIP_TOO_MANY_ENTRIES"), Scans.reasons(Scans.scan(p, count)));
  }

  @Test
  void deflateStreamThatLiesAboutItsSize() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.entries.get(1).method = 8;
    z.entries.get(1).declaredSize = 7; // inflates to 8
    rejects("ZIP_SIZE_MISMATCH", z.build());
  }

  @Test
  void corruptDeflateStream() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    TestZip.Entry e = z.entries.get(1);
    e.method = 8;
    byte[] b = z.build();
    int at =
        30
            + e.name.length()
            + TestZip.deflate(e.data).length
            - 1
            + z.entries.get(0).data.length
            + 30
            + z.entries.get(0).name.length();
    b[at - 1] = (byte) 0xff; // damage the last bytes of the deflate stream
    b[at] = (byte) 0xff;
    Set<String> got = scan(b);
    assertTrue(
        got.equals(Set.of("ZIP_DEFLATE_INVALID"))
            || got.equals(Set.of("ZIP_CRC_MISMATCH"))
            || got.equals(Set.of("ZIP_SIZE_MISMATCH")),
        got::toString);
  }

  @Test
  void dataDescriptorDisagreeingWithDirectory() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    TestZip.Entry e = z.entries.get(0);
    e.descriptor = true;
    e.flags = 0x0808;
    byte[] b = z.build();
    // corrupt the descriptor's CRC (4 bytes after the PK\7\8 signature following data.pkl's data)
    int at = 30 + e.name.length() + e.data.length + 4;
    b[at] ^= 1;
    rejects("ZIP_DATA_DESCRIPTOR_INVALID", b);
  }

  @Test
  void zipInsideZipIsUnknownContent() {
    TestZip outer = new TestZip();
    outer.add("model.pt", torch("archive", Pickles.evil()).build());
    assertEquals(Set.of("ZIP_UNKNOWN_CONTENT"), scan("bundle.zip", outer.build()));
  }

  @Test
  void hostileEntryCountNeverAllocates() {
    // an end record declaring 65,534 entries in a 22-byte central directory
    byte[] real = torch("archive", Pickles.benignStateDict()).build();
    ByteBuffer b = ByteBuffer.wrap(real).order(ByteOrder.LITTLE_ENDIAN);
    int eocd = real.length - 22;
    b.putShort(eocd + 8, (short) 0xFFFE).putShort(eocd + 10, (short) 0xFFFE);
    rejects("ZIP_CENTRAL_DIRECTORY_INVALID", real);
  }

  @Test
  void entryComment() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.entries.get(1).comment = "x".getBytes();
    rejects("ZIP_COMMENT", z.build());
  }

  @Test
  void entryOnAnotherDisk() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.entries.get(1).disk = 1;
    rejects("ZIP_MULTI_DISK", z.build());
  }

  @Test
  void centralEntryPointingPastTheLocalHeaders() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    TestZip.Entry ghost = z.add("archive/data/1", new byte[4]);
    ghost.centralOnly = true;
    ghost.lho = 1_000_000;
    rejects("ZIP_LOCAL_HEADER_INVALID", z.build());
  }

  /**
   * torch.load(mmap=True) slices a storage out of the file at its record's data offset: a deflated
   * record would be read as its compressed bytes (and what follows them), not the bytes checked.
   */
  @Test
  void deflatedDataRecord() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.entries.get(1).method = 8;
    rejects("PYTORCH_RECORD_COMPRESSED", z.build());
  }

  /** Records read through get_record (data.pkl, version) are inflated by every reader. */
  @Test
  void deflatedPickleAndVersionAreAccepted() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.entries.get(0).method = 8;
    z.entries.get(2).method = 8;
    assertEquals(Set.of(), scan(z.build()));
  }

  @Test
  void dataAfterTheEndOfADeflateStream() {
    TestZip z = torch("archive", Pickles.benignStateDict());
    z.entries.get(1).method = 8;
    z.entries.get(1).compressedSuffix = new byte[] {1, 2, 3};
    rejects("ZIP_DEFLATE_INVALID", z.build());
  }

  @Test
  void torchRecordContents() {
    TestZip version = torch("archive", Pickles.benignStateDict());
    version.entries.get(2).data = "99\n".getBytes();
    rejects("PYTORCH_RECORD_INVALID", version.build());
    TestZip order = torch("archive", Pickles.benignStateDict());
    order.add("archive/byteorder", "middle".getBytes());
    rejects("PYTORCH_RECORD_INVALID", order.build());
    TestZip ok = torch("archive", Pickles.benignStateDict());
    ok.add("archive/byteorder", "little".getBytes());
    ok.add("archive/.data/serialization_id", "1234567890".getBytes());
    assertEquals(Set.of(), scan(ok.build()));
    TestZip noVersion = new TestZip();
    noVersion.add("archive/data.pkl", Pickles.benignStateDict());
    noVersion.add("archive/data/0", new byte[8]);
    rejects("PYTORCH_MISSING_RECORD", noVersion.build());
    TestZip control = torch("archive", Pickles.benignStateDict());
    control.add("archive/byteorder", "lit\u0001tle".getBytes(StandardCharsets.US_ASCII));
    rejects("PYTORCH_RECORD_INVALID", control.build()); // a control byte: not a text record
  }

  @Test
  void aCheckpointPickleEndsAtItsStop() {
    TestZip z = torch("archive", Pickles.of(Pickles.benignStateDict(), new byte[] {'N'}));
    rejects("PICKLE_TRAILING_BYTES", z.build());
  }

  @Test
  void noEndRecord() {
    assertEquals(
        Set.of("ZIP_END_RECORD_MISSING"), scan("x.zip", Pickles.of("PK", 3, 4, new byte[40])));
  }
}
