package dev.safeload.internal;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.jspecify.annotations.Nullable;

/** Private directories: owner-only, created fresh, deleted with everything in them. */
final class PrivateDirs {
  private PrivateDirs() {}

  /**
   * A memory file system that most Linux systems mount; private copies there are never written to
   * disk.
   */
  static final Path TMPFS = Path.of("/dev/shm");

  static Path create() throws IOException {
    return Files.createTempDirectory(
        "safeload-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  /**
   * A private directory for copies of {@code bytes} bytes: on {@link #TMPFS} when memory allows
   * (see {@link #memoryBacked}), else in the temp directory. On a disk the copy costs its
   * write-back as well: 2.6× the CPU of the tmpfs copy for 256 MiB (BENCHMARKS.md, issue 14).
   */
  static Path create(long bytes) throws IOException {
    Path parent = memoryBacked(bytes, System.getProperty("java.io.tmpdir", ""));
    return parent == null
        ? create()
        : Files.createTempDirectory(
            parent,
            "safeload-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  /**
   * {@link #TMPFS} if the application left the temp directory at the default {@code /tmp} (a
   * directory chosen with {@code -Djava.io.tmpdir} is respected), it is a tmpfs and at least half
   * of its free space is left after the copy; null otherwise.
   */
  static @Nullable Path memoryBacked(long bytes, String tmpdir) {
    if (!tmpdir.equals("/tmp") && !tmpdir.equals("/tmp/")) {
      return null;
    }
    try {
      if (!Files.isDirectory(TMPFS, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      FileStore store = Files.getFileStore(TMPFS);
      return store.type().equals("tmpfs") && store.getUsableSpace() / 2 >= bytes ? TMPFS : null;
    } catch (IOException | SecurityException e) {
      return null;
    }
  }

  /** Deletes the tree, ignoring errors (it lives in the temp directory and is ours alone). */
  static void deleteQuietly(Path dir) {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      System.getLogger("dev.safeload")
          .log(System.Logger.Level.WARNING, "could not delete private directory " + dir, e);
    }
  }
}
