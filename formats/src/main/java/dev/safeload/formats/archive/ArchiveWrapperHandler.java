package dev.safeload.formats.archive;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.zip.ZipArchive;
import dev.safeload.formats.internal.zip.ZipLimits;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.Set;
import org.apache.commons.compress.archivers.ArchiveException;
import org.apache.commons.compress.archivers.ArchiveStreamFactory;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.jspecify.annotations.Nullable;

/**
 * Detects wrappers around model files (gzip, bzip2, xz, zstd, lz4, ... via commons-compress; 7z,
 * tar and other archives) and always rejects them: a wrapped pickle is exactly how nullifAI hid
 * from scanners, and safeload never validates bytes other than the ones it hands over. Zip archives
 * that neither the PyTorch nor the NumPy handler claims land here too: they are checked with the
 * strict zip reader and then rejected as unknown content.
 */
public final class ArchiveWrapperHandler implements FormatHandler {

  @Override
  public String id() {
    return "archive-wrapper";
  }

  @Override
  public Set<String> extensions() {
    return Set.of(
        "zip", "7z", "gz", "tgz", "bz2", "xz", "lzma", "zst", "lz4", "z", "tar", "sz", "br");
  }

  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    if (ZipArchive.looksLikeZip(head)) {
      return Confidence.STRONG; // below the MAGIC of handlers that recognise their own zip layout
    }
    return kind(head) != null ? Confidence.MAGIC : Confidence.NONE;
  }

  /**
   * Every path of {@link #validate} throws: a wrapper is refused, and a zip that reaches here is
   * unknown content. So the polyglot check never runs it as a second reading of a file another
   * handler accepted (a PyTorch checkpoint, which it detects as a zip: its validation walked and
   * CRC-checked every record a second time, 5 ms of a 47 MB checkpoint's scan, to say no).
   */
  @Override
  public boolean everAccepts() {
    return false;
  }

  /** The reason for a wrapper, or null if the head is none that commons-compress recognises. */
  static @Nullable FormatReason kind(ByteBuffer head) {
    byte[] b = new byte[Math.min(head.remaining(), 1024)];
    head.duplicate().get(b);
    try {
      CompressorStreamFactory.detect(new ByteArrayInputStream(b));
      return FormatReason.ARCHIVE_COMPRESSED;
    } catch (CompressorException | IllegalArgumentException e) {
      // not a compressor format
    }
    try {
      String a = ArchiveStreamFactory.detect(new ByteArrayInputStream(b));
      if (a.equals(ArchiveStreamFactory.ZIP) || a.equals(ArchiveStreamFactory.JAR)) {
        return null;
      }
      if (a.equals(ArchiveStreamFactory.TAR) && isTorchTar(head)) {
        return null; // the pytorch handler reports the legacy tar checkpoint with its own reason
      }
      return a.equals(ArchiveStreamFactory.SEVEN_Z)
          ? FormatReason.ARCHIVE_7Z
          : FormatReason.ARCHIVE_TAR;
    } catch (ArchiveException | IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean isTorchTar(ByteBuffer head) {
    return new dev.safeload.formats.pytorch.PyTorchHandler()
                .detect(head.duplicate(), head.remaining())
            == Confidence.MAGIC
        && !ZipArchive.looksLikeZip(head);
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    ByteBuffer head = bytes.slice(0, (int) Math.min(bytes.size(), 1024));
    if (ZipArchive.looksLikeZip(head)) {
      ZipArchive zip = ZipArchive.read(bytes, ZipLimits.from(context));
      zip.verifyAll();
      throw new FormatException(
          FormatReason.ZIP_UNKNOWN_CONTENT,
          0,
          "a zip archive of "
              + zip.entries().size()
              + " entries that is neither a PyTorch checkpoint nor an .npz");
    }
    FormatReason r = kind(head);
    if (r == null) {
      throw new FormatException(FormatReason.ARCHIVE_TAR, 0, "unrecognised container");
    }
    throw new FormatException(
        r,
        0,
        switch (r) {
          case ARCHIVE_7Z -> "a 7z archive; safeload does not validate wrapped files";
          case ARCHIVE_COMPRESSED -> "a compressed file; decompress it and validate the result";
          default -> "an archive; safeload does not validate archive members";
        });
  }
}
