package dev.safeload.formats.internal.onnx;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Structural detection of an ONNX ModelProto, which has no magic: the first field is ir_version
 * (tag 0x08) with a plausible value, every top-level field seen is a ModelProto field with its wire
 * type, a graph (field 7) is present, and if the whole file fits the head, an opset_import (8) too.
 */
public final class OnnxDetect {
  private OnnxDetect() {}

  public static boolean looksLikeModel(ByteBuffer head, long fileSize) {
    int n = head.remaining();
    if (n < 2 || (head.get(0) & 0xff) != 0x08) {
      return false;
    }
    long pos = 0;
    boolean graph = false;
    boolean opset = false;
    boolean first = true;
    while (pos < fileSize) {
      if (pos >= n) {
        return graph; // the rest lies beyond the head: judge by what was seen
      }
      long[] v = varint(head, (int) pos);
      if (v == null) {
        return false;
      }
      long tag = v[0];
      pos = v[1];
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      int want = switch (f) {
        case 1, 5 -> 0;
        case 2, 3, 4, 6, 7, 8, 14, 20, 25, 26 -> 2;
        default -> -1;
      };
      if (want != wt) {
        return false;
      }
      if (pos >= n) {
        return false;
      }
      long[] val = varint(head, (int) pos);
      if (val == null) {
        return false;
      }
      if (first) {
        if (f != 1 || val[0] < 1 || val[0] > OnnxWalker.MAX_IR_VERSION) {
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
        pos += len;
        graph |= f == 7;
        opset |= f == 8;
      }
    }
    return pos == fileSize && graph && opset;
  }

  /** {value, next position} or null if the varint is malformed or leaves the head. */
  private static long @Nullable [] varint(ByteBuffer b, int p) {
    long v = 0;
    for (int i = 0; i < 10; i++) {
      if (p + i >= b.limit()) {
        return null;
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
