package dev.safeload.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.safeload.Delivery;
import dev.safeload.ProgressListener;
import dev.safeload.provenance.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copying modes read the source in steps of at most {@link SourceReader.COPY_STEP} bytes, each
 * hashed and copied while it is still in the second-level cache, read each source byte exactly once
 * and hash it exactly once, and hand over exactly the bytes hashed. Counted, never timed.
 */
class CopyStepTest {
  /** Three steps and an odd tail, over {@link MemoryFiles#MIN_BYTES} so the tmpfs copy is used. */
  static final int SIZE =
      Math.max((int) MemoryFiles.MIN_BYTES, 3 * SourceReader.COPY_STEP) + 12_345;

  @TempDir Path dir;

  /** A file channel that counts what is read from it and the largest single read. */
  static final class Counting extends ForwardingFileChannel {
    long bytesRead;
    int largestRead;

    Counting(FileChannel in) {
      super(in);
    }

    private int counted(int n) {
      if (n > 0) {
        bytesRead += n;
        largestRead = Math.max(largestRead, n);
      }
      return n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return counted(delegate.read(dst));
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return counted(delegate.read(dst, position));
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
      throw new UnsupportedOperationException(); // a copy never maps its source
    }
  }

  private byte[] source() throws IOException {
    byte[] b = new byte[SIZE];
    new Random(14).nextBytes(b);
    Files.write(dir.resolve("m.bin"), b);
    return b;
  }

  private static byte[] all(ChunkedBytes bytes) {
    byte[] out = new byte[Math.toIntExact(bytes.size())];
    int at = 0;
    for (ByteBuffer b : bytes.buffers()) {
      int n = b.remaining();
      b.duplicate().get(out, at, n);
      at += n;
    }
    return out;
  }

  private void check(Delivery mode) throws IOException {
    byte[] src = source();
    long hashedBefore = Hasher.BYTES_HASHED.get();
    ReadBytes read;
    try (Counting ch = new Counting(SourceReader.open(dir.resolve("m.bin"), false))) {
      read =
          SourceReader.read(
              ch,
              SIZE,
              mode,
              dir.resolve("private"),
              "m.bin",
              new Hasher.Plan(true, List.of()),
              new SafeProgress(ProgressListener.NONE, "m.bin", SIZE),
              false);
      assertEquals(SIZE, ch.bytesRead, "every source byte read once");
      assertEquals(SourceReader.COPY_STEP, ch.largestRead, "read in cache-sized steps");
    }
    try {
      assertEquals(SIZE, Hasher.BYTES_HASHED.get() - hashedBefore, "every byte hashed once");
      byte[] kept = all(read.bytes());
      assertArrayEquals(src, kept);
      assertEquals(Sha256.of(Sha256.newMessageDigest().digest(kept)), read.sha256());
    } finally {
      if (read.copyChannel() != null) {
        read.copyChannel().close();
      }
    }
  }

  @Test
  void memoryCopyReadsAndHashesInCacheSizedSteps() throws IOException {
    assumeTrue(MemoryFiles.fits(SIZE), "needs a tmpfs at /dev/shm");
    check(Delivery.COPY_TO_MEMORY);
  }

  @Test
  void privateCopyReadsAndHashesInCacheSizedSteps() throws IOException {
    check(Delivery.PRIVATE_FILE);
  }
}
