package dev.safeload.internal;

import dev.safeload.Delivery;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.Sha256;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Reads one file whose whole-file SHA-256 nobody needs, hashing its shards of one size in parallel
 * on the loader's threads: the single pass, split by range. Each range is read (and, for the
 * copying modes, copied) exactly once, by the thread that hashes it, and the bytes hashed are the
 * bytes kept: for {@code COPY_TO_MEMORY} and {@code PRIVATE_FILE} the copy is made from the buffer
 * that was hashed (or hashed in the memory it was read into); for {@code MAPPED_TRUSTED} the file
 * is hashed by {@code read()} beside the shared mapping, as in the sequential pass, and the caller
 * checks the file is unchanged afterwards.
 *
 * <p>Work sharing without waiting on queued tasks: the reading thread claims ranges itself and
 * offers helper tasks to the pool; a helper that starts after every range was claimed does nothing.
 * The reading thread waits only for ranges another thread has claimed and is hashing, so it never
 * waits for a task stuck behind other files in the pool's queue.
 */
final class ParallelShards {
  private ParallelShards() {}

  /** Read granularity within a shard, as in the sequential copying pass. */
  private static final int STEP = SourceReader.COPY_STEP;

  /** Shards hashed here: a test hook for counting work. */
  static final AtomicLong SHARDS_HASHED = new AtomicLong();

  /**
   * Reads {@code size} bytes of {@code ch} in {@code mode}, hashing shards of {@code shardSize}.
   *
   * @param pool the loader's threads (ranges are offered to up to {@code helpers} of them)
   */
  static ReadBytes read(
      FileChannel ch,
      long size,
      Delivery mode,
      Path privateDir,
      String name,
      long shardSize,
      ExecutorService pool,
      int helpers,
      SafeProgress progress)
      throws IOException {
    int n = Math.toIntExact(DigestedFile.shardCount(size, shardSize));
    Sha256[] digests = new Sha256[n];
    AtomicLong done = new AtomicLong();
    Progress prog = new Progress(progress, done);
    return switch (mode) {
      case MAPPED_TRUSTED -> {
        List<ByteBuffer> mapping = SourceReader.mapReadOnly(ch, size);
        runAll(
            n,
            pool,
            helpers,
            () -> {
              ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(STEP, shardSize));
              return i -> digests[i] = hashRange(ch, i, shardSize, size, buf, null, prog);
            });
        if (ch.size() != size) {
          throw new SourceReader.ShortReadException("file size changed to " + ch.size());
        }
        yield new ReadBytes(new ChunkedBytes(mapping), digests(shardSize, digests));
      }
      case PRIVATE_FILE -> {
        Path target = privateDir.resolve(name);
        FileChannel out = SourceReader.createPrivateCopy(target);
        boolean kept = false;
        try {
          List<ByteBuffer> chunks =
              copyVia(out, ch, size, shardSize, n, digests, pool, helpers, prog);
          Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r--------"));
          ReadBytes read =
              new ReadBytes(new ChunkedBytes(chunks), digests(shardSize, digests), target, out);
          kept = true; // the copy is judged through this descriptor (StreamedBytes)
          yield read;
        } finally {
          if (!kept) {
            out.close();
          }
        }
      }
      case COPY_TO_MEMORY -> {
        if (MemoryFiles.fits(size)) {
          try (FileChannel out = MemoryFiles.create()) {
            List<ByteBuffer> chunks =
                copyVia(out, ch, size, shardSize, n, digests, pool, helpers, prog);
            yield new ReadBytes(new ChunkedBytes(chunks), digests(shardSize, digests));
          }
        }
        List<ByteBuffer> chunks = new ArrayList<>();
        for (int i = 0; i < ChunkedBytes.chunkCount(size); i++) {
          chunks.add(ByteBuffer.allocateDirect(ChunkedBytes.chunkLength(size, i)));
        }
        ChunkedBytes into = new ChunkedBytes(chunks);
        runAll(
            n,
            pool,
            helpers,
            () -> i -> digests[i] = hashInto(ch, i, shardSize, size, chunks, prog));
        expectEnd(ch, size);
        yield new ReadBytes(into, digests(shardSize, digests));
      }
      case AUTOMATIC -> throw new IllegalArgumentException("AUTOMATIC is resolved before reading");
    };
  }

  /** Copies into {@code out} range by range from the buffer each range was hashed in. */
  private static List<ByteBuffer> copyVia(
      FileChannel out,
      FileChannel ch,
      long size,
      long shardSize,
      int n,
      Sha256[] digests,
      ExecutorService pool,
      int helpers,
      Progress prog)
      throws IOException {
    runAll(
        n,
        pool,
        helpers,
        () -> {
          ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(STEP, shardSize));
          return i -> digests[i] = hashRange(ch, i, shardSize, size, buf, out, prog);
        });
    expectEnd(ch, size);
    return SourceReader.mapReadOnly(out, size);
  }

  /** Reads shard {@code i} into the chunks' memory and hashes it there. */
  private static Sha256 hashInto(
      FileChannel ch, int i, long shardSize, long size, List<ByteBuffer> chunks, Progress prog)
      throws IOException {
    long start = i * shardSize;
    long end = Math.min(size, start + shardSize);
    Hasher h = new Hasher(List.of()); // this range's digest is the "whole file" of this hasher
    long pos = start;
    while (pos < end) {
      ByteBuffer chunk = chunks.get((int) (pos / ChunkedBytes.CHUNK));
      int at = (int) (pos % ChunkedBytes.CHUNK);
      int len = (int) Math.min(Math.min(STEP, end - pos), chunk.capacity() - at);
      ByteBuffer dst = chunk.duplicate().position(at).limit(at + len);
      while (dst.hasRemaining()) {
        if (ch.read(dst, pos + (dst.position() - at)) < 0) {
          throw new SourceReader.ShortReadException(
              "file ended at " + (pos + (dst.position() - at)));
        }
      }
      h.update(dst.position(at)); // hashed where it stays: the memory handed out
      pos += len;
      prog.add(len);
    }
    SHARDS_HASHED.incrementAndGet();
    // Invariant: a hasher of the whole range always has a digest.
    return Objects.requireNonNull(h.finish().sha256());
  }

  /**
   * Reads shard {@code i} into {@code buf} step by step, hashes each step, and writes it to {@code
   * out} (when given) at the same offset; returns the shard's digest.
   */
  private static Sha256 hashRange(
      FileChannel ch,
      int i,
      long shardSize,
      long size,
      ByteBuffer buf,
      @Nullable FileChannel out,
      Progress prog)
      throws IOException {
    long start = i * shardSize;
    long end = Math.min(size, start + shardSize);
    Hasher h = new Hasher(List.of());
    long pos = start;
    while (pos < end) {
      ByteBuffer dst = buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
      while (dst.hasRemaining()) {
        if (ch.read(dst, pos + dst.position()) < 0) {
          throw new SourceReader.ShortReadException("file ended at " + (pos + dst.position()));
        }
      }
      dst.flip();
      h.update(dst.duplicate());
      if (out != null) {
        MemoryFiles.writeFully(out, dst, pos); // the bytes just hashed, at the same offset
      }
      pos += dst.limit();
      prog.add(dst.limit());
    }
    SHARDS_HASHED.incrementAndGet();
    // Invariant: a hasher of the whole range always has a digest.
    return Objects.requireNonNull(h.finish().sha256());
  }

  private static Hasher.FileDigests digests(long shardSize, Sha256[] digests) {
    return new Hasher.FileDigests(null, Map.of(shardSize, List.of(digests)));
  }

  /** The source must end exactly at its recorded size; more bytes mean it grew while being read. */
  private static void expectEnd(FileChannel ch, long size) throws IOException {
    if (ch.read(ByteBuffer.allocate(1), size) >= 0 || ch.size() != size) {
      throw new SourceReader.ShortReadException(
          "file size changed while being read (now " + ch.size() + " bytes)");
    }
  }

  /** One range's work. */
  interface Range {
    void run(int index) throws IOException;
  }

  /** Makes one participant's range worker (with its own buffer). */
  interface Participant {
    Range start();
  }

  /**
   * Runs ranges {@code 0..n-1}: the calling thread claims them one at a time, helpers on {@code
   * pool} claim them too; returns when every claimed range is done, rethrowing the first failure.
   */
  static void runAll(int n, ExecutorService pool, int helpers, Participant participant)
      throws IOException {
    AtomicInteger next = new AtomicInteger();
    CountDownLatch settled = new CountDownLatch(n);
    AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    Runnable work =
        () -> {
          Range r = null;
          int i;
          while ((i = next.getAndIncrement()) < n) {
            try {
              if (r == null) {
                r = participant.start(); // a buffer only for a helper that gets a range
              }
              r.run(i);
            } catch (IOException | RuntimeException | Error e) {
              failure.compareAndSet(null, e);
              // Nothing more is claimed; the ranges nobody will claim are settled here.
              int from = next.getAndSet(n);
              for (int k = from; k < n; k++) {
                settled.countDown();
              }
            } finally {
              settled.countDown();
            }
          }
        };
    for (int k = 0; k < Math.min(helpers, n - 1); k++) {
      try {
        pool.execute(work);
      } catch (RejectedExecutionException e) {
        break; // the pool is shutting down: this thread does the rest
      }
    }
    work.run();
    try {
      settled.await();
    } catch (InterruptedException e) {
      next.set(n);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while hashing shards");
    }
    Throwable t = failure.get();
    if (t instanceof IOException io) {
      throw io;
    }
    if (t instanceof UncheckedIOException u) {
      throw u.getCause();
    }
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error err) {
      throw err;
    }
  }

  /** Progress of one file from several threads, reported in order of bytes done. */
  private static final class Progress {
    private final SafeProgress progress;
    private final AtomicLong done;

    Progress(SafeProgress progress, AtomicLong done) {
      this.progress = progress;
      this.done = done;
    }

    void add(long n) {
      long now = done.addAndGet(n);
      synchronized (this) {
        progress.at(now);
      }
    }
  }
}
