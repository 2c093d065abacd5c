package dev.safeload.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A caller's stream as the read-only, sequential channel {@link SourceReader} copies from, holding
 * the stream to the size its source declared: it never reads past that size into its buffer, a
 * stream that ends early shows as the end of the channel ({@link SourceReader.ShortReadException},
 * {@code SOURCE_CHANGED}), and one that still has bytes at that size fails the read the same way.
 *
 * <p>Bounded: one {@value #BUFFER}-byte transfer buffer, whatever the stream's size. Only what a
 * copy needs works: sequential reads, {@link #size()} and {@link #position()}; mapping, writing,
 * locking and seeking elsewhere throw {@link UnsupportedOperationException}, and the engine never
 * asks (a stream is never {@code MAPPED_TRUSTED}).
 */
final class StreamChannel extends FileChannel {
  /** Transfer buffer size: one stream read at most this large. */
  static final int BUFFER = 64 << 10;

  private final String name;
  private final InputStream in;
  private final long size;
  private final byte[] buf;
  private long position;

  StreamChannel(String name, InputStream in, long size) {
    this.name = name;
    this.in = in;
    this.size = size;
    this.buf = new byte[(int) Math.min(BUFFER, Math.max(1, size))];
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (position == size) {
      int extra = readStream(buf, 0, 1);
      if (extra > 0) {
        throw new SourceReader.ShortReadException(
            "the stream yields more than the " + size + " bytes its source declared");
      }
      return -1;
    }
    int want = (int) Math.min(Math.min(dst.remaining(), buf.length), size - position);
    int n = readStream(buf, 0, want);
    if (n < 0) {
      return -1; // shorter than declared: the reader reports where it ended
    }
    dst.put(buf, 0, n);
    position += n;
    return n;
  }

  /** One read of the caller's stream; its failures, checked or not, are I/O errors. */
  private int readStream(byte[] b, int off, int len) throws IOException {
    int n;
    try {
      n = in.read(b, off, len);
    } catch (RuntimeException e) {
      throw new IOException("the stream of " + name + " failed: " + e, e);
    }
    if (n == 0 || n > len) {
      // InputStream.read blocks until it has a byte; a stream that returns none would spin.
      throw new IOException("the stream of " + name + " returned " + n + " of " + len + " bytes");
    }
    return n;
  }

  @Override
  public int read(ByteBuffer dst, long at) throws IOException {
    if (at != position) {
      throw new UnsupportedOperationException("a stream is read in order");
    }
    return read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      if (!dsts[i].hasRemaining()) {
        continue;
      }
      int n = read(dsts[i]);
      if (n < 0) {
        return total == 0 ? -1 : total;
      }
      total += n;
      if (dsts[i].hasRemaining()) {
        break;
      }
    }
    return total;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public FileChannel position(long newPosition) {
    throw new UnsupportedOperationException("a stream is read in order");
  }

  /** The declared size: the most this channel will ever yield. */
  @Override
  public long size() {
    return size;
  }

  @Override
  protected void implCloseChannel() throws IOException {
    in.close();
  }

  @Override
  public int write(ByteBuffer src) {
    throw new UnsupportedOperationException("read-only");
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) {
    throw new UnsupportedOperationException("read-only");
  }

  @Override
  public int write(ByteBuffer src, long at) {
    throw new UnsupportedOperationException("read-only");
  }

  @Override
  public FileChannel truncate(long newSize) {
    throw new UnsupportedOperationException("read-only");
  }

  @Override
  public void force(boolean metaData) {
    // nothing written, nothing to force
  }

  @Override
  public long transferTo(long at, long count, WritableByteChannel target) {
    throw new UnsupportedOperationException("a stream is copied through SourceReader");
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long at, long count) {
    throw new UnsupportedOperationException("read-only");
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long at, long length) {
    throw new UnsupportedOperationException("a stream cannot be mapped");
  }

  @Override
  public FileLock lock(long at, long length, boolean shared) {
    throw new UnsupportedOperationException("a stream cannot be locked");
  }

  @Override
  public FileLock tryLock(long at, long length, boolean shared) {
    throw new UnsupportedOperationException("a stream cannot be locked");
  }
}
