package dev.safeload.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Writes a copying delivery's copy from the very buffers the reading thread hashed ({@link #copy}).
 *
 * <p>The reading thread takes a {@linkplain #buffer() buffer}, fills it a step at a time, hashing
 * each step right after its read, and {@linkplain #write hands it over}; it does not touch that
 * buffer again until this writer hands it back. Inline (one buffer of one step), the step is
 * written before {@link #write} returns, as the copies always were. {@linkplain #of Pipelined}, for
 * a {@code COPY_TO_MEMORY} copy when a core is free, a second thread writes each buffer while the
 * reading thread reads and hashes the next one into another buffer of a small ring: the kernel's
 * copy into fresh tmpfs pages moves to the free core. That shortens the load's wall time when the
 * core is really free (1.08-1.18x a scan's wall time against 1.22-1.27x inline, for 256 MiB) and
 * costs CPU time whether it is or not (a median 1.39x a scan's against 1.26x): the hand-overs, and
 * the copy reading buffers the other core filled (benchmarks/results/issue14-delivery-session6.md).
 * {@code PRIVATE_FILE} copies are always written inline ({@link SourceReader}).
 *
 * <p>Either way the bytes written are the bytes hashed, and a failure fails the copy: a write that
 * fails on the second thread is thrown to the reading thread, as the same exception, by the next
 * {@link #buffer()} or by {@link #finish()}, and the caller's result, which {@link #finish()} must
 * precede, is never built. {@link #close()} stops and joins the second thread whatever happened, so
 * no thread outlives the copy.
 */
final class CopyWriter implements AutoCloseable {
  /** Buffers in a pipelined writer's ring: enough for the writer never to starve the reader. */
  static final int RING = 4;

  /**
   * Bytes a pipelined writer writes at a time: several read steps. Each hand-over wakes the writer
   * (it writes faster than the reader reads and hashes, so it waits for every buffer), and in this
   * virtual machine the wake-ups, not the copy, were what a buffer of one step cost: 256 KiB
   * buffers took 370 ms of CPU and 284 ms of wall time for 256 MiB, 1 MiB buffers 310 and 232, 4
   * MiB 305 and 233 (benchmarks/results/issue14-delivery-session6.md).
   */
  static final int PIPELINED_BUFFER = 1 << 20;

  /**
   * Files from this size are copied by a pipelined writer when a core is free: the second thread
   * costs its start and a hand-over per step, which a file of a few steps does not pay back.
   */
  static final long PIPELINED_MIN_BYTES = SourceReader.CONCURRENT_VALIDATION_MIN_BYTES;

  /** Pipelined writers started, for tests that check which path a copy took. */
  static final AtomicInteger STARTED = new AtomicInteger();

  /** The name of a pipelined writer's thread, for tests that check none outlives its copy. */
  static final String THREAD_NAME = "safeload-copy-writer";

  private final FileChannel out;
  private final @Nullable Thread thread;
  private final BlockingQueue<ByteBuffer> free;
  private final BlockingQueue<Step> full;
  private volatile @Nullable Throwable failure;
  private volatile boolean stopped;

  private record Step(ByteBuffer buffer, long position) {}

  /** Handed to the writer after the last step: finish, or stop without writing more. */
  private static final Step END = new Step(ByteBuffer.allocate(0), -1);

  /** Handed back to the reader in place of a buffer when the writer failed. */
  private static final ByteBuffer FAILED = ByteBuffer.allocate(0);

  private CopyWriter(FileChannel out, int step, int buffers, boolean pipelined) {
    this.out = out;
    // Room for every buffer plus the marker, so that handing over never blocks.
    this.free = new ArrayBlockingQueue<>(buffers + 1);
    this.full = new ArrayBlockingQueue<>(buffers + 1);
    for (int i = 0; i < buffers; i++) {
      free.add(ByteBuffer.allocateDirect(step));
    }
    if (pipelined) {
      Thread t = new Thread(this::run, THREAD_NAME);
      t.setDaemon(true);
      this.thread = t;
      STARTED.incrementAndGet();
      t.start();
    } else {
      this.thread = null;
    }
  }

  /**
   * A writer for a copy of {@code size} bytes: pipelined on a second thread when {@code spareCore}
   * and the copy is at least {@link #PIPELINED_MIN_BYTES}, inline otherwise.
   */
  static CopyWriter of(FileChannel out, long size, boolean spareCore) {
    return spareCore && size >= PIPELINED_MIN_BYTES
        ? new CopyWriter(out, PIPELINED_BUFFER, RING, true)
        : new CopyWriter(out, (int) Math.min(SourceReader.COPY_STEP, Math.max(size, 1)), 1, false);
  }

  /**
   * Copies the {@code size} bytes of {@code ch} to the same offsets of {@code out}, reading {@link
   * SourceReader#COPY_STEP} bytes at a time at explicit positions and hashing each step right after
   * its read, while it is in the second-level cache; returns once every byte is written and the
   * source has ended exactly at {@code size}.
   *
   * @param spareCore whether a core is free to write while this thread reads and hashes
   * @throws SourceReader.ShortReadException when the source ends early or grows: it changed
   */
  static void copy(
      FileChannel ch,
      long size,
      FileChannel out,
      Hasher hasher,
      SafeProgress progress,
      boolean spareCore)
      throws IOException {
    try (CopyWriter writer = of(out, size, spareCore)) {
      long done = 0;
      while (done < size) {
        ByteBuffer buf = writer.buffer();
        long start = done;
        while (buf.hasRemaining() && done < size) {
          int at = buf.position();
          buf.limit(
              (int) Math.min(buf.capacity(), at + Math.min(SourceReader.COPY_STEP, size - done)));
          int n = ch.read(buf, done);
          if (n < 0) {
            throw new SourceReader.ShortReadException("file ended at " + done);
          }
          hasher.update(buf.duplicate().limit(at + n).position(at));
          done += n;
          progress.at(done);
          buf.limit(buf.capacity());
        }
        buf.flip();
        writer.write(buf, start); // the bytes just hashed, from the same buffer
      }
      if (ch.read(ByteBuffer.allocate(1), size) >= 0 || ch.size() != size) {
        throw new SourceReader.ShortReadException(
            "file size changed while being read (now " + ch.size() + " bytes)");
      }
      writer.finish(); // every byte written before the caller maps the copy
    }
  }

  /**
   * A buffer to read the next step into, cleared: one the writer is done with. Throws the writer's
   * failure, if it failed.
   */
  ByteBuffer buffer() throws IOException {
    ByteBuffer b;
    try {
      b = free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the copy's writer");
    }
    if (b == FAILED) {
      free.add(FAILED); // for any later call
      throw TaskFailures.rethrow(failure);
    }
    return b.clear();
  }

  /**
   * Writes {@code b}, which the caller took from {@link #buffer()} and hashed, from its position to
   * its limit at {@code position} of the copy. The caller must not touch {@code b} afterwards.
   */
  void write(ByteBuffer b, long position) throws IOException {
    if (thread == null) {
      MemoryFiles.writeFully(out, b, position);
      free.add(b);
    } else {
      full.add(new Step(b, position));
    }
  }

  /** Waits until every step handed over is written; throws the writer's failure, if it failed. */
  void finish() throws IOException {
    Thread t = thread;
    if (t != null) {
      full.add(END);
      joinUninterruptibly(t);
    }
    if (failure != null) {
      throw TaskFailures.rethrow(failure);
    }
  }

  /** Stops the second thread without writing what is still queued, and waits for it to end. */
  @Override
  public void close() {
    Thread t = thread;
    if (t != null && t.isAlive()) {
      stopped = true;
      full.offer(END); // never full: at most every buffer and one marker
      joinUninterruptibly(t);
    }
  }

  private void run() {
    try {
      while (true) {
        Step s;
        try {
          s = full.take();
        } catch (InterruptedException e) {
          // Nothing here interrupts the writer; whatever did, the copy is not finished.
          throw new IOException("the copy's writer thread was interrupted", e);
        }
        if (s == END || stopped) {
          return;
        }
        MemoryFiles.writeFully(out, s.buffer(), s.position());
        free.add(s.buffer());
      }
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
      free.add(FAILED); // wakes the reader
    }
  }

  private static void joinUninterruptibly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
