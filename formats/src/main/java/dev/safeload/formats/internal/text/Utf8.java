package dev.safeload.formats.internal.text;

import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The one strict UTF-8 validator every handler uses, so that "valid text" means the same thing in
 * every format: overlong forms, encoded surrogates, code points above U+10FFFF, stray continuation
 * bytes and cut sequences are invalid (the same set the JDK decoder rejects with {@code
 * CodingErrorAction.REPORT}). Nothing here allocates in proportion to the input.
 */
public final class Utf8 {
  /**
   * Window for file ranges: large enough that the ASCII fast path dominates, small enough that a
   * window crossing a 1 GiB chunk boundary (which {@link ModelBytes#slice} copies) costs little.
   */
  private static final int WINDOW = 64 * 1024;

  private Utf8() {}

  /**
   * Length (2 to 4) of the well-formed multi-byte sequence starting at {@code p}, or -1 if the lead
   * byte cannot start one, a continuation byte is out of range, or the sequence does not fit before
   * {@code end}. Absolute indices; {@code p < end}. The bounds are those of Unicode Table 3-7,
   * which excludes overlongs, surrogates and code points above U+10FFFF by the second byte alone.
   */
  public static int sequenceLength(ByteBuffer b, int p, int end) {
    int b0 = b.get(p) & 0xff;
    int n;
    int lo = 0x80;
    int hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      n = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      n = 3;
      if (b0 == 0xE0) {
        lo = 0xA0; // overlong
      } else if (b0 == 0xED) {
        hi = 0x9F; // UTF-16 surrogates
      }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      n = 4;
      if (b0 == 0xF0) {
        lo = 0x90; // overlong
      } else if (b0 == 0xF4) {
        hi = 0x8F; // above U+10FFFF
      }
    } else {
      return -1; // ASCII is not a multi-byte sequence; continuation byte, overlong C0/C1, or F5..FF
    }
    if (end - p < n) {
      return -1;
    }
    int b1 = b.get(p + 1) & 0xff;
    if (b1 < lo || b1 > hi) {
      return -1;
    }
    for (int i = 2; i < n; i++) {
      int bi = b.get(p + i) & 0xff;
      if (bi < 0x80 || bi > 0xBF) {
        return -1;
      }
    }
    return n;
  }

  /**
   * Whether {@code [offset, offset + length)} of a buffer is well-formed UTF-8 (absolute indices;
   * the range must be inside the buffer).
   */
  public static boolean isValid(ByteBuffer b, int offset, int length) {
    int end = offset + length;
    return validPrefix(b, offset, end) == end;
  }

  /** Whether {@code [offset, offset + length)} of an array is well-formed UTF-8. */
  public static boolean isValid(byte[] b, int offset, int length) {
    return isValid(ByteBuffer.wrap(b), offset, length);
  }

  /** Whether the whole array is well-formed UTF-8. */
  public static boolean isValid(byte[] b) {
    return isValid(b, 0, b.length);
  }

  /**
   * Whether {@code [offset, offset + length)} of the file is well-formed UTF-8. The range must be
   * inside the file; it may be longer than any one buffer, so it is checked window by window,
   * carrying a sequence cut by a window's end over into the next window.
   */
  public static boolean isValid(ModelBytes b, long offset, long length) {
    long i = offset;
    long end = offset + length;
    while (i < end) {
      int w = (int) Math.min(WINDOW, end - i);
      ByteBuffer win = b.slice(i, w);
      int done = validPrefix(win, 0, w);
      if (done < 0 || (done < w && i + w == end)) {
        return false; // invalid, or cut by the end of the range itself
      }
      i += done; // done >= w - 3 > 0 when cut by a window end: always progresses
    }
    return true;
  }

  /**
   * Decodes a file range already known to be valid UTF-8.
   *
   * @throws IllegalArgumentException if the bytes are not valid UTF-8
   */
  public static String decode(ModelBytes b, long offset, int length) {
    ByteBuffer slice = b.slice(offset, length);
    byte[] raw = new byte[length];
    slice.get(0, raw);
    String s = decodeOrNull(raw);
    if (s == null) {
      throw new IllegalArgumentException("not UTF-8");
    }
    return s;
  }

  /**
   * The text of {@code [offset, offset + length)} of a buffer (absolute indices; the range must be
   * inside the buffer) if it is well-formed UTF-8, otherwise {@code null}.
   */
  public static @Nullable String decodeOrNull(ByteBuffer b, int offset, int length) {
    if (!isValid(b, offset, length)) {
      return null;
    }
    byte[] raw = new byte[length];
    b.get(offset, raw);
    return new String(raw, StandardCharsets.UTF_8); // exact once validated, as below
  }

  /** The text of {@code raw} if it is well-formed UTF-8, otherwise {@code null}. */
  public static @Nullable String decodeOrNull(byte[] raw) {
    // Once validated, the JDK's replacing decoder cannot replace anything: the result is exact.
    return isValid(raw) ? new String(raw, StandardCharsets.UTF_8) : null;
  }

  /**
   * The end of the run of whole well-formed sequences from {@code from}: {@code to} if the range is
   * valid, the start of a non-ASCII sequence that fails within three bytes of {@code to} (it may
   * only be cut), or -1 if an invalid sequence comes earlier.
   */
  private static int validPrefix(ByteBuffer b, int from, int to) {
    int i = from;
    while (i < to) {
      // Fast path: eight ASCII bytes at a time.
      while (i + 8 <= to && (b.getLong(i) & 0x8080808080808080L) == 0) {
        i += 8;
      }
      if (i >= to) {
        break;
      }
      if (b.get(i) >= 0) {
        i++;
        continue;
      }
      int n = sequenceLength(b, i, to);
      if (n < 0) {
        // Within three bytes of the end the sequence may merely be cut: report where it starts and
        // let
        // the caller decide (the end of the range rejects it, a next window re-checks it whole).
        return to - i < 4 ? i : -1;
      }
      i += n;
    }
    return i;
  }
}
