package dev.safeload.formats.internal.pickle;

import dev.safeload.formats.pickle.PickleOpcode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Format detection only: whether the first bytes decode as a sequence of pickle opcodes. Used for
 * protocol 0 and 1 pickles, which have no magic number. Never a verdict on safety.
 *
 * <p>Detection must not give up where {@code pickle.load} would carry on: when the head shown to
 * detection is shorter than the file, an opcode whose argument runs past the end of the head (a 70
 * KB string as the first opcode) still makes the file a pickle, as long as the argument fits in the
 * file and the part of it that is visible is valid for the opcode.
 */
public final class PickleSkim {
  private PickleSkim() {}

  /**
   * True if the head decodes as opcodes up to a STOP; or, when the head holds the whole file, for
   * at least {@code minOps} opcodes until the file ends at an opcode boundary (a broken pickle:
   * what ran before the break has run); or, when the file is longer than the head, if every opcode
   * is valid up to the end of the head (including one whose argument runs past it into the rest of
   * the file).
   *
   * @param fileSize the size of the whole file the head starts
   */
  public static boolean plausible(ByteBuffer head, int minOps, long fileSize) {
    ByteBuffer b = head.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int start = b.position();
    int p = start;
    int end = b.limit();
    boolean more = fileSize > end - start; // the file goes on after the head
    int ops = 0;
    boolean imports = false;
    if (end - p > 4 && (b.get(p) == 'c' || b.get(p) == 'i')) {
      // GLOBAL/INST 'module\nname\n' as the first opcode: a protocol 0/1 pickle importing
      // something,
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
      int opAt = p;
      p++;
      ops++;
      if (op == PickleOpcode.STOP) {
        return ops >= 2;
      }
      int width = ArgumentShape.width(op);
      switch (ArgumentShape.of(op)) {
        case LINE -> {
          p = skipLine(b, p, end);
          if (p < 0) {
            return more && partialLine(b, op, opAt + 1, end);
          }
        }
        case TWO_LINES -> {
          int q = skipLine(b, p, end);
          p = q < 0 ? q : skipLine(b, q, end);
          if (p < 0) {
            // module (and perhaps name) run past the head: what is visible must read as names
            return more && identifierPrefix(b, opAt + 1, end);
          }
          imports |= identifier(b, opAt + 1, q - 1) && identifier(b, q, p - 1);
        }
        case FIXED -> p += width;
        case LENGTH_PREFIXED -> {
          if (p + width > end) {
            return more && ops >= 1;
          }
          long arg =
              width == 1 ? b.get(p) & 0xff : width == 4 ? b.getInt(p) & 0xffff_ffffL : b.getLong(p);
          if (arg < 0 || (op == PickleOpcode.BINSTRING && b.getInt(p) < 0)) {
            return false; // a negative length: pickle.load raises
          }
          if (arg > end - p - width) {
            // the argument runs past the head: a pickle if it fits in the file
            return more && arg <= fileSize - (p - start) - width;
          }
          p = (int) (p + width + arg);
        }
        case NONE -> {}
      }
      if (p < 0) {
        return false;
      }
      if (p > end) {
        // a fixed-size argument cut by the end of the head
        return more;
      }
    }
    // Every opcode in the head was valid. A longer file is read on by pickle.load; a file that ends
    // here without STOP is a broken pickle (what ran before the break has run) if it imported
    // something or enough of it ran to be more than chance.
    return more ? ops >= 1 : ops >= minOps || imports;
  }

  /**
   * The visible start of a text argument (the head ends before its newline) is valid for the
   * opcode.
   */
  private static boolean partialLine(ByteBuffer b, PickleOpcode op, int from, int end) {
    for (int i = from; i < end; i++) {
      int c = b.get(i) & 0xff;
      boolean ok =
          switch (op) {
            case INT, LONG, GET, PUT ->
                (c >= '0' && c <= '9')
                    || (c == '-' && i == from && op != PickleOpcode.GET && op != PickleOpcode.PUT);
            case FLOAT ->
                (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '+'
                    || c == '.'
                    || c == 'e'
                    || c == 'E'
                    || c == 'i'
                    || c == 'n'
                    || c == 'f'
                    || c == 'a';
            case STRING -> i > from || c == '\'' || c == '"';
            default -> true; // UNICODE (raw-unicode-escape) and PERSID take any byte but a newline
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Bytes from {@code from} to the head's end read as 'module\nname' cut anywhere. */
  private static boolean identifierPrefix(ByteBuffer b, int from, int end) {
    int newlines = 0;
    for (int i = from; i < end; i++) {
      int c = b.get(i);
      if (c == '\n') {
        newlines++;
        if (newlines > 1 || i == from) {
          return false;
        }
      } else if (!(Character.isLetterOrDigit(c) || c == '_' || c == '.') || c >= 0x80 || c < 0) {
        return false;
      }
    }
    return true;
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
