package dev.safeload.formats.internal.pickle;

import dev.safeload.formats.pickle.PickleOpcode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Format detection only: whether the first bytes decode as a sequence of pickle opcodes. Used for
 * protocol 0 and 1 pickles, which have no magic number. Never a verdict on safety.
 */
public final class PickleSkim {
  private PickleSkim() {}

  /**
   * True if the head decodes as opcodes up to a STOP, or for at least {@code minOps} opcodes
   * until the head ends at an opcode boundary.
   */
  public static boolean plausible(ByteBuffer head, int minOps) {
    ByteBuffer b = head.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int p = b.position();
    int end = b.limit();
    int ops = 0;
    if (end - p > 4 && (b.get(p) == 'c' || b.get(p) == 'i')) {
      // GLOBAL/INST 'module\nname\n' as the first opcode: a protocol 0/1 pickle importing something,
      // even if a later argument is truncated (the nullifAI "broken pickle" shape).
      int q = skipLine(b, p + 1, end);
      int r = q < 0 ? -1 : skipLine(b, q, end);
      if (r > 0 && identifier(b, p + 1, q - 1) && identifier(b, q, r - 1)) {
        return true;
      }
    }
    while (p < end) {
      PickleOpcode op = PickleOpcode.of(b.get(p));
      if (op == null) {
        return false;
      }
      p++;
      ops++;
      long arg;
      switch (op) {
        case STOP:
          return ops >= 2;
        case FLOAT, INT, LONG, PERSID, STRING, UNICODE, GET, PUT:
          p = skipLine(b, p, end);
          break;
        case GLOBAL, INST:
          p = skipLine(b, p, end);
          p = p < 0 ? p : skipLine(b, p, end);
          break;
        case BININT1, BINGET, BINPUT, PROTO, EXT1:
          p += 1;
          break;
        case BININT2, EXT2:
          p += 2;
          break;
        case BININT, LONG_BINGET, LONG_BINPUT, EXT4:
          p += 4;
          break;
        case BINFLOAT, FRAME:
          p += 8;
          break;
        case SHORT_BINSTRING, LONG1, SHORT_BINBYTES, SHORT_BINUNICODE:
          if (p + 1 > end) {
            return false;
          }
          arg = b.get(p) & 0xff;
          p = (int) Math.min(Integer.MAX_VALUE, p + 1 + arg);
          break;
        case BINSTRING, BINUNICODE, LONG4, BINBYTES:
          if (p + 4 > end) {
            return false;
          }
          arg = b.getInt(p) & 0xffff_ffffL;
          p = (int) Math.min(Integer.MAX_VALUE, p + 4 + arg);
          break;
        case BINUNICODE8, BINBYTES8, BYTEARRAY8:
          if (p + 8 > end) {
            return false;
          }
          arg = b.getLong(p);
          p = arg < 0 || arg > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.min(Integer.MAX_VALUE, p + 8 + arg);
          break;
        default:
          break;
      }
      if (p < 0 || p > end) {
        return false;
      }
    }
    return ops >= minOps;
  }

  private static boolean identifier(ByteBuffer b, int from, int to) {
    if (to <= from) {
      return false;
    }
    for (int i = from; i < to; i++) {
      int c = b.get(i);
      if (!(Character.isLetterOrDigit(c) || c == '_' || c == '.') || c >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static int skipLine(ByteBuffer b, int p, int end) {
    for (int i = p; i < end; i++) {
      if (b.get(i) == '\n') {
        return i + 1;
      }
    }
    return -1;
  }
}
