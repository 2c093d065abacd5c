package dev.safeload.formats.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.safeload.LoadPolicy;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.Scans;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ValidationContext;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive wrapper declares that it never accepts ({@code everAccepts() == false}), which spares
 * every zip checkpoint a second walk in the polyglot check; that holds only if every path of its
 * validation refuses, which this checks, and its own reasons still reach files it is the verdict
 * for.
 */
class ArchiveWrapperNeverAcceptsTest {
  @TempDir Path dir;

  static byte[] zip() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("readme.txt"));
      z.write("hello".getBytes(StandardCharsets.US_ASCII));
      z.closeEntry();
    }
    return out.toByteArray();
  }

  static FormatException refusal(byte[] b) {
    return assertThrows(
        FormatException.class,
        () ->
            new ArchiveWrapperHandler()
                .validate(
                    ModelBytes.of(ByteBuffer.wrap(b)),
                    ValidationContext.collecting("f", LoadPolicy.strict(), new ArrayList<>())));
  }

  @Test
  void itDeclaresThatItNeverAcceptsAndEveryPathOfItsValidationRefuses() throws Exception {
    assertFalse(new ArchiveWrapperHandler().everAccepts());
    assertEquals(FormatReason.ZIP_UNKNOWN_CONTENT, refusal(zip()).reason());
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
      g.write(1);
    }
    assertEquals(FormatReason.ARCHIVE_COMPRESSED, refusal(gz.toByteArray()).reason());
    assertEquals(FormatReason.ARCHIVE_TAR, refusal(new byte[] {1, 2, 3}).reason());
    assertEquals(FormatReason.ARCHIVE_TAR, refusal(new byte[0]).reason());
  }

  @Test
  void aZipItIsTheVerdictForStillGetsItsOwnReason() throws Exception {
    assertEquals(
        Set.of("ZIP_UNKNOWN_CONTENT"), Scans.reasons(Scans.scanBytes(dir, "m.zip", zip())));
  }
}
