package dev.safeload.internal;

import dev.safeload.Finding;
import dev.safeload.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The verifiers' side files (a signature bundle, ...): read whole into memory for the verifier that
 * asked for them, never served as model files. In check order: not a regular file is {@code
 * SYMLINK} or {@code NOT_REGULAR_FILE}; more than {@value #MAX_SIDE_FILE_BYTES} bytes is {@code
 * FILE_TOO_LARGE}; a file that grows or shrinks while read is {@code SOURCE_CHANGED}; a read error
 * is {@code IO_ERROR}.
 */
final class SideFiles {
  /** Largest side file read for a verifier. */
  static final long MAX_SIDE_FILE_BYTES = 16L << 20;

  private final boolean followLinks;
  private final Map<String, ByteBuffer> read;
  private final List<Finding> findings;

  /**
   * @param read where each side file's bytes go, by name
   * @param findings where refusals go
   */
  SideFiles(boolean followLinks, Map<String, ByteBuffer> read, List<Finding> findings) {
    this.followLinks = followLinks;
    this.read = read;
    this.findings = findings;
  }

  /** For a model that is one file: the side files named {@code names} in the same directory. */
  void besides(Path file, Set<String> names) {
    Path parent = file.getParent();
    if (parent == null) {
      return;
    }
    for (String name : names) {
      Path p = parent.resolve(name).normalize();
      if (!p.equals(file) && p.startsWith(parent) && Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        read(name, p);
      }
    }
  }

  /**
   * Reads side file {@code name} at {@code p}. A link of a Hugging Face cache snapshot (a signature
   * downloaded with the model) is followed by the rule its model files are ({@link HfCache}), and
   * the blob's bytes must match its name ({@code CACHE_BLOB_MISMATCH}).
   */
  void read(String name, Path p) {
    try {
      BasicFileAttributes a =
          Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a.isSymbolicLink() && !followLinks) {
        HfCache cache = HfCache.enclosing(p);
        HfCache.Blob blob = cache == null ? null : cache.blobOf(p);
        if (blob != null) {
          readBlob(name, blob);
          return;
        }
      }
      if (!a.isRegularFile()) {
        findings.add(
            new Finding(
                a.isSymbolicLink() ? Reason.SYMLINK : Reason.NOT_REGULAR_FILE,
                name,
                Finding.NO_OFFSET,
                "side file is not a regular file"));
        return;
      }
      if (tooLarge(name, a.size())) {
        return;
      }
      try (FileChannel ch = SourceReader.open(p, followLinks)) {
        readFully(name, ch, (int) a.size());
      }
    } catch (IOException e) {
      findings.add(new Finding(Reason.IO_ERROR, name, Finding.NO_OFFSET, String.valueOf(e)));
    }
  }

  private void readBlob(String name, HfCache.Blob blob) {
    read(name, blob.path());
    ByteBuffer bytes = read.get(name);
    if (bytes == null) {
      return; // refused, with its finding
    }
    String actual =
        blob.name().length() == 64
            ? sha256Hex(bytes.duplicate())
            : FileReading.gitBlobSha1(new ChunkedBytes(List.of(bytes.duplicate())));
    if (!actual.equals(blob.name())) {
      read.remove(name);
      findings.add(
          new Finding(
              Reason.CACHE_BLOB_MISMATCH,
              name,
              Finding.NO_OFFSET,
              "the cache blob is named " + blob.name() + " but its bytes hash to " + actual));
    }
  }

  private static String sha256Hex(ByteBuffer b) {
    java.security.MessageDigest md = dev.safeload.provenance.Sha256.newMessageDigest();
    md.update(b);
    return java.util.HexFormat.of().formatHex(md.digest());
  }

  /** Whether a side file is over {@link #MAX_SIDE_FILE_BYTES}; if so, adds the finding. */
  private boolean tooLarge(String name, long size) {
    if (size <= MAX_SIDE_FILE_BYTES) {
      return false;
    }
    findings.add(
        new Finding(
            Reason.FILE_TOO_LARGE,
            name,
            Finding.NO_OFFSET,
            "side file larger than " + MAX_SIDE_FILE_BYTES + " bytes"));
    return true;
  }

  /** Reads side file {@code name} of a listed source, through its stream of declared size. */
  void read(String name, long size, dev.safeload.ModelSource.StreamOpener opener) {
    if (tooLarge(name, size)) {
      return;
    }
    try (FileChannel ch = SourceFile.stream(name, size, opener).open(false)) {
      readFully(name, ch, (int) size);
    } catch (SourceReader.ShortReadException e) {
      findings.add(new Finding(Reason.SOURCE_CHANGED, name, Finding.NO_OFFSET, e.getMessage()));
    } catch (IOException e) {
      findings.add(new Finding(Reason.IO_ERROR, name, Finding.NO_OFFSET, String.valueOf(e)));
    }
  }

  /** Reads exactly {@code size} bytes and the end of {@code ch}, or reports the change. */
  private void readFully(String name, FileChannel ch, int size) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(size);
    while (buf.hasRemaining() && ch.read(buf) >= 0) {
      // read fully
    }
    if (buf.hasRemaining() || ch.read(ByteBuffer.allocate(1)) >= 0) {
      findings.add(
          new Finding(
              Reason.SOURCE_CHANGED,
              name,
              Finding.NO_OFFSET,
              "side file changed while being read"));
      return;
    }
    read.put(name, buf.flip().asReadOnlyBuffer());
  }

  /** Forgets a side file read earlier (its name collided with another). */
  boolean forget(String name) {
    return read.remove(name) != null;
  }
}
