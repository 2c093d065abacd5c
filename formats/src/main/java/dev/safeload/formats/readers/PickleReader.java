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
 * arguments: a pickle whose first opcode carries a 70 KB string is still a pickle.
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
    long size = bytes.size();
    long p = 0;
    long ops = 0;
    boolean imports = false;
    while (p < size) {
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
        case LINE -> p = afterLine(bytes, p, size);
        case TWO_LINES -> {
          long module = p;
          long name = afterLine(bytes, p, size);
          p = name < 0 ? name : afterLine(bytes, name, size);
          // find_class imports only dotted identifiers; text that merely starts with 'c' imports
          // nothing.
          imports |= p > 0 && identifier(bytes, module, name - 1) && identifier(bytes, name, p - 1);
        }
        case FIXED -> p += width;
        case LENGTH_PREFIXED -> {
          if (p + width > size) {
            return null;
          }
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
  private static boolean identifier(ModelBytes bytes, long from, long to) {
    if (to <= from || to - from > 1024) {
      return false;
    }
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

  /** The offset after the next newline at or after {@code p}, or -1 if there is none. */
  private static long afterLine(ModelBytes bytes, long p, long size) {
    for (long i = p; i < size; i++) {
      if (bytes.get(i) == '\n') {
        return i + 1;
      }
    }
    return -1;
  }
}
