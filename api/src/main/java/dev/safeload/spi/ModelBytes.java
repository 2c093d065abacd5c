package dev.safeload.spi;

import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The bytes of one file as the loader holds them: the private copy or the trusted mapping that will
 * be handed to the application. Handlers validate exactly these bytes. All offsets are {@code
 * long}, all reads are absolute and bounds-checked; nothing here can change under the handler.
 */
public interface ModelBytes {

  /** Length in bytes. */
  long size();

  /**
   * The byte at {@code offset}.
   *
   * @throws IndexOutOfBoundsException if {@code offset} is outside {@code [0, size())}
   */
  byte get(long offset);

  /**
   * A read-only little-endian view of {@code [offset, offset + length)}. Zero-copy unless the range
   * crosses an internal 1 GiB chunk boundary, in which case the bytes are copied.
   *
   * @throws IndexOutOfBoundsException if the range is outside the file
   */
  ByteBuffer slice(long offset, int length);

  /**
   * A stream over {@code [offset, size())}: the way to walk a large part of the file. For bytes
   * that live in a file (a scan, {@code MAPPED_TRUSTED}, {@code PRIVATE_FILE}) the loader serves it
   * with {@code read()} into a small buffer, so memory stays bounded whatever the file's size, and
   * {@code skip} moves past bytes without reading them; {@link #get} and {@link #slice} read a
   * mapping, where every page touched stays resident. A read throws {@link java.io.IOException} if
   * the file turns out shorter than {@link #size()} (it changed; the loader refuses it).
   */
  InputStream openStream(long offset);

  /**
   * Wraps bytes already in memory (at most 1 GiB), for handler unit tests, fuzz targets and
   * in-process callers. The buffer's remaining bytes are used; it must not be modified afterwards.
   */
  static ModelBytes of(ByteBuffer bytes) {
    ByteBuffer b = bytes.slice();
    if (b.capacity() > 1 << 30) {
      throw new IllegalArgumentException("ModelBytes.of takes at most 1 GiB");
    }
    return new BufferBytes(b);
  }
}
