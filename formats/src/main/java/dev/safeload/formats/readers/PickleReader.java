package dev.safeload.formats.readers;

import dev.safeload.formats.internal.pickle.ArgumentShape;
import dev.safeload.formats.pickle.PickleOpcode;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.SecondReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code pickle.load}, as {@code torch.load} (legacy files), {@code numpy.load(allow_pickle=True)}
 * (a file that is neither {@code .npy} nor zip) and {@code joblib} reach it: it runs opcodes from
 * offset 0 until {@code STOP}. A file whose bytes decode as a pickle stream that imports a callable
 * ({@code GLOBAL}, {@code INST}, {@code STACK_GLOBAL}) and then calls it or reaches {@code STOP}
 * runs code in that reader, whatever a handler accepted it as; a stream that breaks after the call
 * (the "broken pickle" of the nullifAI models) has run it all the same.
 *
 * <p>Decoding is structural only (opcodes and argument lengths, no stack), so it never needs more
 * than one pass: each opcode costs O(1) plus its argument's length, and an argument that runs past
 * the end of the file ends the decoding. It reads through the whole stream, however long its
 * arguments: a pickle whose first opcode carries a 70 KB string is still a pickle, and so is one
 * whose first text line (UNICODE, STRING, FLOAT: CPython reads a line of any length, and a C parser
 * stops at its first NUL) runs through gigabytes of zeros before its newline. So a text argument is
 * searched to its newline however far away it is, but each byte is examined at most once (and the
 * at most 1 KiB of a global's two lines twice), eight bytes at a time: the work is linear in the
 * file and does not depend on what it holds.
 */
public final class PickleReader implements SecondReader {

  @Override
  public String id() {
    return "pickle";
  }

  @Override
  public Set<String> formats() {
    // Their own readers already judged the pickle: legacy PyTorch starts with pickles.
    return Set.of("pickle", "pytorch", "numpy");
  }

  @Override
  public @Nullable String opens(ModelBytes bytes) {
    return opens(bytes, new long[1]);
  }

  /**
   * {@link #opens(ModelBytes)}, adding to {@code examined[0]} the number of bytes it read (for the
   * linearity tests).
   */
  static @Nullable String opens(ModelBytes bytes, long[] examined) {
    long size = bytes.size();
    long p = 0;
    long ops = 0;
    boolean imports = false;
    while (p < size) {
      examined[0]++;
      PickleOpcode op = PickleOpcode.of(bytes.get(p) & 0xff);
      if (op == null) {
        return null;
      }
      p++;
      ops++;
      if (op == PickleOpcode.STOP) {
        return imports
            ? "a pickle stream of "
                + ops
                + " opcodes that imports a callable, ending at "
                + "offset "
                + p
            : null;
      }
      if (imports && CALLS.contains(op)) {
        // pickle.load has run code by now, whatever follows (a "broken" pickle never reaches STOP).
        return "a pickle stream that imports a callable and calls it at offset " + (p - 1);
      }
      imports |= op == PickleOpcode.STACK_GLOBAL;
      int width = ArgumentShape.width(op);
      switch (ArgumentShape.of(op)) {
        case LINE -> p = afterLine(bytes, p, size, examined);
        case TWO_LINES -> {
          long module = p;
          long name = afterLine(bytes, p, size, examined);
          p = name < 0 ? name : afterLine(bytes, name, size, examined);
          // find_class imports only dotted identifiers; text that merely starts with 'c' imports
          // nothing.
          imports |=
              p > 0
                  && identifier(bytes, module, name - 1, examined)
                  && identifier(bytes, name, p - 1, examined);
        }
        case FIXED -> p += width;
        case LENGTH_PREFIXED -> {
          if (p + width > size) {
            return null;
          }
          examined[0] += width;
          long arg = width == 1 ? bytes.get(p) & 0xff : le(bytes, p, width);
          if (arg < 0 || arg > size) {
            return null;
          }
          p += width + arg;
        }
        case NONE -> {}
      }
      if (op == PickleOpcode.INST && imports && p > 0) {
        return "a pickle stream that imports and calls a callable (INST) before offset " + p;
      }
      if (p < 0 || p > size) {
        return null;
      }
    }
    return null;
  }

  /**
   * Opcodes that call what was imported: REDUCE, BUILD (setstate), OBJ, INST, NEWOBJ, NEWOBJ_EX.
   */
  private static final java.util.Set<PickleOpcode> CALLS =
      java.util.EnumSet.of(
          PickleOpcode.REDUCE,
          PickleOpcode.BUILD,
          PickleOpcode.OBJ,
          PickleOpcode.INST,
          PickleOpcode.NEWOBJ,
          PickleOpcode.NEWOBJ_EX);

  /** Whether {@code [from, to)} is a non-empty run of ASCII letters, digits, '_' and '.'. */
  private static boolean identifier(ModelBytes bytes, long from, long to, long[] examined) {
    if (to <= from || to - from > 1024) {
      return false;
    }
    examined[0] += to - from;
    for (long i = from; i < to; i++) {
      int c = bytes.get(i) & 0xff;
      if (!(c >= 'a' && c <= 'z'
          || c >= 'A' && c <= 'Z'
          || c >= '0' && c <= '9'
          || c == '_'
          || c == '.')) {
        return false;
      }
    }
    return true;
  }

  private static long le(ModelBytes bytes, long at, int n) {
    ByteBuffer b = bytes.slice(at, n).order(ByteOrder.LITTLE_ENDIAN);
    return n == 4 ? b.getInt(0) & 0xffff_ffffL : b.getLong(0);
  }

  /** Bytes searched per slice: zero-copy views, except across the loader's 1 GiB chunks. */
  private static final int SEARCH = 1 << 16;

  private static final long NEWLINES = 0x0a0a_0a0a_0a0a_0a0aL;
  private static final long LOW_BITS = 0x0101_0101_0101_0101L;
  private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

  /**
   * The offset after the next newline at or after {@code p}, or -1 if there is none. Reads slices
   * of {@link #SEARCH} bytes and tests eight bytes per step (a word with a newline byte XORed with
   * newlines has a zero byte, which the borrow test finds); each byte is examined once.
   */
  private static long afterLine(ModelBytes bytes, long p, long size, long[] examined) {
    for (long at = p; at < size; ) {
      int n = (int) Math.min(SEARCH, size - at);
      ByteBuffer b = bytes.slice(at, n);
      int i = 0;
      for (; i + 8 <= n; i += 8) {
        long x = b.getLong(i) ^ NEWLINES;
        if (((x - LOW_BITS) & ~x & HIGH_BITS) != 0) {
          break; // a newline among these eight bytes
        }
      }
      for (; i < n; i++) {
        if (b.get(i) == '\n') {
          examined[0] += i + 1;
          return at + i + 1;
        }
      }
      examined[0] += n;
      at += n;
    }
    return -1;
  }
}
