package dev.safeload.internal;

import dev.safeload.Delivery;
import dev.safeload.provenance.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads a source file exactly once, hashing every byte as it arrives, into the form the delivery mode
 * hands out. The digest is always of the bytes that end up in {@link ReadBytes#bytes()}.
 */
final class SourceReader {
  /** Read granularity: large enough for throughput, small enough to hash while the bytes are cache-hot. */
  private static final int STEP = 1 << 20;

  private SourceReader() {}

  /** Thrown when the source ends before its recorded size: it changed while being read. */
  static final class ShortReadException extends IOException {
    private static final long serialVersionUID = 1L;

    ShortReadException(String message) {
      super(Objects.requireNonNull(message, "message"));
    }

    @Override
    public String getMessage() {
      return Objects.requireNonNull(super.getMessage());
    }
  }

  static FileChannel open(Path path, boolean followLinks) throws IOException {
    OpenOption[] opts = followLinks
        ? new OpenOption[] {StandardOpenOption.READ}
        : new OpenOption[] {StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS};
    return FileChannel.open(path, opts);
  }

  /**
   * Reads {@code size} bytes from {@code ch} with the given mode.
   *
   * @param mode       one of {@link Delivery#COPY_TO_MEMORY}, {@link Delivery#PRIVATE_FILE},
   *                   {@link Delivery#MAPPED_TRUSTED}
   * @param privateDir the model's private directory (for {@code PRIVATE_FILE})
   * @param name       the file's name relative to the model root
   */
  static ReadBytes read(FileChannel ch, long size, Delivery mode, Path privateDir, String name,
      SafeProgress progress) throws IOException {
    return switch (mode) {
      case COPY_TO_MEMORY -> copyToMemory(ch, size, progress);
      case PRIVATE_FILE -> copyToPrivateFile(ch, size, privateDir, name, progress);
      case MAPPED_TRUSTED -> map(ch, size, progress);
      case AUTOMATIC -> throw new IllegalArgumentException("AUTOMATIC is resolved before reading");
    };
  }

  private static ReadBytes copyToMemory(FileChannel ch, long size, SafeProgress progress)
      throws IOException {
    MessageDigest md = Digests.sha256();
    List<ByteBuffer> chunks = new ArrayList<>();
    for (int i = 0; i < ChunkedBytes.chunkCount(size); i++) {
      ByteBuffer chunk = ByteBuffer.allocateDirect(ChunkedBytes.chunkLength(size, i));
      // Loop on capacity, not hasRemaining(): each step narrows the limit to STEP bytes.
      while (chunk.position() < chunk.capacity()) {
        int start = chunk.position();
        chunk.limit(Math.min(chunk.capacity(), start + STEP));
        int n = ch.read(chunk);
        if (n < 0) {
          throw new ShortReadException("file ended at " + ((long) i * ChunkedBytes.CHUNK + start));
        }
        md.update(chunk.duplicate().position(start).limit(start + n));
        progress.at((long) i * ChunkedBytes.CHUNK + start + n);
      }
      chunk.clear();
      chunks.add(chunk);
    }
    expectEnd(ch, size);
    return new ReadBytes(new ChunkedBytes(chunks), Sha256.of(md.digest()), null);
  }

  private static ReadBytes copyToPrivateFile(FileChannel ch, long size, Path privateDir, String name,
      SafeProgress progress) throws IOException {
    MessageDigest md = Digests.sha256();
    Path target = privateDir.resolve(name);
    Files.createDirectories(target.getParent(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    List<ByteBuffer> chunks = new ArrayList<>();
    try (FileChannel out = FileChannel.open(target,
        java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      ByteBuffer buf = ByteBuffer.allocateDirect(STEP);
      long done = 0;
      while (done < size) {
        buf.clear().limit((int) Math.min(STEP, size - done));
        int n = ch.read(buf);
        if (n < 0) {
          throw new ShortReadException("file ended at " + done);
        }
        buf.flip();
        md.update(buf.duplicate());
        while (buf.hasRemaining()) {
          out.write(buf);
        }
        done += n;
        progress.at(done);
      }
      expectEnd(ch, size);
      // No force(): the copy is a private scratch file that does not need to survive a crash, and
      // the mapping below reads it back from the page cache either way.
      for (int i = 0; i < ChunkedBytes.chunkCount(size); i++) {
        chunks.add(out.map(FileChannel.MapMode.READ_ONLY, (long) i * ChunkedBytes.CHUNK,
            ChunkedBytes.chunkLength(size, i)));
      }
    }
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r--------"));
    return new ReadBytes(new ChunkedBytes(chunks), Sha256.of(md.digest()), target);
  }

  private static ReadBytes map(FileChannel ch, long size, SafeProgress progress) throws IOException {
    List<ByteBuffer> chunks = mapReadOnly(ch, size);
    return new ReadBytes(new ChunkedBytes(chunks), hashMapping(ch, size, chunks, progress), null);
  }

  /**
   * Maps {@code size} bytes of {@code ch} read-only, without reading them yet: for a caller that
   * validates the mapping on another thread while {@link #hashMapping} hashes it.
   */
  static List<ByteBuffer> mapReadOnly(FileChannel ch, long size) throws IOException {
    List<ByteBuffer> chunks = new ArrayList<>();
    for (int i = 0; i < ChunkedBytes.chunkCount(size); i++) {
      chunks.add(ch.map(FileChannel.MapMode.READ_ONLY, (long) i * ChunkedBytes.CHUNK,
          ChunkedBytes.chunkLength(size, i)));
    }
    return chunks;
  }

  /** Hashes a mapping from {@link #mapReadOnly}, then checks the file still has {@code size} bytes. */
  static Sha256 hashMapping(FileChannel ch, long size, List<ByteBuffer> chunks, SafeProgress progress)
      throws IOException {
    MessageDigest md = Digests.sha256();
    Thread prefetch = size >= PREFETCH_MIN_BYTES ? startPrefetch(chunks) : null;
    try {
      long done = 0;
      for (ByteBuffer m : chunks) {
        for (int at = 0; at < m.capacity(); at += WINDOW) {
          int len = Math.min(WINDOW, m.capacity() - at);
          md.update(m.slice(at, len));
          done += len;
          progress.at(done);
        }
      }
    } finally {
      if (prefetch != null) {
        prefetch.interrupt();
      }
    }
    if (ch.size() != size) {
      throw new ShortReadException("file size changed to " + ch.size());
    }
    return Sha256.of(md.digest());
  }

  /** Hashing window of a mapping: the unit of progress and of page prefetching. */
  private static final int WINDOW = 16 << 20;
  /** Smaller mappings are not worth a prefetching thread (nor, in the engine, a validating one). */
  static final long PREFETCH_MIN_BYTES = 64L << 20;

  /**
   * Faults a mapping's pages in on another thread, ahead of the hasher, so that the hashing thread
   * spends its time in SHA-256 rather than in page faults (worth about 10% on a warm page cache, more on
   * a cold one, where it also reads ahead). It only reads; it stops when interrupted or at the end.
   */
  private static Thread startPrefetch(List<ByteBuffer> chunks) {
    Thread t = new Thread(() -> {
      try {
        for (ByteBuffer m : chunks) {
          for (int at = 0; at < m.capacity(); at += WINDOW) {
            if (Thread.currentThread().isInterrupted()) {
              return;
            }
            ((java.nio.MappedByteBuffer) m.slice(at, Math.min(WINDOW, m.capacity() - at))).load();
          }
        }
      } catch (RuntimeException | InternalError e) {
        // A file truncated under the mapping: the hashing thread meets the same fault and reports it.
      }
    }, "safeload-prefetch");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The source must end exactly at its recorded size; more bytes mean it grew while being read. */
  private static void expectEnd(FileChannel ch, long size) throws IOException {
    if (ch.read(ByteBuffer.allocate(1)) >= 0) {
      throw new ShortReadException("file grew beyond " + size + " bytes while being read");
    }
  }
}
