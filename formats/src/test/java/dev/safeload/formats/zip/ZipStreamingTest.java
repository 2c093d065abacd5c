package dev.safeload.formats.zip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.zip.ZipArchive;
import dev.safeload.formats.internal.zip.ZipLimits;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.testing.CountingBytes;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checking every record's CRC reads the entries' data through the file's stream, never through
 * random access: the loader serves streams by {@code read()} into a small buffer and random access
 * from a mapping, so a multi-gigabyte checkpoint checked through slices would fault every page in.
 * Counted, never timed.
 */
class ZipStreamingTest {
  static final int DATA = 4 << 20;

  static byte[] noise(int n) {
    byte[] b = new byte[n];
    new Random(6).nextBytes(b);
    return b;
  }

  @Test
  void everyRecordIsCheckedThroughTheStream() {
    TestZip z = new TestZip();
    z.add("archive/data/0", noise(DATA));
    z.addDeflated("archive/data/1", new byte[DATA]);
    CountingBytes bytes = new CountingBytes(ModelBytes.of(ByteBuffer.wrap(z.build())));
    ZipArchive zip = ZipArchive.read(bytes, new ZipLimits(100, 1L << 30, 1L << 30, 1_000_000));
    long viewedByParsing = bytes.viewed;
    zip.verifyAll();
    long compressed = zip.entries().stream().mapToLong(e -> e.compressedSize()).sum();
    assertEquals(compressed, bytes.read, "each entry's stored bytes read once");
    assertEquals(viewedByParsing, bytes.viewed, "no entry data reached by random access");
    assertTrue(viewedByParsing < DATA / 8, viewedByParsing + " bytes parsed at random");
  }

  @Test
  void aStoredRecordWithTheWrongCrcIsStillRefused() {
    TestZip z = new TestZip();
    z.add("archive/data/0", noise(DATA)).crcOverride = 0x1234_5678;
    ZipArchive zip =
        ZipArchive.read(
            ModelBytes.of(ByteBuffer.wrap(z.build())),
            new ZipLimits(100, 1L << 30, 1L << 30, 1_000_000));
    FormatException e = assertThrows(FormatException.class, zip::verifyAll);
    assertEquals(FormatReason.ZIP_CRC_MISMATCH, e.reason());
  }
}
