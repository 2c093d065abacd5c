import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * What a JVM loop over a {@code torch.save} data.pkl costs at the least, measured beside the pickle
 * machine (PickleThroughput) so that the machine's distance from it is a figure, not a claim. No
 * rule, no limit, no finding: four loops over the same bytes, each doing what the one before does and more.
 *
 * <ul>
 *   <li>{@code decode}: reads each opcode byte, dispatches on it and skips its argument (reading
 *       only the lengths it needs to skip);
 *   <li>{@code dispatch}: the same, each opcode to a case of its own (as the machine has a handler
 *       for each), counting them;
 *   <li>{@code stack}: the same, plus the data flow every unpickler has: a stack of references,
 *       marks, and a memo in pages of 1,024 slots written by BINPUT/LONG_BINPUT and read by BINGET;
 *       every value is one shared placeholder, so nothing is allocated per opcode. As the machine
 *       is built: the loop's state (position, stack pointer, the opcode's offset) in fields, each
 *       opcode in a small method of its own;
 *   <li>{@code values}: the same, plus the objects the machine allocates, of the same kinds and
 *       sizes (a str and its String, a tuple and its item array, size and stride tuples sharing
 *       their array with the first equal one, the empty tuple, the storage, the OrderedDict and its
 *       list, the tensor), without any check on them.
 * </ul>
 *
 * Only the opcodes a protocol-2 {@code torch.save} pickle uses are decoded; any other byte stops
 * the run. Thread CPU time per pass, median after as many warm-up passes, ns per opcode, and the
 * bytes one pass allocates (compare with PickleThroughput's figure for the machine).
 *
 *   java PickleFloor.java many.pkl values 40
 */
public class PickleFloor {

  /** A str: the machine's StrV (a record holding the String). */
  static final class Str {
    final String value;

    Str(String value) {
      this.value = value;
    }
  }

  /** A tuple: the machine's TupleV has the same fields (two marks, array, dims, pure call, height). */
  static final class Tup {
    boolean immutable;
    boolean plain;
    final Object[] items;
    long[] dims;
    Object pureResult;
    Object pureCallee;
    final int height;

    Tup(Object[] items) {
      this.items = items;
      this.height = 1;
    }
  }

  /** The machine's StorageV. */
  static final class Storage {
    final String key;
    final String dtype;
    final int elementSize;
    final long numel;
    final String location;

    Storage(String key, String dtype, int elementSize, long numel, String location) {
      this.key = key;
      this.dtype = dtype;
      this.elementSize = elementSize;
      this.numel = numel;
      this.location = location;
    }
  }

  /** The machine's DictV: marks, a list, three fields. */
  static final class Dict {
    boolean immutable;
    boolean plain;
    final ArrayList<Object> items = new ArrayList<>();
    final boolean ordered = true;
    final boolean counter = false;
    Object state;
  }

  /** The machine's TensorV. */
  static final class Tensor {
    final Storage storage;
    final long offset;
    final long[] size;
    final long[] stride;
    final boolean parameter;

    Tensor(Storage storage, long offset, long[] size, long[] stride) {
      this.storage = storage;
      this.offset = offset;
      this.size = size;
      this.stride = stride;
      this.parameter = false;
    }
  }

  static final Object PLACEHOLDER = new Object();
  static final Object REBUILD = new Object();
  static final Object ORDERED_DICT = new Object();
  static final Object[] NONE = {};
  static final long[] DIMS = {2};
  static final Object[] SMALL = new Object[256];

  static {
    for (int i = 0; i < SMALL.length; i++) {
      SMALL[i] = Long.valueOf(i);
    }
  }

  final byte[] b;
  final char[] scratch = new char[256];

  PickleFloor(byte[] b) {
    this.b = b;
  }

  private int u32(int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | b[at + 3] << 24;
  }

  /** Level 1: opcodes decoded, arguments skipped. Returns the opcodes decoded. */
  long decode() {
    byte[] b = this.b;
    int pos = 0;
    long ops = 0;
    while (true) {
      int code = b[pos++] & 0xff;
      ops++;
      switch (code) {
        case 'q', 'h', 'K', 0x80 -> pos += 1; // BINPUT, BINGET, BININT1, PROTO
        case 'r', 'j' -> pos += 4; // LONG_BINPUT, LONG_BINGET
        case 'X' -> pos += 4 + u32(pos); // BINUNICODE
        case 'c' -> { // GLOBAL: two lines
          while (b[pos++] != '\n') {}
          while (b[pos++] != '\n') {}
        }
        case '(', 't', 0x85, 0x86, 0x87, 'Q', 0x88, 0x89, ')', 'R', 'u', '}' -> {}
        case '.' -> {
          return ops;
        }
        default -> throw new IllegalStateException("opcode " + code + " at " + (pos - 1));
      }
    }
  }

  /**
   * Level 1b: the same, each opcode to a case of its own (as the machine's handlers are), each
   * counting into its own slot. Returns the opcodes decoded.
   */
  long dispatch() {
    byte[] b = this.b;
    long[] n = new long[20];
    int pos = 0;
    while (true) {
      int code = b[pos++] & 0xff;
      switch (code) {
        case 0x80 -> { // PROTO
          pos++;
          n[0]++;
        }
        case 'q' -> { // BINPUT
          pos++;
          n[1]++;
        }
        case 'r' -> { // LONG_BINPUT
          pos += 4;
          n[2]++;
        }
        case 'h' -> { // BINGET
          pos++;
          n[3]++;
        }
        case 'j' -> { // LONG_BINGET
          pos += 4;
          n[4]++;
        }
        case 'K' -> { // BININT1
          pos++;
          n[5]++;
        }
        case 'X' -> { // BINUNICODE
          pos += 4 + u32(pos);
          n[6]++;
        }
        case 'c' -> { // GLOBAL
          while (b[pos++] != '\n') {}
          while (b[pos++] != '\n') {}
          n[7]++;
        }
        case '(' -> n[8]++;
        case 't' -> n[9]++;
        case 0x85, 0x86, 0x87 -> n[10]++;
        case 'Q' -> n[11]++;
        case 0x88, 0x89 -> n[12]++;
        case ')' -> n[13]++;
        case 'R' -> n[14]++;
        case 'u' -> n[15]++;
        case '}' -> n[16]++;
        case '.' -> {
          long ops = 1;
          for (long k : n) {
            ops += k;
          }
          return ops;
        }
        default -> throw new IllegalStateException("opcode " + code + " at " + (pos - 1));
      }
    }
  }

  /**
   * Levels {@code stack} and {@code values}: the loop's state (position, stack pointer, the opcode's
   * offset) in fields and each opcode in a small method of its own, as the machine is built (so
   * that every handler can fail with the opcode's offset and each rule lives in one place); with
   * {@code values}, the objects too. Returns the opcodes decoded.
   */
  long run(boolean values) {
    return new Handlers(b, scratch, values).run();
  }

  static final class Handlers {
    final byte[] b;
    final char[] scratch;
    Object[] stack = new Object[64];
    int sp;
    int[] marks = new int[16];
    int nm;
    Object[][] memo = new Object[64][];
    Tup firstSize;
    int pos;
    int opStart;
    final boolean values;

    Handlers(byte[] b, char[] scratch, boolean values) {
      this.b = b;
      this.scratch = scratch;
      this.values = values;
    }

    long run() {
      long ops = 0;
      while (true) {
        opStart = pos;
        int code = b[pos++] & 0xff;
        ops++;
        switch (code) {
          case 0x80 -> pos++;
          case '}' -> push(values ? new Dict() : PLACEHOLDER);
          case 'q', 'r' -> memoWrite(code);
          case 'h', 'j' -> memoRead(code);
          case '(' -> mark();
          case 'K' -> binInt1();
          case 'X' -> binUnicode();
          case 'c' -> global();
          case 't' -> tuple();
          case 0x85 -> tuple1();
          case 'Q' -> persId();
          case 0x88, 0x89 -> push(code == 0x88 ? Boolean.TRUE : Boolean.FALSE);
          case ')' -> push(values ? new Tup(NONE) : PLACEHOLDER);
          case 'R' -> reduce();
          case 'u' -> setItems();
          case '.' -> {
            return ops;
          }
          default -> throw new IllegalStateException("opcode " + code + " at " + opStart);
        }
      }
    }

    private int u32() {
      int v = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8 | (b[pos + 2] & 0xff) << 16 | b[pos + 3] << 24;
      pos += 4;
      return v;
    }

    private void push(Object v) {
      if (sp == stack.length) {
        stack = Arrays.copyOf(stack, sp * 2);
      }
      stack[sp++] = v;
    }

    private void memoWrite(int code) {
      int idx = code == 'q' ? b[pos++] & 0xff : u32();
      if (idx >>> 10 >= memo.length) {
        memo = Arrays.copyOf(memo, Math.max((idx >>> 10) + 1, memo.length * 2));
      }
      Object[] page = memo[idx >>> 10];
      if (page == null) {
        page = memo[idx >>> 10] = new Object[1024];
      }
      page[idx & 1023] = stack[sp - 1];
    }

    private void memoRead(int code) {
      int idx = code == 'h' ? b[pos++] & 0xff : u32();
      push(memo[idx >>> 10][idx & 1023]);
    }

    private void binInt1() {
      int v = b[pos++] & 0xff;
      push(values ? SMALL[v] : PLACEHOLDER); // small ints from a table made once, as IntV.of
    }

    private void mark() {
      if (nm == marks.length) {
        marks = Arrays.copyOf(marks, nm * 2);
      }
      marks[nm++] = sp;
    }

    private void binUnicode() {
      int n = u32();
      for (int i = 0; values && i < n; i++) {
        scratch[i] = (char) b[pos + i];
      }
      pos += n;
      push(values ? new Str(new String(scratch, 0, n)) : PLACEHOLDER);
    }

    private void global() {
      int at = pos;
      while (b[pos++] != '\n') {}
      while (b[pos++] != '\n') {}
      String s = new String(b, at, pos - at, StandardCharsets.US_ASCII);
      push(s.contains("OrderedDict") ? ORDERED_DICT : s.contains("rebuild") ? REBUILD : PLACEHOLDER);
    }

    private void tuple() {
      int from = marks[--nm];
      Object t = PLACEHOLDER;
      if (values) {
        Object[] items = new Object[sp - from];
        System.arraycopy(stack, from, items, 0, items.length);
        t = new Tup(items);
      }
      Arrays.fill(stack, from, sp, null);
      sp = from;
      push(t);
    }

    private void tuple1() {
      if (!values) {
        return; // the placeholder stands for the tuple
      }
      Tup t;
      if (firstSize == null) {
        t = firstSize = new Tup(new Object[] {stack[sp - 1]});
      } else {
        t = new Tup(firstSize.items); // sizes and strides share the first equal tuple's array
      }
      stack[sp - 1] = t;
    }

    private void persId() {
      Object pid = stack[sp - 1];
      stack[sp - 1] =
          values
              ? new Storage(((Str) ((Tup) pid).items[2]).value, "float32", 4, 2, "cpu")
              : PLACEHOLDER;
    }

    private void reduce() {
      Object args = stack[--sp];
      Object callee = stack[sp - 1];
      stack[sp - 1] =
          !values
              ? PLACEHOLDER
              : callee == ORDERED_DICT
                  ? new Dict()
                  : new Tensor((Storage) ((Tup) args).items[0], 0, DIMS, DIMS);
    }

    private void setItems() {
      int from = marks[--nm];
      if (values) {
        ArrayList<Object> items = ((Dict) stack[from - 1]).items;
        for (int i = from; i < sp; i++) {
          items.add(stack[i]);
        }
      }
      Arrays.fill(stack, from, sp, null);
      sp = from;
    }
  }

  static long cpu() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  long pass(String level) {
    return switch (level) {
      case "decode" -> decode();
      case "dispatch" -> dispatch();
      case "stack" -> run(false);
      case "values" -> run(true);
      default -> throw new IllegalArgumentException(level);
    };
  }

  public static void main(String[] a) throws Exception {
    byte[] bytes = Files.readAllBytes(Path.of(a[0]));
    String level = a[1];
    int passes = a.length > 2 ? Integer.parseInt(a[2]) : 40;
    PickleFloor f = new PickleFloor(bytes);
    long ops = f.pass(level);
    long[] t = new long[passes];
    for (int i = 0; i < passes * 2; i++) { // first half: warm-up
      long c0 = cpu();
      f.pass(level);
      long c1 = cpu();
      if (i >= passes) {
        t[i - passes] = c1 - c0;
      }
    }
    long a0 = allocated();
    f.pass(level);
    long perPass = allocated() - a0;
    Arrays.sort(t);
    System.out.printf(
        "%s %s: %d bytes, %d opcodes; median %.2f ms (%.0f MB/s, %.2f ns an opcode), fastest pass"
            + " %.2f ms; allocates %d bytes per pass%n",
        a[0], level, bytes.length, ops, t[passes / 2] / 1e6,
        bytes.length / (t[passes / 2] / 1e3), (double) t[passes / 2] / ops, t[0] / 1e6, perPass);
  }
}
