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
 * {@code pickle.load}, as {@code torch.load} (legacy files), {@code numpy.load(allow_pickle=True)} (a
 * file that is neither {@code .npy} nor zip) and {@code joblib} reach it: it runs opcodes from offset
 * 0 until {@code STOP}. A file whose bytes decode as a complete pickle stream that imports a callable
 * ({@code GLOBAL}, {@code INST}, {@code STACK_GLOBAL}) runs code in that reader, whatever a handler
 * accepted it as.
 *
 * <p>Decoding is structural only (opcodes and argument lengths, no stack), so it never needs more than
 * one pass: each opcode costs O(1) plus its argument's length, and an argument that runs past the end
 * of the file ends the decoding. It reads through the whole stream, however long its arguments: a
 * pickle whose first opcode carries a 70 KB string is still a pickle.
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
        return imports ? "a pickle stream of " + ops + " opcodes that imports a callable, ending at "
            + "offset " + p : null;
      }
      imports |= op == PickleOpcode.GLOBAL || op == PickleOpcode.INST || op == PickleOpcode.STACK_GLOBAL;
      int width = ArgumentShape.width(op);
      switch (ArgumentShape.of(op)) {
        case LINE -> p = afterLine(bytes, p, size);
        case TWO_LINES -> {
          p = afterLine(bytes, p, size);
          p = p < 0 ? p : afterLine(bytes, p, size);
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
        case NONE -> { }
      }
      if (p < 0 || p > size) {
        return null;
      }
    }
    return null;
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
