package dev.safeload.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Memory for {@code COPY_TO_MEMORY} copies: an unlinked file on {@link PrivateDirs#TMPFS}, written
 * with {@code write()} and handed out as a read-only mapping, where fresh direct memory would cost
 * ten times a scan.
 *
 * <p>{@code ByteBuffer.allocateDirect} zeroes every byte and then the copy faults in every page
 * from user space (65,536 faults for 256 MiB, each a trap into the kernel, and in a virtual machine
 * often into the host): 2.1 s of CPU against 0.21 s for hashing the file, in one JVM on the
 * development VM. {@code write()} into a tmpfs file fills new page-cache pages inside the kernel
 * with no user fault and no zeroing of what is overwritten: 0.38 s. The file is unlinked as soon as
 * it is opened ({@code DELETE_ON_CLOSE} unlinks at once on Linux), so no name leads to it and
 * nothing is left behind even if the process dies; its pages live as long as the mapping does, and
 * are released with it. The bytes mapped are the bytes written, which are the bytes hashed.
 */
final class MemoryFiles {
  private MemoryFiles() {}

  /** Smaller copies stay in plain direct memory: a file and a mapping cost more than they save. */
  static final long MIN_BYTES = 1 << 20;

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Whether a copy of {@code bytes} bytes goes to tmpfs: it is at least {@link #MIN_BYTES}, {@code
   * /dev/shm} is a tmpfs, and at least half of its free space is left after the copy.
   */
  static boolean fits(long bytes) {
    return bytes >= MIN_BYTES && tmpfsRoom(bytes);
  }

  static boolean tmpfsRoom(long bytes) {
    try {
      if (!Files.isDirectory(PrivateDirs.TMPFS, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      FileStore store = Files.getFileStore(PrivateDirs.TMPFS);
      return store.type().equals("tmpfs") && store.getUsableSpace() / 2 >= bytes;
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  /**
   * A new, empty, owner-only file on tmpfs that no name refers to any more, open for reading and
   * writing. Closing the channel after mapping it leaves the mapping as the only reference.
   */
  static FileChannel create() throws IOException {
    byte[] id = new byte[12];
    RANDOM.nextBytes(id);
    Path p = PrivateDirs.TMPFS.resolve("safeload-" + HexFormat.of().formatHex(id));
    return FileChannel.open(
        p,
        Set.of(
            StandardOpenOption.CREATE_NEW, // O_EXCL: never an existing file or link
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            StandardOpenOption.DELETE_ON_CLOSE, // unlinked right after opening on Unix
            LinkOption.NOFOLLOW_LINKS),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
  }

  /** Writes all of {@code b} at {@code pos}. */
  static void writeFully(FileChannel out, ByteBuffer b, long pos) throws IOException {
    long p = pos;
    while (b.hasRemaining()) {
      p += out.write(b, p);
    }
  }

  /**
   * Copies {@code size} bytes of {@code ch} into a new tmpfs memory file, hashing each step before
   * writing it from the same buffer, and maps the copy read-only.
   *
   * @param spareCore whether a core is free to write the copy while this thread reads and hashes
   *     ({@link CopyWriter})
   */
  static ReadBytes copy(
      FileChannel ch, long size, Hasher.Plan plan, SafeProgress progress, boolean spareCore)
      throws IOException {
    try (FileChannel out = create()) {
      return copyTo(out, ch, size, plan, progress, spareCore);
    }
  }

  /** {@link #copy} into {@code out}, an empty memory file. */
  static ReadBytes copyTo(
      FileChannel out,
      FileChannel ch,
      long size,
      Hasher.Plan plan,
      SafeProgress progress,
      boolean spareCore)
      throws IOException {
    Hasher hasher = plan.newHasher();
    CopyWriter.copy(ch, size, out, hasher, progress, spareCore);
    return new ReadBytes(new ChunkedBytes(SourceReader.mapReadOnly(out, size)), hasher.finish());
  }
}
