package dev.safeload.formats.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.formats.Pickles;
import dev.safeload.formats.Scans;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wrappers are detected by content and always rejected with their own reason. */
class ArchiveWrapperHandlerTest {
  @TempDir Path dir;

  @Test
  void gzipOfAPickleIsRejectedNotUnwrapped() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(Pickles.evil());
    }
    assertEquals(
        Set.of("ARCHIVE_COMPRESSED"),
        Scans.reasons(Scans.scanBytes(dir, "m.joblib.gz", out.toByteArray())));
    // the same bytes under a model extension: the wrapper reason plus the extension finding
    assertEquals(
        Set.of("ARCHIVE_COMPRESSED", "EXTENSION_MISMATCH"),
        Scans.reasons(Scans.scanBytes(dir, "m.pt", out.toByteArray())));
  }

  @Test
  void sevenZipSignature() {
    byte[] sig = Pickles.of(0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4, new byte[24]);
    assertEquals(Set.of("ARCHIVE_7Z"), Scans.reasons(Scans.scanBytes(dir, "m.7z", sig)));
  }

  @Test
  void zstdAndLz4Frames() {
    byte[] zstd = Pickles.of(0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x05, 0x29, 0, 0, "hello");
    assertEquals(Set.of("ARCHIVE_COMPRESSED"), Scans.reasons(Scans.scanBytes(dir, "m.zst", zstd)));
  }

  @Test
  void plainTarIsAnArchive() {
    byte[] tar = new byte[1024];
    byte[] name = "weights.bin".getBytes();
    System.arraycopy(name, 0, tar, 0, name.length);
    System.arraycopy("ustar\u000000".getBytes(), 0, tar, 257, 8);
    // checksum field: spaces while summing, then the octal sum
    for (int i = 148; i < 156; i++) {
      tar[i] = ' ';
    }
    System.arraycopy("0000644\u0000".getBytes(), 0, tar, 100, 8);
    System.arraycopy("00000000000\u0000".getBytes(), 0, tar, 124, 12);
    tar[156] = '0';
    int sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += tar[i] & 0xff;
    }
    byte[] chk = String.format("%06o\u0000 ", sum).getBytes();
    System.arraycopy(chk, 0, tar, 148, 8);
    assertEquals(Set.of("ARCHIVE_TAR"), Scans.reasons(Scans.scanBytes(dir, "m.tar", tar)));
  }
}
