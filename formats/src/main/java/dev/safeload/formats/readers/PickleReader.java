package dev.safeload.formats.readers;

import dev.safeload.formats.internal.pickle.ArgumentShape;
import dev.safeload.formats.pickle.PickleOpcode;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.SecondReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code pickle.load}, as {@code torch.load} (legacy files), {@code numpy.load(allow_pickle=True)}
 * (a file that is neither {@code .npy} nor zip) and {@code joblib} reach it: it runs opcodes from
 * offset 0 until {@code STOP}. A file whose bytes decode as a pickle stream that imports a callable
 * ({@code GLOBAL}, {@code INST}, {@code STACK_GLOBAL}) and then calls it, changes it in place
 * ({@code APPEND}, {@code SETITEM}, ...: {@code sys.path}, {@code os.environ}) or reaches {@code
 * STOP} runs code in that reader, whatever a handler accepted it as; a stream that breaks after the
 * call (the "broken pickle" of the nullifAI models) has run it all the same. A STOP without an
 * import does not end the reading when bytes follow: torch.load's legacy reader unpickles five
 * pickles in a row (magic number, protocol version, sys_info, the object, the storage keys), so a
 * call in a later one runs too.
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
    // One forward pass through the file's stream: the loader reads it with read() into a small
    // buffer rather than through a mapping, so walking gigabytes keeps memory bounded.
    try (Cursor in = new Cursor(bytes.openStream(0), bytes.size())) {
      return decode(in, bytes.size(), examined);
    } catch (IOException e) {
      // The loader's bytes stopped matching their recorded size: the file changed under us.
      throw new UncheckedIOException(e);
    }
  }

  private static @Nullable String decode(Cursor in, long size, long[] examined) throws IOException {
    long p = 0;
    long ops = 0;
    boolean imports = false;
    byte[] module = new byte[MAX_IDENTIFIER];
    byte[] global = new byte[MAX_IDENTIFIER];
    while (p < size) {
      examined[0]++;
      PickleOpcode op = PickleOpcode.of(in.at(p));
      if (op == null) {
        return null;
      }
      p++;
      ops++;
      if (op == PickleOpcode.STOP) {
        if (imports) {
          return "a pickle stream of "
              + ops
              + " opcodes that imports a callable, ending at "
              + "offset "
              + p;
        }
        continue; // the next pickle, if bytes follow (torch.load's legacy reader reads five)
      }
      if (imports && CALLS.contains(op)) {
        // pickle.load has run code by now, whatever follows (a "broken" pickle never reaches STOP).
        return "a pickle stream that imports a global and calls or changes it ("
            + op
            + ") at offset "
            + (p - 1);
      }
      imports |= op == PickleOpcode.STACK_GLOBAL;
      int width = ArgumentShape.width(op);
      switch (ArgumentShape.of(op)) {
        case LINE -> p = in.afterLine(p, NO_COPY, examined);
        case TWO_LINES -> {
          long moduleAt = p;
          long name = in.afterLine(p, module, examined);
          p = name < 0 ? name : in.afterLine(name, global, examined);
          // find_class imports only dotted identifiers; text that merely starts with 'c' imports
          // nothing.
          imports |=
              p > 0
                  && identifier(module, name - 1 - moduleAt, examined)
                  && identifier(global, p - 1 - name, examined);
        }
        case FIXED -> p += width;
        case LENGTH_PREFIXED -> {
          if (p + width > size) {
            return null;
          }
          examined[0] += width;
          long arg = in.le(p, width);
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
   * Opcodes that call what was imported: REDUCE, BUILD (setstate), OBJ, INST, NEWOBJ, NEWOBJ_EX;
   * and those that change it in place through its own methods: APPEND(S), SETITEM(S), ADDITEMS.
   * {@code csys\npath\nS'/tmp/x'\na} appends to {@code sys.path} and {@code os.environ}'s SETITEM
   * calls putenv, so the next import or child process runs the attacker's code, and a stream that
   * breaks right after has done it all the same.
   */
  private static final java.util.Set<PickleOpcode> CALLS =
      java.util.EnumSet.of(
          PickleOpcode.REDUCE,
          PickleOpcode.BUILD,
          PickleOpcode.OBJ,
          PickleOpcode.INST,
          PickleOpcode.NEWOBJ,
          PickleOpcode.NEWOBJ_EX,
          PickleOpcode.APPEND,
          PickleOpcode.APPENDS,
          PickleOpcode.SETITEM,
          PickleOpcode.SETITEMS,
          PickleOpcode.ADDITEMS);

  /** For a line whose text is not looked at. */
  private static final byte[] NO_COPY = new byte[0];

  /** Bytes of a global's module or name line kept and examined (see {@link #identifier}). */
  private static final int MAX_IDENTIFIER = 1024;

  /**
   * Whether a line of {@code length} bytes, whose first bytes {@code line} holds, is a non-empty
   * run of ASCII letters, digits, '_' and '.'. A line longer than {@link #MAX_IDENTIFIER} is judged
   * by the bytes kept: after PROTO 4 find_class follows a global's name as a dotted path of any
   * length ({@code os} then {@code path.os.path.os...system} is os.system).
   */
  private static boolean identifier(byte[] line, long length, long[] examined) {
    if (length <= 0) {
      return false;
    }
    int kept = (int) Math.min(length, MAX_IDENTIFIER);
    examined[0] += kept;
    for (int i = 0; i < kept; i++) {
      int c = line[i] & 0xff;
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

  /** Bytes buffered from the stream: the only memory the search holds, whatever the file size. */
  private static final int SEARCH = 1 << 16;

  private static final long NEWLINES = 0x0a0a_0a0a_0a0a_0a0aL;
  private static final long LOW_BITS = 0x0101_0101_0101_0101L;
  private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

  /**
   * A forward-only window on the file's stream. Positions only grow; bytes between two positions
   * asked for are skipped without being read (the stream's {@code skip} touches nothing).
   */
  private static final class Cursor implements AutoCloseable {
    private final InputStream in;
    private final long size;
    private final byte[] buf = new byte[SEARCH];
    private final ByteBuffer words = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    private long start; // file offset of buf[0]
    private int len; // valid bytes in buf
    private long streamAt; // file offset of the stream's next byte

    Cursor(InputStream in, long size) {
      this.in = in;
      this.size = size;
    }

    /** Makes the window start at {@code p} (at or after every position asked for so far). */
    private void load(long p) throws IOException {
      if (p < streamAt) {
        throw new IllegalStateException("the cursor only moves forward: " + p + " < " + streamAt);
      }
      long gap = p - streamAt;
      while (gap > 0) {
        long k = in.skip(gap);
        if (k <= 0) {
          throw new IOException("the stream ended at " + streamAt + " of " + size);
        }
        gap -= k;
        streamAt += k;
      }
      int want = (int) Math.min(buf.length, size - p);
      int n = 0;
      while (n < want) {
        int r = in.read(buf, n, want - n);
        if (r < 0) {
          throw new IOException("the stream ended at " + (p + n) + " of " + size);
        }
        n += r;
      }
      start = p;
      len = n;
      streamAt = p + n;
    }

    /** The byte at {@code p}, which is below the file size. */
    int at(long p) throws IOException {
      if (p < start || p >= start + len) {
        load(p);
      }
      return buf[(int) (p - start)] & 0xff;
    }

    /** The little-endian unsigned 1- or 4-byte, or signed 8-byte, value at {@code p}. */
    long le(long p, int width) throws IOException {
      long v = 0;
      for (int i = 0; i < width; i++) { // in file order: the window only moves forward
        v |= (long) at(p + i) << (8 * i);
      }
      return width == 4 ? v & 0xffff_ffffL : v;
    }

    /**
     * The offset after the next newline at or after {@code p}, or -1 if there is none; copies the
     * line's first bytes into {@code line} (as many as it holds). Tests eight bytes per step (a
     * word with a newline byte XORed with newlines has a zero byte, which the borrow test finds);
     * each byte is examined once.
     */
    long afterLine(long p, byte[] line, long[] examined) throws IOException {
      long at = p;
      while (at < size) {
        if (at < start || at >= start + len) {
          load(at);
        }
        int from = (int) (at - start);
        int i = from;
        for (; i + 8 <= len; i += 8) {
          long x = words.getLong(i) ^ NEWLINES;
          if (((x - LOW_BITS) & ~x & HIGH_BITS) != 0) {
            break; // a newline among these eight bytes
          }
        }
        for (; i < len && buf[i] != '\n'; i++) {}
        long end = start + i; // the newline's offset, or the window's end
        copyLine(p, at, end, line);
        if (i < len) {
          examined[0] += end + 1 - p;
          return end + 1;
        }
        at = end;
      }
      examined[0] += size - p;
      return -1;
    }

    /** Copies the part of {@code [from, to)} that lies within the line's first bytes. */
    private void copyLine(long lineStart, long from, long to, byte[] line) {
      long stop = Math.min(to, lineStart + line.length);
      if (from < stop) {
        System.arraycopy(
            buf, (int) (from - start), line, (int) (from - lineStart), (int) (stop - from));
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
