package dev.safeload.spi;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * {@link ModelBytes} over one buffer already in memory, for {@link ModelBytes#of}. The loader's own
 * files, which may exceed what one buffer holds, use an implementation of its own.
 */
final class BufferBytes implements ModelBytes {
  private final ByteBuffer buffer;

  /**
   * @param buffer the bytes, from position 0 to its capacity; never written afterwards
   */
  BufferBytes(ByteBuffer buffer) {
    this.buffer = buffer.duplicate().clear().asReadOnlyBuffer();
  }

  @Override
  public long size() {
    return buffer.capacity();
  }

  @Override
  public byte get(long offset) {
    return buffer.get((int) Objects.checkIndex(offset, size()));
  }

  @Override
  public ByteBuffer slice(long offset, int length) {
    Objects.checkFromIndexSize(offset, length, size());
    return buffer.slice((int) offset, length).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public InputStream openStream(long offset) {
    Objects.checkIndex(offset, size() + 1);
    ByteBuffer rest = buffer.slice((int) offset, buffer.capacity() - (int) offset);
    return new InputStream() {
      @Override
      public int read() {
        return rest.hasRemaining() ? rest.get() & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
          return 0;
        }
        if (!rest.hasRemaining()) {
          return -1;
        }
        int n = Math.min(len, rest.remaining());
        rest.get(b, off, n);
        return n;
      }

      @Override
      public long skip(long n) {
        int k = (int) Math.max(0, Math.min(n, rest.remaining()));
        rest.position(rest.position() + k);
        return k;
      }

      @Override
      public int available() {
        return rest.remaining();
      }
    };
  }
}
