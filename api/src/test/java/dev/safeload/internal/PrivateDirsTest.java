package dev.safeload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Private copies go to a tmpfs when memory allows, else to the temp directory. */
class PrivateDirsTest {
  static boolean tmpfs() throws Exception {
    return Files.isDirectory(PrivateDirs.TMPFS)
        && Files.getFileStore(PrivateDirs.TMPFS).type().equals("tmpfs");
  }

  @Test
  void aSmallCopyGoesToTmpfs() throws Exception {
    assumeTrue(tmpfs(), "no tmpfs at /dev/shm here");
    assertEquals(PrivateDirs.TMPFS, PrivateDirs.memoryBacked(1 << 20, "/tmp"));
    Path dir = PrivateDirs.create(1 << 20);
    try {
      assertEquals(PrivateDirs.TMPFS, dir.getParent());
    } finally {
      PrivateDirs.deleteQuietly(dir);
    }
  }

  @Test
  void aCopyThatWouldFillHalfOfItDoesNot() throws Exception {
    assumeTrue(tmpfs(), "no tmpfs at /dev/shm here");
    long free = Files.getFileStore(PrivateDirs.TMPFS).getUsableSpace();
    assertNull(PrivateDirs.memoryBacked(free / 2 + (64L << 20), "/tmp"));
  }

  @Test
  void aTempDirectoryChosenByTheApplicationIsRespected() {
    assertNull(PrivateDirs.memoryBacked(1, "/var/tmp/mine"));
  }
}
