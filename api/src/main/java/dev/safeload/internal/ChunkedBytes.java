package dev.safeload.internal;

import dev.safeload.spi.ModelBytes;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@link ModelBytes} over buffers of {@link #CHUNK} bytes each (the last may be shorter), because a
 * Java 17 buffer cannot exceed 2 GiB. The buffers are never written after construction.
 */
public final class ChunkedBytes implements ModelBytes {
  /** Bytes per chunk: 1 GiB, so that a 100 MB header always lies in the first chunk. */
  public static final int CHUNK = 1 << 30;

  private final ByteBuffer[] chunks;
  private final long size;

  /**
   * @param chunks buffers of exactly {@link #CHUNK} bytes except the last; each with position 0
   */
  public ChunkedBytes(List<ByteBuffer> chunks) {
    this.chunks = new ByteBuffer[chunks.size()];
    long total = 0;
    for (int i = 0; i < chunks.size(); i++) {
      ByteBuffer c = chunks.get(i).duplicate().clear().asReadOnlyBuffer();
      if (i < chunks.size() - 1 && c.capacity() != CHUNK) {
        throw new IllegalArgumentException("inner chunk of " + c.capacity() + " bytes");
      }
      this.chunks[i] = c;
      total += c.capacity();
    }
    this.size = total;
  }

  /** Number of chunks needed for {@code size} bytes. */
  public static int chunkCount(long size) {
    return (int) ((size + CHUNK - 1) / CHUNK);
  }

  /** Length of chunk {@code index} for a file of {@code size} bytes. */
  public static int chunkLength(long size, int index) {
    return (int) Math.min(CHUNK, size - (long) index * CHUNK);
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public byte get(long offset) {
    Objects.checkIndex(offset, size);
    return chunks[(int) (offset >>> 30)].get((int) (offset & (CHUNK - 1)));
  }

  @Override
  public ByteBuffer slice(long offset, int length) {
    Objects.checkFromIndexSize(offset, length, size);
    if (length == 0) {
      return ByteBuffer.allocate(0).asReadOnlyBuffer();
    }
    int first = (int) (offset >>> 30);
    int last = (int) ((offset + length - 1) >>> 30);
    int inChunk = (int) (offset & (CHUNK - 1));
    if (first == last) {
      return chunks[first].slice(inChunk, length).order(ByteOrder.LITTLE_ENDIAN);
    }
    // Crosses a chunk boundary: copy (documented on ModelBytes).
    ByteBuffer copy = ByteBuffer.allocate(length);
    long pos = offset;
    while (copy.hasRemaining()) {
      int c = (int) (pos >>> 30);
      int at = (int) (pos & (CHUNK - 1));
      int n = Math.min(copy.remaining(), chunks[c].capacity() - at);
      copy.put(chunks[c].slice(at, n));
      pos += n;
    }
    return copy.flip().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Read-only views of all chunks, each positioned at 0. */
  public List<ByteBuffer> buffers() {
    List<ByteBuffer> out = new ArrayList<>(chunks.length);
    for (ByteBuffer c : chunks) {
      out.add(c.duplicate());
    }
    return out;
  }

  @Override
  public InputStream openStream(long offset) {
    Objects.checkIndex(offset, size + 1);
    return new InputStream() {
      private long pos = offset;

      @Override
      public int read() {
        return pos < size ? get(pos++) & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
          return 0;
        }
        if (pos >= size) {
          return -1;
        }
        int c = (int) (pos >>> 30);
        int at = (int) (pos & (CHUNK - 1));
        int n = (int) Math.min(len, chunks[c].capacity() - at);
        chunks[c].get(at, b, off, n);
        pos += n;
        return n;
      }

      @Override
      public long skip(long n) {
        long k = Math.max(0, Math.min(n, size - pos));
        pos += k;
        return k;
      }

      @Override
      public int available() {
        return (int) Math.min(Integer.MAX_VALUE, size - pos);
      }
    };
  }
}
