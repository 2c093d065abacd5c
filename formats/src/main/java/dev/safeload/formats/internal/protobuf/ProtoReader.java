package dev.safeload.formats.internal.protobuf;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.text.Utf8;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;

/**
 * A protobuf wire-format cursor over file bytes, with the strict rules of research note §3.6: field
 * 0, groups (wire types 3/4) and wire types 6/7 are invalid; varints are at most 10 bytes with a
 * 10th byte of at most 1; a length may not exceed 2^31-1 or the bytes left in the enclosing
 * message. Reading never allocates.
 */
public final class ProtoReader {
  public static final int VARINT = 0;
  public static final int I64 = 1;
  public static final int LEN = 2;
  public static final int I32 = 5;

  /** protobuf messages and fields are limited to 2 GiB - 1 (onnx.checker MAXIMUM_PROTOBUF). */
  public static final long MAX_LENGTH = Integer.MAX_VALUE;

  private final ModelBytes b;

  /**
   * The first up-to-1-GiB of the file as one buffer: absolute reads there beat per-byte interface
   * calls.
   */
  private final java.nio.ByteBuffer win;

  private final long winLen;
  private long pos;
  private long limit;

  /** A reader over {@code [start, limit)} of {@code b}. */
  public ProtoReader(ModelBytes b, long start, long limit) {
    this.b = b;
    this.pos = start;
    this.limit = limit;
    this.winLen = Math.min(b.size(), 1 << 30);
    this.win = b.slice(0, (int) winLen);
  }

  private byte at(long p) {
    return p < winLen ? win.get((int) p) : b.get(p);
  }

  /** Whether {@code [offset, offset + length)} of the file is well-formed UTF-8. */
  public boolean isUtf8(long offset, long length) {
    return offset + length <= winLen
        ? Utf8.isValid(win, (int) offset, (int) length)
        : Utf8.isValid(b, offset, length);
  }

  public long position() {
    return pos;
  }

  public long limit() {
    return limit;
  }

  public boolean atEnd() {
    return pos >= limit;
  }

  /** Reads a tag; returns {@code field << 3 | wireType} as a long (fields are below 2^29). */
  public long readTag() {
    long at = pos;
    long tag = readVarint();
    long field = tag >>> 3;
    int wt = (int) (tag & 7);
    if (field == 0 || field > (1 << 29) - 1) {
      throw new FormatException(
          FormatReason.ONNX_PROTOBUF_INVALID, at, "invalid field number " + field);
    }
    if (wt == 3 || wt == 4 || wt == 6 || wt == 7) {
      throw new FormatException(
          FormatReason.ONNX_PROTOBUF_INVALID,
          at,
          "wire type " + wt + " (groups and 6/7 are invalid)");
    }
    return tag;
  }

  public long readVarint() {
    long at = pos;
    long v = 0;
    for (int i = 0; i < 10; i++) {
      if (pos >= limit) {
        throw new FormatException(
            FormatReason.ONNX_TRUNCATED, at, "varint runs past the end of its message");
      }
      int c = at(pos++) & 0xff;
      if (i == 9 && c > 1) {
        throw new FormatException(
            FormatReason.ONNX_PROTOBUF_INVALID, at, "varint overflows 64 bits");
      }
      v |= (long) (c & 0x7f) << (7 * i);
      if ((c & 0x80) == 0) {
        return v;
      }
    }
    throw new FormatException(
        FormatReason.ONNX_PROTOBUF_INVALID, at, "varint longer than 10 bytes");
  }

  public int readFixed32() {
    need(4);
    int v =
        (at(pos) & 0xff)
            | (at(pos + 1) & 0xff) << 8
            | (at(pos + 2) & 0xff) << 16
            | (at(pos + 3) & 0xff) << 24;
    pos += 4;
    return v;
  }

  public long readFixed64() {
    long lo = readFixed32() & 0xffffffffL;
    long hi = readFixed32() & 0xffffffffL;
    return lo | hi << 32;
  }

  /** Reads a length prefix and checks it against the enclosing message and the 2 GiB limit. */
  public long readLength() {
    long at = pos;
    long len = readVarint();
    if (len < 0 || len > MAX_LENGTH) {
      throw new FormatException(
          FormatReason.ONNX_PROTOBUF_INVALID,
          at,
          "length " + Long.toUnsignedString(len) + " is over 2^31-1");
    }
    if (len > limit - pos) {
      throw new FormatException(
          FormatReason.ONNX_TRUNCATED,
          at,
          "length " + len + " runs past its message (" + (limit - pos) + " bytes left)");
    }
    return len;
  }

  /**
   * Narrows the reader to the next {@code len} bytes; returns the old limit for {@link #popLimit}.
   */
  public long pushLimit(long len) {
    long old = limit;
    limit = pos + len;
    return old;
  }

  /** Restores the enclosing limit after a nested message was read to its end. */
  public void popLimit(long old) {
    if (pos != limit) {
      throw new IllegalStateException("nested message not fully read");
    }
    limit = old;
  }

  /** Skips {@code n} bytes already checked to lie inside the message. */
  public void skipBytes(long n) {
    need(n);
    pos += n;
  }

  /** Skips one value of the given wire type. */
  public void skip(int wireType) {
    switch (wireType) {
      case VARINT -> readVarint();
      case I64 -> skipBytes(8);
      case I32 -> skipBytes(4);
      case LEN -> skipBytes(readLength());
      default ->
          throw new FormatException(
              FormatReason.ONNX_PROTOBUF_INVALID, pos, "wire type " + wireType);
    }
  }

  private void need(long n) {
    if (n > limit - pos) {
      throw new FormatException(
          FormatReason.ONNX_TRUNCATED, pos, "field runs past the end of its message");
    }
  }

  public ModelBytes bytes() {
    return b;
  }
}
