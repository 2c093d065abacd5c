package dev.safeload.formats.readers;

import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.SecondReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The zip readers that load checkpoints: torch's {@code _is_zipfile} (a local file header at offset
 * 0) and Python's {@code zipfile}, which looks for the end-of-central-directory record in the last
 * 64 KiB + 22 bytes, takes the last signature found there, and opens the archive if the central
 * directory it points at starts with a central header (or is empty). A safetensors or GGUF file
 * whose last tensor holds a complete zip is a checkpoint to {@code torch.load}; a legacy checkpoint
 * whose last storage, or an {@code .npy} array whose data, ends in one is an archive to {@code
 * zipfile}, which allows bytes before it.
 */
public final class ZipReader implements SecondReader {
  private static final int EOCD = 22;
  private static final int MAX_COMMENT = 0xffff;
  private static final int LOCAL = 0x04034b50;
  private static final int END = 0x06054b50;
  private static final int CENTRAL = 0x02014b50;
  private static final int ZIP64_LOCATOR = 0x07064b50;

  @Override
  public String id() {
    return "zip";
  }

  @Override
  public Set<String> formats() {
    return Set.of("pytorch", "numpy", "archive-wrapper", "torchscript");
  }

  /**
   * A file of those formats is a zip of its own only when it starts as one (a local header, or an
   * empty archive's end record): a legacy checkpoint and an {@code .npy} array are judged as such
   * by their handlers, and a zip ending one is an archive to {@code zipfile} that no rule checked.
   */
  @Override
  public boolean ownStructure(String format, ModelBytes bytes) {
    if (!formats().contains(format) || bytes.size() < 4) {
      return false;
    }
    int sig = bytes.slice(0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    return sig == LOCAL || sig == END;
  }

  @Override
  public @Nullable String opens(ModelBytes bytes) {
    long size = bytes.size();
    if (size >= 4 && bytes.slice(0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == LOCAL) {
      return "a zip local file header at offset 0";
    }
    if (size < EOCD) {
      return null;
    }
    int tail = (int) Math.min(size, EOCD + MAX_COMMENT);
    long tailStart = size - tail;
    ByteBuffer t = bytes.slice(tailStart, tail).order(ByteOrder.LITTLE_ENDIAN);
    // zipfile takes the last signature in the tail that leaves room for a whole record after it.
    for (int at = tail - EOCD; at >= 0; at--) {
      if (t.get(at) != 0x50 || t.getInt(at) != END) {
        continue;
      }
      long cdSize = t.getInt(at + 12) & 0xffff_ffffL;
      long eocdAt = tailStart + at;
      long cdStart =
          eocdAt - cdSize; // zipfile allows data before the archive: it reads the CD here
      if (cdSize == 0) {
        return "an empty zip archive's end record at offset " + eocdAt;
      }
      if (eocdAt >= 20
          && bytes.slice(eocdAt - 20, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(0)
              == ZIP64_LOCATOR) {
        return "a zip64 archive's end records at offset " + (eocdAt - 20);
      }
      if (cdStart < 0) {
        return null;
      }
      if (bytes.slice(cdStart, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == CENTRAL) {
        return "a zip archive ending at offset " + (eocdAt + EOCD);
      }
      return null;
    }
    return null;
  }
}
