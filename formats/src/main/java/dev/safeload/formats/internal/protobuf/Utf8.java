package dev.safeload.formats.internal.protobuf;

import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 checks over file bytes without allocating: overlong forms, surrogates and code points
 * above U+10FFFF are invalid, as in the JDK decoder with {@link CodingErrorAction#REPORT}.
 */
public final class Utf8 {
  private Utf8() {}

  /** Whether {@code [offset, offset + length)} is well-formed UTF-8. The range must be inside the file. */
  public static boolean isValid(ModelBytes b, long offset, long length) {
    long i = offset;
    long end = offset + length;
    while (i < end) {
      int c = b.get(i) & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int n;
      int min;
      int cp;
      if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
        min = 0x80;
        cp = c & 0x1F;
      } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        min = 0x800;
        cp = c & 0x0F;
      } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        min = 0x10000;
        cp = c & 0x07;
      } else {
        return false;
      }
      if (end - i - 1 < n) {
        return false;
      }
      for (int k = 1; k <= n; k++) {
        int cc = b.get(i + k) & 0xff;
        if ((cc & 0xC0) != 0x80) {
          return false;
        }
        cp = (cp << 6) | (cc & 0x3F);
      }
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return false;
      }
      i += n + 1;
    }
    return true;
  }

  /**
   * Whether {@code [offset, offset + length)} of a buffer is well-formed UTF-8 (absolute indices; the
   * range must be inside the buffer). The ASCII run is checked without per-byte decoding.
   */
  public static boolean isValid(ByteBuffer b, int offset, int length) {
    int i = offset;
    int end = offset + length;
    while (i < end) {
      // Fast path: eight ASCII bytes at a time.
      while (i + 8 <= end && (b.getLong(i) & 0x8080808080808080L) == 0) {
        i += 8;
      }
      if (i >= end) {
        break;
      }
      int c = b.get(i) & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int n;
      int min;
      int cp;
      if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
        min = 0x80;
        cp = c & 0x1F;
      } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        min = 0x800;
        cp = c & 0x0F;
      } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        min = 0x10000;
        cp = c & 0x07;
      } else {
        return false;
      }
      if (end - i - 1 < n) {
        return false;
      }
      for (int k = 1; k <= n; k++) {
        int cc = b.get(i + k) & 0xff;
        if ((cc & 0xC0) != 0x80) {
          return false;
        }
        cp = (cp << 6) | (cc & 0x3F);
      }
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return false;
      }
      i += n + 1;
    }
    return true;
  }

  /**
   * Decodes a range already known to be valid UTF-8 and at most {@link Integer#MAX_VALUE} bytes.
   *
   * @throws IllegalArgumentException if the bytes are not valid UTF-8
   */
  public static String decode(ModelBytes b, long offset, int length) {
    ByteBuffer slice = b.slice(offset, length);
    try {
      CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(slice);
      return cb.toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not UTF-8", e);
    }
  }
}
