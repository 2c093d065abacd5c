package dev.safeload.formats.internal.onnx;

import dev.safeload.formats.internal.text.Utf8;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Structural detection of an ONNX ModelProto, which has no magic. The head is read field by field:
 *
 * <ol>
 *   <li>the first field is ir_version (tag 0x08) with a value in [1, {@link
 *       OnnxWalker#MAX_IR_VERSION}];
 *   <li>every field is a ModelProto field with its wire type, and every declared length fits the
 *       rest of the <em>file</em> (not just the head);
 *   <li>if the whole file is in the head, it must end exactly after a field, with a graph (7) and
 *       an opset_import (8);
 *   <li>if the file goes on past the head, the fields read so far must be all valid: the verdict is
 *       taken from them. A string field (producer_name, producer_version, domain, doc_string) that
 *       runs past the head must be UTF-8 as far as the head shows it (a sequence cut by the head's
 *       end is fine). So a model whose doc_string is larger than the head is still detected; a real
 *       model is never dropped because its fields are long, and the full validation decides.
 * </ol>
 */
public final class OnnxDetect {
  private OnnxDetect() {}

  public static boolean looksLikeModel(ByteBuffer head, long fileSize) {
    int n = (int) Math.min(head.remaining(), fileSize);
    if (n < 2 || (head.get(0) & 0xff) != 0x08) {
      return false;
    }
    long pos = 0;
    boolean graph = false;
    boolean opset = false;
    boolean first = true;
    while (pos < fileSize) {
      if (pos >= n) {
        return !first; // every field in the head was valid; the rest lies beyond it
      }
      long[] v = varint(head, (int) pos, n);
      if (v == null) {
        return false;
      }
      if (v[1] < 0) {
        return !first && n < fileSize; // the tag itself is cut by the head's end
      }
      long tag = v[0];
      pos = v[1];
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      int want =
          switch (f) {
            case 1, 5 -> 0;
            case 2, 3, 4, 6, 7, 8, 14, 20, 25, 26 -> 2;
            default -> -1;
          };
      if (want != wt) {
        return false;
      }
      if (first && f != 1) {
        return false;
      }
      long[] val = pos < n ? varint(head, (int) pos, n) : new long[] {0, -1};
      if (val == null) {
        return false;
      }
      if (val[1] < 0) {
        return !first && n < fileSize; // the value is cut by the head's end
      }
      if (first) {
        if (val[0] < 1 || val[0] > OnnxWalker.MAX_IR_VERSION) {
          return false;
        }
        first = false;
      }
      pos = val[1];
      if (wt == 2) {
        long len = val[0];
        if (len < 0 || len > fileSize - pos) {
          return false;
        }
        boolean text = f == 2 || f == 3 || f == 4 || f == 6;
        if (pos + len > n) {
          // Runs past the head: judge what the head shows of it, then trust the fields so far.
          return !text || utf8UpToCut(head, (int) pos, n);
        }
        pos += len;
        graph |= f == 7;
        opset |= f == 8;
      }
    }
    return pos == fileSize && graph && opset;
  }

  /** Whether {@code [from, to)} is UTF-8 except for a multi-byte sequence cut by {@code to}. */
  private static boolean utf8UpToCut(ByteBuffer b, int from, int to) {
    int p = from;
    while (p < to) {
      if ((b.get(p) & 0x80) == 0) {
        p++;
        continue;
      }
      int len = Utf8.sequenceLength(b, p, to);
      if (len < 0) {
        return cutPrefix(b, p, to);
      }
      p += len;
    }
    return true;
  }

  /** Whether {@code [p, to)} (1 to 3 bytes) can begin a well-formed multi-byte sequence. */
  private static boolean cutPrefix(ByteBuffer b, int p, int to) {
    int b0 = b.get(p) & 0xff;
    int need =
        b0 >= 0xC2 && b0 <= 0xDF
            ? 2
            : b0 >= 0xE0 && b0 <= 0xEF ? 3 : b0 >= 0xF0 && b0 <= 0xF4 ? 4 : 0;
    if (need == 0 || to - p >= need) {
      return false;
    }
    for (int i = p + 1; i < to; i++) {
      int c = b.get(i) & 0xff;
      if (c < 0x80 || c > 0xBF) {
        return false;
      }
    }
    return true;
  }

  /**
   * {value, next position}; {0, -1} if the varint is cut by {@code end}; null if it is malformed
   * (longer than 10 bytes).
   */
  private static long @Nullable [] varint(ByteBuffer b, int p, int end) {
    long v = 0;
    for (int i = 0; i < 10; i++) {
      if (p + i >= end) {
        return new long[] {0, -1};
      }
      int c = b.get(p + i) & 0xff;
      v |= (long) (c & 0x7f) << (7 * i);
      if ((c & 0x80) == 0) {
        return new long[] {v, p + i + 1};
      }
    }
    return null;
  }
}
