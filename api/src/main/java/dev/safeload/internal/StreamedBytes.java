package dev.safeload.internal;

import dev.safeload.spi.ModelBytes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes a file is judged on when they live in a file (the source behind a mapping, or the
 * private copy): random reads ({@link #get}, {@link #slice}) come from the mapping that is served,
 * and {@link #openStream} reads the same file with positional {@code read()} calls into a small
 * buffer.
 *
 * <p>Why two paths: a reader that walks the whole file (the pickle second reader's newline search,
 * a zip CRC over every record) would fault every page of a mapping into the process, so a scan of a
 * 20 GiB file would hold 20 GB of page cache in its resident set. Through {@code read()} the page
 * cache is shared with the kernel and only one buffer per stream is resident, whatever the file's
 * size. Headers and other parts read at random stay zero-copy views of the mapping, and only the
 * pages they touch are faulted in.
 *
 * <p>Same bytes: both paths read the same file ({@code channel} is the descriptor the mapping was
 * made from, never a re-opened path). For a mapping of the source ({@code MAPPED_TRUSTED}, scans)
 * the loader compares the file's size, times and identity after the verdict, which covers reads by
 * either path; the private copy is never written after it was hashed. A stream that finds the file
 * shorter than its recorded size throws {@link IOException}: the file changed.
 *
 * <p>The channel belongs to the loader's run: {@link #close} releases it when no stage will judge
 * the file again; a stream opened afterwards reads the mapping (the same bytes, without the memory
 * bound).
 */
final class StreamedBytes implements ModelBytes, AutoCloseable {
  /** Bytes per positional read: small enough to stay resident, large enough for throughput. */
  static final int STEP = 1 << 16;

  /** Bytes read through {@link #openStream} by {@code read()}: a test hook for counting work. */
  static final AtomicLong BYTES_STREAMED = new AtomicLong();

  /**
   * Bytes viewed through {@link #slice} (the mapping): a test hook. Single-byte {@link #get} calls
   * are not counted, to keep an atomic update out of handlers' per-byte loops.
   */
  static final AtomicLong BYTES_VIEWED = new AtomicLong();

  private final ChunkedBytes mapped;
  private final FileChannel channel;

  /**
   * @param mapped the bytes that are served, a mapping of {@code channel}'s file
   * @param channel the open descriptor {@code mapped} was made from; closed by {@link #close}
   */
  StreamedBytes(ChunkedBytes mapped, FileChannel channel) {
    this.mapped = mapped;
    this.channel = channel;
  }

  @Override
  public long size() {
    return mapped.size();
  }

  @Override
  public byte get(long offset) {
    return mapped.get(offset);
  }

  @Override
  public ByteBuffer slice(long offset, int length) {
    ByteBuffer b = mapped.slice(offset, length);
    BYTES_VIEWED.addAndGet(length);
    return b;
  }

  @Override
  public InputStream openStream(long offset) {
    Objects.checkIndex(offset, size() + 1);
    if (!channel.isOpen()) {
      return mapped.openStream(offset);
    }
    return new ChannelStream(offset);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /**
   * Positional reads from {@code channel}. A bulk read reads at most what was asked for (up to
   * {@link #STEP}) straight into the caller's array, so a caller that reads a short range (one zip
   * entry) never reads past it; single-byte reads go through a buffer of {@link #STEP} bytes.
   */
  private final class ChannelStream extends InputStream {
    private ByteBuffer buf = ByteBuffer.allocate(0);
    private long pos; // file offset of the next byte to read from the channel

    ChannelStream(long offset) {
      this.pos = offset;
    }

    /** Reads up to {@code dst.remaining()} bytes at {@code pos}; false at the end of the file. */
    private boolean readAt(ByteBuffer dst) throws IOException {
      long size = size();
      if (pos >= size) {
        return false;
      }
      dst.limit(dst.position() + (int) Math.min(dst.remaining(), size - pos));
      int start = dst.position();
      while (dst.hasRemaining()) {
        if (channel.read(dst, pos + (dst.position() - start)) < 0) {
          throw new IOException(
              "the file ended at "
                  + (pos + (dst.position() - start))
                  + ", before its "
                  + size
                  + " bytes");
        }
      }
      int n = dst.position() - start;
      pos += n;
      BYTES_STREAMED.addAndGet(n);
      return true;
    }

    @Override
    public int read() throws IOException {
      if (!buf.hasRemaining()) {
        if (buf.capacity() == 0) {
          buf = ByteBuffer.allocate(STEP);
        }
        buf.clear();
        if (!readAt(buf)) {
          buf.flip();
          return -1;
        }
        buf.flip();
      }
      return buf.get() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (buf.hasRemaining()) {
        int n = Math.min(len, buf.remaining());
        buf.get(b, off, n);
        return n;
      }
      ByteBuffer dst = ByteBuffer.wrap(b, off, Math.min(len, STEP));
      return readAt(dst) ? dst.position() - off : -1;
    }

    /** Skips without reading: the bytes skipped are never touched. */
    @Override
    public long skip(long n) {
      if (n <= 0) {
        return 0;
      }
      long inBuf = Math.min(n, buf.remaining());
      buf.position(buf.position() + (int) inBuf);
      long further = Math.max(0, Math.min(n - inBuf, size() - pos));
      pos += further;
      return inBuf + further;
    }

    @Override
    public int available() {
      return (int) Math.min(Integer.MAX_VALUE, buf.remaining() + Math.max(0, size() - pos));
    }
  }
}
