package dev.safeload.internal;

import static dev.safeload.internal.StageFixtures.allowing;
import static dev.safeload.internal.StageFixtures.magic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.safeload.Delivery;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ProgressListener;
import dev.safeload.Reason;
import dev.safeload.provenance.Sha256;
import dev.safeload.spi.Confidence;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipelined copy ({@link CopyWriter}): a large copy with a spare core is written on a second
 * thread from the very buffers the reading thread hashed, buffers are reused only after their write
 * finished, every failure fails the copy as it did when the reading thread wrote, and no writer
 * thread outlives its copy. Counted and ordered by latches, never timed.
 */
class CopyWriterTest {
  /** Over the threshold, with an odd tail. */
  static final int SIZE = (int) CopyWriter.PIPELINED_MIN_BYTES + 3 * SourceReader.COPY_STEP + 4_321;

  static final StageFixtures.Magic AAA = magic("aaa", "AAA", Confidence.MAGIC, "aaa");
  static final LoadPolicy POLICY = allowing("aaa");
  static final FileValidation VALIDATION = new FileValidation(POLICY, List.of(AAA), List.of());
  static final NameRoles.Claimed ROLE = new NameRoles.Claimed(List.of(AAA), ".aaa");

  @TempDir Path dir;

  @AfterEach
  void noWriterThreadOutlivesItsCopy() {
    assertFalse(writerAlive(), "a copy's writer thread is still running");
  }

  static boolean writerAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(CopyWriter.THREAD_NAME) && t.isAlive());
  }

  /**
   * A destination that delegates to a real file, counting the bytes written, and can hold each
   * write until released or fail its {@code failAt}-th write (1-based).
   */
  static final class Destination extends ForwardingFileChannel {
    volatile long written;
    volatile int writes;
    int failAt = Integer.MAX_VALUE;
    CountDownLatch hold = new CountDownLatch(0);

    Destination(FileChannel out) {
      super(out);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("held");
      }
      if (++writes >= failAt) {
        throw new IOException("No space left on device (test)");
      }
      // Slower than the reader: the ring fills, so a buffer reused before its write ends shows.
      Thread.yield();
      int n = delegate.write(src, position);
      written += n;
      return n;
    }
  }

  private byte[] source(int size) throws IOException {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
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

  private Destination destination() throws IOException {
    return new Destination(
        FileChannel.open(
            dir.resolve("copy-" + System.nanoTime()),
            java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.READ,
            java.nio.file.StandardOpenOption.WRITE));
  }

  /** The largest single read of the source in the last {@link #copyTo}. */
  private int largestRead;

  private long bytesRead;

  private ReadBytes copyTo(Destination out, int size, boolean spareCore) throws IOException {
    try (CopyStepTest.Counting ch =
        new CopyStepTest.Counting(SourceReader.open(dir.resolve("m.bin"), false))) {
      try {
        return MemoryFiles.copyTo(
            out,
            ch,
            size,
            new Hasher.Plan(true, List.of()),
            new SafeProgress(ProgressListener.NONE, "m.bin", size),
            spareCore);
      } finally {
        largestRead = ch.largestRead;
        bytesRead = ch.bytesRead;
      }
    }
  }

  @Test
  void aPipelinedCopyHandsOverExactlyTheBytesItHashedEachWrittenOnce() throws IOException {
    byte[] src = source(SIZE);
    int started = CopyWriter.STARTED.get();
    long hashed = Hasher.BYTES_HASHED.get();
    try (Destination out = destination()) {
      ReadBytes read = copyTo(out, SIZE, true);
      assertEquals(started + 1, CopyWriter.STARTED.get(), "written on a second thread");
      assertEquals(SIZE, Hasher.BYTES_HASHED.get() - hashed, "every byte hashed once");
      assertEquals(SIZE, out.written, "every byte written once");
      assertEquals(SIZE, bytesRead, "every source byte read once");
      assertEquals(SourceReader.COPY_STEP, largestRead, "read and hashed in cache-sized steps");
      assertEquals(
          (SIZE + CopyWriter.PIPELINED_BUFFER - 1) / CopyWriter.PIPELINED_BUFFER,
          out.writes,
          "written a buffer of several steps at a time");
      // The writer is slower than the reader: a buffer refilled before its write finished would
      // put later bytes in the copy.
      byte[] kept = all(read.bytes());
      assertArrayEquals(src, kept);
      assertEquals(Sha256.of(Sha256.newMessageDigest().digest(src)), read.sha256());
    }
  }

  @Test
  void belowTheThresholdOrWithoutASpareCoreTheReadingThreadWrites() throws IOException {
    int small = (int) CopyWriter.PIPELINED_MIN_BYTES - 1;
    byte[] src = source(small);
    int started = CopyWriter.STARTED.get();
    try (Destination out = destination()) {
      assertArrayEquals(src, all(copyTo(out, small, true).bytes()));
    }
    source(SIZE);
    try (Destination out = destination()) {
      copyTo(out, SIZE, false);
    }
    assertEquals(started, CopyWriter.STARTED.get());
  }

  @Test
  void aWriteThatFailsOnTheWriterFailsTheCopyAsItDidInline() throws IOException {
    source(SIZE);
    IOException[] thrown = new IOException[2];
    int started = CopyWriter.STARTED.get();
    for (int i = 0; i < 2; i++) {
      boolean spareCore = i == 1;
      try (Destination out = destination()) {
        out.failAt = 3;
        thrown[i] = assertThrows(IOException.class, () -> copyTo(out, SIZE, spareCore));
        assertFalse(writerAlive());
      }
    }
    assertEquals(started + 1, CopyWriter.STARTED.get());
    assertSame(thrown[0].getClass(), thrown[1].getClass());
    assertEquals(thrown[0].getMessage(), thrown[1].getMessage());
    assertEquals("No space left on device (test)", thrown[1].getMessage());
  }

  @Test
  void aWriteFailureIsReportedEvenAfterTheLastStepWasHandedOver() throws IOException {
    source(SIZE);
    try (Destination out = destination()) {
      // The last write fails: the reader has nothing left to take, finish() must report it.
      out.failAt = (SIZE + CopyWriter.PIPELINED_BUFFER - 1) / CopyWriter.PIPELINED_BUFFER;
      IOException e = assertThrows(IOException.class, () -> copyTo(out, SIZE, true));
      assertEquals("No space left on device (test)", e.getMessage());
    }
  }

  @Test
  void anInterruptedReaderStopsTheWriterAndFailsClosed() throws Exception {
    source(SIZE);
    try (Destination out = destination()) {
      out.hold = new CountDownLatch(1); // the writer holds its first step: the ring fills
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
      Thread reader =
          new Thread(
              () -> {
                try {
                  copyTo(out, SIZE, true);
                } catch (Throwable t) {
                  thrown.set(t);
                }
                stillInterrupted.set(Thread.currentThread().isInterrupted());
              });
      reader.start();
      // Waits (untimed) until the reader blocks for a free buffer: in CopyWriter.buffer(), not
      // anywhere else a thread may briefly wait (class initialisation, a lock in the JDK's I/O),
      // where an interrupt would close the source channel instead (ClosedByInterruptException).
      while (!(reader.getState() == Thread.State.WAITING && waitsIn(reader, "buffer"))) {
        Thread.onSpinWait();
      }
      reader.interrupt();
      // Releases the writer only once the reader has left buffer() and waits in close() for it: a
      // buffer freed before the reader noticed the interrupt would be handed to it (the queue's
      // take() then returns and keeps the interrupt), and its next read would close the source
      // channel instead (ClosedByInterruptException).
      while (!(reader.getState() == Thread.State.WAITING && waitsIn(reader, "close"))) {
        Thread.onSpinWait();
      }
      out.hold.countDown();
      reader.join();
      assertInstanceOf(InterruptedIOException.class, thrown.get());
      assertTrue(stillInterrupted.get(), "the interrupt is kept for the caller");
      assertTrue(out.written < SIZE, "the copy was not finished");
    }
  }

  /** Whether {@code t} is inside CopyWriter's {@code method} (its stack, not the JDK's waits). */
  private static boolean waitsIn(Thread t, String method) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().equals(CopyWriter.class.getName()) && e.getMethodName().equals(method)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void anInterruptedWriterFailsTheCopyAsAnIoError() throws Exception {
    source(SIZE);
    CountDownLatch secondRead = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    byte[] src = Files.readAllBytes(dir.resolve("m.bin"));
    // A source that stops in its second step until the test has interrupted the idle writer.
    InputStream blocking =
        new ByteArrayInputStream(src) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            if (pos >= SourceReader.COPY_STEP && secondRead.getCount() > 0) {
              secondRead.countDown();
              try {
                resume.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
              }
            }
            return super.read(b, off, len);
          }
        };
    try (Destination out = destination();
        FileChannel slow = new StreamChannel("m.bin", blocking, SIZE)) {
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread reader =
          new Thread(
              () -> {
                try {
                  MemoryFiles.copyTo(
                      out,
                      slow,
                      SIZE,
                      new Hasher.Plan(true, List.of()),
                      new SafeProgress(ProgressListener.NONE, "m.bin", SIZE),
                      true);
                } catch (Throwable t) {
                  thrown.set(t);
                }
              });
      reader.start();
      secondRead.await();
      Thread writer = null;
      // Until the writer waits for a step in its loop (run()), not anywhere else it may wait.
      while (writer == null
          || writer.getState() != Thread.State.WAITING
          || !waitsIn(writer, "run")) {
        writer =
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(CopyWriter.THREAD_NAME))
                .findFirst()
                .orElse(null);
        Thread.onSpinWait();
      }
      writer.interrupt();
      writer.join();
      resume.countDown();
      reader.join();
      Throwable t = thrown.get();
      assertNotNull(t);
      assertInstanceOf(IOException.class, t);
      // Not an InterruptedIOException: the reading thread was not interrupted, so the file is
      // refused as an I/O error, as a write that failed on the reading thread was.
      assertFalse(t instanceof InterruptedIOException, String.valueOf(t));
      assertEquals("the copy's writer thread was interrupted", t.getMessage());
    }
  }

  /**
   * Writer threads a large copy starts with a spare core: one for an in-memory copy, none for a
   * private file, which its reading thread writes.
   */
  private static int writers(Delivery mode) {
    return mode == Delivery.COPY_TO_MEMORY ? 1 : 0;
  }

  /** A declared size the stream does not keep: shorter, or longer. */
  private static SourceFile changing(int declared, int actual) {
    byte[] body = new byte[actual];
    new Random(7).nextBytes(body);
    System.arraycopy("AAA".getBytes(StandardCharsets.US_ASCII), 0, body, 0, 3);
    body[actual - 2] = 'O';
    body[actual - 1] = 'K';
    return SourceFile.stream("w.aaa", declared, () -> (InputStream) new ByteArrayInputStream(body));
  }

  @Test
  void aSourceThatChangesDuringAPipelinedCopyIsSourceChangedAndNotDelivered() throws IOException {
    assumeTrue(MemoryFiles.fits(SIZE), "needs a tmpfs at /dev/shm");
    for (Delivery mode : List.of(Delivery.COPY_TO_MEMORY, Delivery.PRIVATE_FILE)) {
      for (int actual : new int[] {SIZE - 1_000, SIZE + 1_000}) {
        int started = CopyWriter.STARTED.get();
        Path privateDir = dir.resolve("private-" + mode + "-" + actual);
        CheckedFile f =
            new FileReading(POLICY, mode, privateDir, ProgressListener.NONE, List.of())
                .check(changing(SIZE, actual), ROLE, VALIDATION, true);
        assertEquals(started + writers(mode), CopyWriter.STARTED.get(), mode.toString());
        assertEquals(
            List.of(Reason.SOURCE_CHANGED),
            f.findings().stream().map(Finding::reason).toList(),
            mode + " " + actual);
        assertFalse(f.read(), "no bytes kept");
        assertFalse(writerAlive());
      }
    }
  }

  @Test
  void aSourceThatKeepsItsSizeIsAcceptedThroughAPipelinedCopy() throws IOException {
    assumeTrue(MemoryFiles.fits(SIZE), "needs a tmpfs at /dev/shm");
    for (Delivery mode : List.of(Delivery.COPY_TO_MEMORY, Delivery.PRIVATE_FILE)) {
      int started = CopyWriter.STARTED.get();
      CheckedFile f =
          new FileReading(
                  POLICY, mode, dir.resolve("private-" + mode), ProgressListener.NONE, List.of())
              .check(changing(SIZE, SIZE), ROLE, VALIDATION, true);
      assertEquals(started + writers(mode), CopyWriter.STARTED.get(), mode.toString());
      assertTrue(f.accepted(), f.findings().toString());
      assertEquals(SIZE, f.bytes().size());
    }
  }
}
