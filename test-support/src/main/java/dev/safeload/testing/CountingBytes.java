package dev.safeload.testing;

import dev.safeload.spi.ModelBytes;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * {@link ModelBytes} that count how a reader reaches them: bytes reached at random ({@code get},
 * {@code slice}), streams opened, and bytes read through those streams. The loader serves random
 * access from a mapping, which faults in every page it touches, and streams by {@code read()} into
 * a small buffer; tests of readers that walk whole files assert that the walk goes through the
 * stream.
 */
public final class CountingBytes implements ModelBytes {
  private final ModelBytes inner;

  /** Bytes reached through {@link #get} or {@link #slice}. */
  public long viewed;

  /** Streams opened. */
  public long streams;

  /** Bytes read through the streams. */
  public long read;

  public CountingBytes(ModelBytes inner) {
    this.inner = inner;
  }

  @Override
  public long size() {
    return inner.size();
  }

  @Override
  public byte get(long offset) {
    viewed++;
    return inner.get(offset);
  }

  @Override
  public ByteBuffer slice(long offset, int length) {
    viewed += length;
    return inner.slice(offset, length);
  }

  @Override
  public InputStream openStream(long offset) {
    streams++;
    InputStream in = inner.openStream(offset);
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = in.read();
        read += b < 0 ? 0 : 1;
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        read += Math.max(0, n);
        return n;
      }
    };
  }
}
