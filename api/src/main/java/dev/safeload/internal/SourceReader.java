package dev.safeload.internal;

import dev.safeload.Delivery;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads a source file exactly once, hashing every byte as it arrives, into the form the delivery
 * mode hands out. The digest is always of the bytes that end up in {@link ReadBytes#bytes()}.
 */
final class SourceReader {
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
    OpenOption[] opts =
        followLinks
            ? new OpenOption[] {StandardOpenOption.READ}
            : new OpenOption[] {StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS};
    return FileChannel.open(path, opts);
  }

  /**
   * Reads {@code size} bytes from {@code ch} with the given mode.
   *
   * @param mode one of {@link Delivery#COPY_TO_MEMORY}, {@link Delivery#PRIVATE_FILE}, {@link
   *     Delivery#MAPPED_TRUSTED}
   * @param privateDir the model's private directory (for {@code PRIVATE_FILE})
   * @param name the file's name relative to the model root
   * @param plan the digests to compute in the same pass
   * @param spareCore whether a core is free, so that a {@code COPY_TO_MEMORY} copy may be written
   *     on a second thread while this one reads and hashes ({@link CopyWriter})
   */
  static ReadBytes read(
      FileChannel ch,
      long size,
      Delivery mode,
      Path privateDir,
      String name,
      Hasher.Plan plan,
      SafeProgress progress,
      boolean spareCore)
      throws IOException {
    return switch (mode) {
      case COPY_TO_MEMORY -> copyToMemory(ch, size, plan, progress, spareCore);
      case PRIVATE_FILE -> copyToPrivateFile(ch, size, privateDir, name, plan, progress);
      case MAPPED_TRUSTED -> map(ch, size, plan, progress);
      case AUTOMATIC -> throw new IllegalArgumentException("AUTOMATIC is resolved before reading");
    };
  }

  private static ReadBytes copyToMemory(
      FileChannel ch, long size, Hasher.Plan plan, SafeProgress progress, boolean spareCore)
      throws IOException {
    if (MemoryFiles.fits(size)) {
      // No fresh direct memory to fault in.
      return MemoryFiles.copy(ch, size, plan, progress, spareCore);
    }
    Hasher hasher = plan.newHasher();
    List<ByteBuffer> chunks = new ArrayList<>();
    for (int i = 0; i < ChunkedBytes.chunkCount(size); i++) {
      ByteBuffer chunk = ByteBuffer.allocateDirect(ChunkedBytes.chunkLength(size, i));
      // Loop on capacity, not hasRemaining(): each step narrows the limit to COPY_STEP bytes.
      while (chunk.position() < chunk.capacity()) {
        int start = chunk.position();
        chunk.limit(Math.min(chunk.capacity(), start + COPY_STEP));
        int n = ch.read(chunk);
        if (n < 0) {
          throw new ShortReadException("file ended at " + ((long) i * ChunkedBytes.CHUNK + start));
        }
        // Hashed right after the read, while the step is still in cache.
        hasher.update(chunk.duplicate().position(start).limit(start + n));
        progress.at((long) i * ChunkedBytes.CHUNK + start + n);
      }
      chunk.clear();
      chunks.add(chunk);
    }
    expectEnd(ch, size);
    return new ReadBytes(new ChunkedBytes(chunks), hasher.finish());
  }

  private static ReadBytes copyToPrivateFile(
      FileChannel ch,
      long size,
      Path privateDir,
      String name,
      Hasher.Plan plan,
      SafeProgress progress)
      throws IOException {
    Hasher hasher = plan.newHasher();
    Path target = privateDir.resolve(name);
    List<ByteBuffer> chunks = new ArrayList<>();
    FileChannel out = createPrivateCopy(target);
    boolean done = false;
    try {
      // Written by this thread: on a second one the copy cost 1.4-1.5x a scan's CPU instead of
      // 1.3x, this mode's limit being 1.5x, for no wall time in five of six paired runs
      // (benchmarks/results/issue14-delivery-session6.md).
      CopyWriter.copy(ch, size, out, hasher, progress, false);
      // No force(): the copy is a private scratch file that does not need to survive a crash, and
      // the mapping below reads it back from the page cache either way.
      chunks.addAll(mapReadOnly(out, size));
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r--------"));
      Hasher.FileDigests digests = hasher.finish();
      done = true;
      // The descriptor stays open: the copy is judged through it (StreamedBytes).
      return new ReadBytes(new ChunkedBytes(chunks), digests, target, out);
    } finally {
      if (!done) {
        out.close();
      }
    }
  }

  /**
   * Creates the private copy's file, owner-only, open for writing and reading; its directories are
   * created owner-only too.
   */
  static FileChannel createPrivateCopy(Path target) throws IOException {
    Files.createDirectories(
        target.getParent(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    return FileChannel.open(
        target,
        java.util.Set.of(
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
  }

  private static ReadBytes map(FileChannel ch, long size, Hasher.Plan plan, SafeProgress progress)
      throws IOException {
    List<ByteBuffer> chunks = mapReadOnly(ch, size);
    return new ReadBytes(new ChunkedBytes(chunks), hashByReading(ch, size, plan, progress));
  }

  /**
   * Maps {@code size} bytes of {@code ch} read-only, without reading them yet: for a caller that
   * validates the mapping on another thread while {@link #hashByReading} hashes the file.
   */
  static List<ByteBuffer> mapReadOnly(FileChannel ch, long size) throws IOException {
    List<ByteBuffer> chunks = new ArrayList<>();
    for (int i = 0; i < ChunkedBytes.chunkCount(size); i++) {
      chunks.add(
          ch.map(
              FileChannel.MapMode.READ_ONLY,
              (long) i * ChunkedBytes.CHUNK,
              ChunkedBytes.chunkLength(size, i)));
    }
    return chunks;
  }

  /**
   * Hashes the file behind a shared read-only mapping by reading it with {@code read()}, not
   * through the mapping, then checks the file still has exactly {@code size} bytes.
   *
   * <p>Both see the same page-cache pages, so the digest is of the bytes the mapping serves as long
   * as the file does not change, which the caller checks after the read and after the verdict
   * either way. Reading costs about a third less CPU than touching the mapping: faulting in 262,144
   * pages per GiB, and tearing the page tables down again, costs more than the kernel's copy into a
   * cache-hot buffer (BENCHMARKS.md, issue 14). Only the parts of the mapping that validation reads
   * are ever faulted in.
   */
  static Hasher.FileDigests hashByReading(
      FileChannel ch, long size, Hasher.Plan plan, SafeProgress progress) throws IOException {
    Hasher hasher = plan.newHasher();
    ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(HASH_STEP, Math.max(size, 1)));
    long done = 0;
    while (done < size) {
      buf.clear().limit((int) Math.min(buf.capacity(), size - done));
      int n = ch.read(buf, done);
      if (n < 0) {
        throw new ShortReadException("file ended at " + done);
      }
      buf.flip();
      hasher.update(buf);
      done += n;
      progress.at(done);
    }
    if (ch.size() != size) {
      throw new ShortReadException("file size changed to " + ch.size());
    }
    return hasher.finish();
  }

  /**
   * Bytes {@link #hashByReading} reads at a time. Nothing keeps them, so the buffer only has to
   * stay in the second-level cache between the kernel's copy and the digest's read: hashing a 47 MB
   * checkpoint through a direct 1 MiB buffer cost 35.8 ms of CPU, through 64 KiB 31.8 ms
   * (benchmarks/results/issue14-scan47-session5.md).
   */
  static final int HASH_STEP = 64 << 10;

  /**
   * Bytes the copying modes read, hash and copy at a time: the step is hashed and then written to
   * the copy (or read into the memory handed out and hashed there) while it is still in the
   * second-level cache. Smaller steps cost more in {@code write()} calls than the cache saves: for
   * a 256 MiB file, medians of five JVMs each, COPY_TO_MEMORY took 273 ms of CPU through 1 MiB, 270
   * through 64 KiB, 253 through 256 KiB; PRIVATE_FILE 250, 273, 253
   * (benchmarks/results/issue14-delivery-session5.md).
   */
  static final int COPY_STEP = 256 << 10;

  /**
   * Files from this size are validated on a second thread while they are hashed, when a core is
   * free. The second thread costs its start (about 0.1 ms); what it saves is the validation's time,
   * up to the hash's: a zip checkpoint's validation reads every record for its CRC-32, a fifth of
   * the hash's time, so a 47 MB checkpoint's scan takes the hash's time instead of the sum. At 8
   * MiB the hash alone takes about 6 ms.
   */
  static final long CONCURRENT_VALIDATION_MIN_BYTES = 8L << 20;

  /** The source must end exactly at its recorded size; more bytes mean it grew while being read. */
  private static void expectEnd(FileChannel ch, long size) throws IOException {
    if (ch.read(ByteBuffer.allocate(1)) >= 0) {
      throw new ShortReadException("file grew beyond " + size + " bytes while being read");
    }
  }
}
