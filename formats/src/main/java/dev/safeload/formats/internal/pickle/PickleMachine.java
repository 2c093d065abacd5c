package dev.safeload.formats.internal.pickle;

import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.pickle.Value.BoolV;
import dev.safeload.formats.internal.pickle.Value.BytesV;
import dev.safeload.formats.internal.pickle.Value.ComplexV;
import dev.safeload.formats.internal.pickle.Value.Container;
import dev.safeload.formats.internal.pickle.Value.DictV;
import dev.safeload.formats.internal.pickle.Value.FloatV;
import dev.safeload.formats.internal.pickle.Value.GlobalV;
import dev.safeload.formats.internal.pickle.Value.InstanceV;
import dev.safeload.formats.internal.pickle.Value.IntV;
import dev.safeload.formats.internal.pickle.Value.ListV;
import dev.safeload.formats.internal.pickle.Value.NoneV;
import dev.safeload.formats.internal.pickle.Value.OpaqueV;
import dev.safeload.formats.internal.pickle.Value.ScriptObjectV;
import dev.safeload.formats.internal.pickle.Value.SetV;
import dev.safeload.formats.internal.pickle.Value.SparseV;
import dev.safeload.formats.internal.pickle.Value.StorageV;
import dev.safeload.formats.internal.pickle.Value.StrV;
import dev.safeload.formats.internal.pickle.Value.TensorV;
import dev.safeload.formats.internal.pickle.Value.TupleV;
import dev.safeload.formats.internal.text.DottedNames;
import dev.safeload.formats.internal.text.Utf8;
import dev.safeload.formats.pickle.GlobalRule;
import dev.safeload.formats.pickle.PickleOpcode;
import dev.safeload.formats.pickle.PickleProfile;
import dev.safeload.spi.FormatException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Runs one pickle stream symbolically, exactly as CPython's C unpickler would decode it, and
 * rejects it at the first opcode, global, call or state the profile does not admit. Nothing is
 * imported or called: allowed callables yield typed {@link Value}s after their arguments pass the
 * rule.
 *
 * <p>Stricter than CPython where CPython's leniency is a known differential: PROTO only first,
 * opcodes newer than the declared protocol, frame boundaries (cpython#154848), memo redefinition or
 * MEMOIZE/PUT mixing, anything left on the stack at STOP, text number forms other than the
 * pickler's own. Where libtorch's unpickler reads a TorchScript data.pkl otherwise than CPython
 * would, stricter than both: a TorchScript object memoised between its NEWOBJ and its BUILD
 * (libtorch memoises the class's index there).
 *
 * <p>Bounded: every length is checked against the remaining input and a limit before anything is
 * allocated; the memo is a map (no array sized by a hostile index); no recursion on input data.
 *
 * <p>Linear: values are shared by reference (a DAG of tuples costs its size, never its unfolding).
 * Tuples know their own hashability; every walk over a value graph (freezing, plain-data checks)
 * visits each container once per run, memoised by identity, and all of it is counted in {@link
 * Result#work()} against a budget proportional to the pickle's size.
 *
 * <p>Checked means final: everything an allowed call or BUILD received, and everything reachable
 * from it, is frozen once the rule passed. A later APPEND(S), SETITEM(S), ADDITEMS or BUILD on a
 * frozen value is rejected, so argument rules (such as "backward hooks are an empty OrderedDict")
 * hold for the final object graph, not just at the moment of the call.
 */
public final class PickleMachine {

  /** Turns a persistent id into a value (the format's storage table). */
  @FunctionalInterface
  public interface PersistentIds {
    /**
     * @throws FormatException if the id is not admitted
     */
    Value load(Value pid, long offset);
  }

  /**
   * What a successful run found.
   *
   * @param value the unpickled top-level value
   * @param end index in the buffer just past STOP
   * @param globals the globals imported, as {@code module.name}, in first-use order
   * @param protocol the declared protocol (0 if no PROTO)
   * @param work units of structural work done on values (container items visited by checks and
   *     freezing, keys hashed); linear in the pickle's size
   * @param sparse the sparse COO tensors made, whose index values the caller must check against the
   *     storage records
   */
  public record Result(
      Value value, int end, List<String> globals, int protocol, long work, List<SparseV> sparse) {}

  /**
   * Structural work allowed per byte of pickle, plus {@link #WORK_BASE}; generous for any real
   * file.
   */
  static final long WORK_PER_BYTE = 64;

  static final long WORK_BASE = 1 << 20;

  private static final Pattern DEVICE =
      Pattern.compile("(cpu|cuda|mps|meta|xpu|hpu|privateuseone)(:[0-9]{1,4})?");
  private static final Map<String, String> COMPAT_MODULES =
      Map.of("__builtin__", "builtins", "copy_reg", "copyreg");

  /**
   * The input, read where the window below does not reach: text lines, byte strings, and strings
   * longer than the window.
   */
  private final ByteBuffer in;

  /**
   * Where the input starts ({@code in.position()} at the start of the run): PROTO must be there.
   */
  private final int start;

  /**
   * A copy of the input at {@code [winAt, winEnd)} in {@code win[0 .. winEnd - winAt)}: the opcodes
   * and their fixed-size arguments are read from it, an array being cheaper to read than a
   * read-only or mapped buffer. It never holds more than {@link #WINDOW} bytes, so a run over a
   * buffer that reaches to the end of a large file (legacy checkpoints, plain pickles) copies only
   * what the machine reads; it is moved forward in {@link #needSlow} and at the top of the loop,
   * never back (the machine reads forward only).
   */
  private final byte[] win;

  private int winAt;
  private int winEnd;

  /**
   * {@code min(argEnd, winEnd, countEnd)}: a read that ends at or before it passes the end-of-input
   * and frame checks (see {@link #argEnd}) and lies in the window, and an opcode that starts before
   * it is within the opcode limit (see {@link #countEnd}), so one comparison stands for all of
   * them; only a read or an opcode past it goes to {@link #needSlow} or {@link #atReadEnd}, which
   * run the checks in their old order and then move the window. Recomputed by {@link
   * #readEndChanged} wherever one of the three changes.
   */
  private int readEnd;

  /**
   * Before this position no opcode can be over {@link PickleLimits#maxOpcodes()}: every opcode
   * takes at least one byte, so the opcode starting at {@code pos} is at most the {@code (pos -
   * start + 1)}th, within the limit while {@code pos < start + maxOpcodes}. The loop counts every
   * opcode and compares the count with the limit only from here on.
   */
  private final int countEnd;

  /** The window's size: small enough to stay in the cache, large enough to be refilled rarely. */
  static final int WINDOW = 1 << 16;

  private static final VarHandle LE16 =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LE32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LE64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final long base;
  private final PickleProfile profile;
  private final PickleLimits limits;
  private final @Nullable PersistentIds pids;

  private int pos;
  private final int limit;
  private int frameEnd = -1;

  /**
   * Where the current opcode's bytes must end: {@link #frameEnd} while a frame is open, else {@link
   * #limit}. FRAME admits only frames that end at or before the limit, so a read that ends at or
   * before {@code argEnd} passes both the end-of-input and the frame check; one comparison then
   * stands for both, and only a read past it runs them (in their order, for their reasons).
   */
  private int argEnd;

  private int opStart;
  private int declaredProtocol = 1;
  private int proto;

  /** The stack: {@code stack[0..sp)}; slots at and above sp are garbage. */
  private Value[] stack = new Value[64];

  private int sp;

  /**
   * {@code min(maxStack, stack.length)}: a push below it passes the depth limit and needs no
   * growth, so one comparison stands for both; only a push at or above it runs them.
   */
  private int pushEnd;

  private int[] marks = new int[16];
  private int markCount;

  /**
   * {@code markCount == 0 ? 0 : marks[markCount - 1]}, kept beside the marks (set wherever {@code
   * markCount} changes): the stack's floor, read by every pop and peek.
   */
  private int fence;

  /**
   * Memo slots for small indices (what picklers write), in pages of {@link #MEMO_PAGE} allocated
   * when first written: the slots cover indices below {@link #DENSE_MEMO} or twice the entries
   * written, whichever is larger (never past {@link #MAX_DENSE}). Pages are never copied as the
   * memo grows (a checkpoint of 60,000 tensors writes 600,000 entries).
   */
  private Value[][] memoPages = new Value[DENSE_MEMO >>> MEMO_PAGE_BITS][];

  private static final int MEMO_PAGE_BITS = 10;
  private static final int MEMO_PAGE = 1 << MEMO_PAGE_BITS;

  /** Memo entries at larger indices (never an array sized by a hostile index). */
  private final HashMap<Long, Value> sparseMemo = new HashMap<>();

  private int memoCount;
  private static final int DENSE_MEMO = 1 << 16;
  private static final long MAX_DENSE = 1 << 24;
  private boolean usedPut;
  private boolean usedMemoize;
  private final Set<String> globals = new LinkedHashSet<>();

  // Values an allowed call or BUILD has checked (and everything reachable from them) are never
  // mutated again: they carry Container.immutable. Frozen containers proven plain data carry
  // Container.plain, frozen lists proven to hold only hashable items ListV.hashable.

  /** Strings proven latin-1. */
  private final IdentityHashMap<Value, Boolean> latin1 = new IdentityHashMap<>();

  private long work;
  private final ArrayList<SparseV> sparse = new ArrayList<>();
  private final long maxWork;

  /** {@link PickleLimits#maxStack()} and {@link PickleLimits#maxOpcodes()}, read once per op. */
  private final long maxStack;

  private final long maxOpcodes;

  /**
   * {@link PickleLimits#maxMemo()}, below which the fast path of {@link #memoize} may store; 0 once
   * a TorchScript object was made, so that every later memo write takes the full path, which
   * refuses memoising one before its BUILD (TorchScript data.pkl files are small, checkpoints make
   * no such object and keep the fast path).
   */
  private long fastMemoLimit;

  private PickleMachine(
      ByteBuffer in,
      long base,
      PickleProfile profile,
      PickleLimits limits,
      @Nullable PersistentIds pids) {
    this.in = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    this.base = base;
    this.profile = profile;
    this.limits = limits;
    this.pids = pids;
    this.pos = in.position();
    this.limit = in.limit();
    this.argEnd = limit;
    this.start = pos;
    this.countEnd = pos + (int) Math.max(0, Math.min(limits.maxOpcodes(), limit - pos));
    this.win = new byte[Math.min(WINDOW, limit - pos)];
    this.winAt = pos;
    fill(pos);
    this.maxWork = WORK_BASE + WORK_PER_BYTE * (long) (limit - pos);
    this.maxStack = limits.maxStack();
    this.pushEnd = (int) Math.min(maxStack, stack.length);
    this.maxOpcodes = limits.maxOpcodes();
    this.fastMemoLimit = limits.maxMemo();
    for (PickleOpcode op : profile.opcodes()) {
      allowed[op.ordinal()] = true;
    }
    admitDirectly();
  }

  /** The profile's opcodes by ordinal: a set lookup once per opcode costs more than the opcode. */
  private final boolean[] allowed = new boolean[PickleOpcode.values().length];

  /**
   * Runs the pickle that starts at {@code buf.position()}, reading at most up to {@code
   * buf.limit()}.
   *
   * @param base file offset of buffer index 0, for findings
   * @throws FormatException at the first rejected opcode
   */
  public static Result run(
      ByteBuffer buf,
      long base,
      PickleProfile profile,
      PickleLimits limits,
      @Nullable PersistentIds pids) {
    boolean cut = false;
    if (buf.limit() - buf.position() > limits.maxPickleBytes()) {
      ByteBuffer b = buf.duplicate();
      b.limit((int) (b.position() + limits.maxPickleBytes()));
      buf = b;
      cut = true;
    }
    PickleMachine m = new PickleMachine(buf, base, profile, limits, pids);
    m.cut = cut;
    return m.execute();
  }

  /**
   * Whether the input was shortened to the size limit (running out is then a limit, not
   * truncation).
   */
  private boolean cut;

  // ------------------------------------------------------------------ errors

  private FormatException fail(ReasonCode r, String msg) {
    return new FormatException(
        r, base + opStart, msg + " (opcode at offset " + (base + opStart) + ")");
  }

  // Failures whose messages are built from values live in methods of their own, out of the
  // handlers: the JIT inlines a handler into the main loop only while its compiled code is small,
  // and building a message (string concatenation compiled as StringBuilder calls) is most of it.

  /** Running out of input: a limit when the input was cut to the size limit, else truncation. */
  private FormatException pastTheEnd(String truncated) {
    if (cut) {
      return fail(
          FormatReason.PICKLE_LIMIT_EXCEEDED,
          "pickle larger than " + limits.maxPickleBytes() + " bytes");
    }
    return fail(FormatReason.PICKLE_TRUNCATED, truncated);
  }

  private FormatException overLimit(String before, long limit, String after) {
    return fail(FormatReason.PICKLE_LIMIT_EXCEEDED, before + limit + after);
  }

  private FormatException tooLong(long n, long max) {
    return fail(
        FormatReason.PICKLE_LIMIT_EXCEEDED,
        "length " + Long.toUnsignedString(n) + " is over the limit of " + max);
  }

  private FormatException wrongType(String what, Value v, String rest) {
    return fail(FormatReason.PICKLE_MALFORMED, what + v.typeName() + rest);
  }

  private FormatException cannotMutate(String op, Value target) {
    return fail(FormatReason.PICKLE_MUTATION_NOT_ALLOWED, op + " on " + target.typeName());
  }

  // ------------------------------------------------------------------ input

  /**
   * Ensures n more argument bytes exist, inside the current frame if one is open; when {@code n <=
   * SHORT}, they are then in the window.
   */
  private void need(long n) {
    if (n > readEnd - pos) { // else the checks pass and the bytes are in the window (see readEnd)
      needSlow(n);
    }
  }

  /**
   * {@link #need} past {@link #readEnd}: the checks, then, for a short read, the window moved to
   * cover the bytes. Longer ones are read from {@link #in}. (Past {@link #countEnd} alone, there is
   * nothing to do: that bound is for opcodes, not arguments.)
   */
  private void needSlow(long n) {
    if (n > argEnd - pos) { // else both checks below pass (see argEnd)
      needChecked(n);
    }
    if (n > winEnd - pos && n <= SHORT) {
      // n <= limit - pos (checked), and n <= SHORT <= WINDOW: the window covers [pos, pos + n)
      fill(pos);
    }
  }

  /**
   * The longest read {@link #need} brings into the window: fixed-size arguments (at most 8 bytes)
   * and short strings (decoded through {@link #textScratch}). A window is refilled only for a read
   * of at most this many bytes that crosses its end, or at an opcode past its end, so each refill
   * of {@link #WINDOW} bytes follows at least {@code WINDOW - SHORT} bytes of input: the copying
   * stays linear in what the machine reads.
   */
  private static final int SHORT = 256;

  /**
   * Moves the window to start at {@code at} (at most {@link #limit}), filled up to its size or the
   * limit.
   */
  private void fill(int at) {
    int n = Math.min(win.length, limit - at);
    in.get(at, win, 0, n);
    winAt = at;
    winEnd = at + n;
    readEndChanged();
  }

  private void readEndChanged() {
    readEnd = Math.min(Math.min(argEnd, winEnd), countEnd);
  }

  /** The byte at {@code at}, which the window covers. */
  private int byteAt(int at) {
    return win[at - winAt];
  }

  /** The checks {@link #need} stands for, each with its reason. */
  private void needChecked(long n) {
    if (n > limit - pos) {
      throw pastTheEnd("the pickle ends inside an opcode's argument");
    }
    if (frameEnd >= 0 && opStart < frameEnd && pos + n > frameEnd) {
      throw fail(
          FormatReason.PICKLE_FRAME_INVALID, "an opcode's argument crosses the end of its frame");
    }
  }

  private int u8() {
    need(1);
    return byteAt(pos++) & 0xff;
  }

  private int u16() {
    need(2);
    int v = (short) LE16.get(win, pos - winAt) & 0xffff;
    pos += 2;
    return v;
  }

  private int s32() {
    need(4);
    int v = (int) LE32.get(win, pos - winAt);
    pos += 4;
    return v;
  }

  private long u32() {
    return s32() & 0xffff_ffffL;
  }

  private long u64() {
    need(8);
    long v = (long) LE64.get(win, pos - winAt);
    pos += 8;
    return v;
  }

  /** Length check before anything is read or allocated. */
  private int length(long n, long max) {
    if (n < 0 || n > max) {
      throw tooLong(n, max);
    }
    need(n);
    return (int) n;
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    in.get(pos, b);
    pos += n;
    return b;
  }

  /** A text line without its newline; the newline must exist within the frame and the limit. */
  private byte[] line() {
    int max = (int) Math.min(limit, pos + Math.min(limits.maxString() + 1, Integer.MAX_VALUE - 1L));
    if (frameEnd >= 0 && opStart < frameEnd) {
      max = Math.min(max, frameEnd);
    }
    for (int i = pos; i < max; i++) {
      if (in.get(i) == '\n') {
        byte[] b = bytes(i - pos);
        pos++;
        return b;
      }
    }
    if (max == frameEnd && frameEnd < limit) {
      throw fail(FormatReason.PICKLE_FRAME_INVALID, "a text line crosses the end of its frame");
    }
    throw fail(
        max == limit ? FormatReason.PICKLE_TRUNCATED : FormatReason.PICKLE_LIMIT_EXCEEDED,
        "unterminated text line");
  }

  private String utf8(byte[] b) {
    String s = Utf8.decodeOrNull(b);
    if (s == null) {
      throw fail(FormatReason.PICKLE_MALFORMED, "text is not valid UTF-8");
    }
    return s;
  }

  /**
   * Scratch for short strings: ASCII text (nearly every key) then costs only its String. The chars
   * go through {@code String(char[], int, int)}, whose compression to latin-1 is a JIT intrinsic
   * small enough to be inlined into the main loop; the charset constructor is too large to be (a
   * call for each of the two strings per tensor).
   */
  private final char[] textScratch = new char[SHORT];

  /**
   * The UTF-8 text at {@code [at, at + len)} of the input (already bounds-checked by {@link #need},
   * and so in the window when {@code len <= SHORT}).
   */
  private String utf8At(int at, int len) {
    if (len <= SHORT) { // in the window (see need)
      char[] c = textScratch;
      int bits = 0;
      int w = at - winAt;
      for (int i = 0; i < len; i++) {
        byte x = win[w + i];
        bits |= x;
        c[i] = (char) x; // used only if every byte is ASCII
      }
      if (bits >= 0) { // no byte has its high bit set: ASCII, which UTF-8 decodes as latin-1 does
        return new String(c, 0, len);
      }
    }
    byte[] b = new byte[len];
    in.get(at, b);
    return utf8(b);
  }

  private String ascii(byte[] b, String what) {
    for (byte c : b) {
      if (c < 0x20 || c == 0x7f) {
        throw fail(FormatReason.PICKLE_MALFORMED, what + " is not printable ASCII");
      }
    }
    return new String(b, StandardCharsets.US_ASCII);
  }

  // ------------------------------------------------------------------ stack

  private int fence() {
    return fence;
  }

  /** Recomputes {@link #fence} after {@code markCount} changed. */
  private void marksChanged() {
    fence = markCount == 0 ? 0 : marks[markCount - 1];
  }

  private void push(Value v) {
    if (sp >= pushEnd) { // else sp < maxStack and sp < stack.length (see pushEnd)
      pushChecked(v);
      return;
    }
    stack[sp++] = v;
  }

  /** The checks {@link #push} stands for: the depth limit, then growth. */
  private void pushChecked(Value v) {
    if (sp >= maxStack) {
      throw overLimit("stack deeper than ", limits.maxStack(), "");
    }
    if (sp == stack.length) {
      stack = Arrays.copyOf(stack, stack.length * 2); // sp < maxStack: grows with what was pushed
      pushEnd = (int) Math.min(maxStack, stack.length);
    }
    stack[sp++] = v;
  }

  private Value pop() {
    if (sp <= fence()) {
      throw fail(FormatReason.PICKLE_MALFORMED, "stack underflow");
    }
    return stack[--sp];
  }

  private Value peek() {
    if (sp <= fence()) {
      throw fail(FormatReason.PICKLE_MALFORMED, "stack underflow");
    }
    return stack[sp - 1];
  }

  /**
   * Pops the top mark and everything above it, leaving those items in {@code stack[sp..end)} for
   * the caller to read before anything is pushed again; returns {@code end}.
   */
  private int popMarkInPlace() {
    if (markCount == 0) {
      throw fail(FormatReason.PICKLE_MALFORMED, "no MARK to pop to");
    }
    int end = sp;
    sp = marks[--markCount];
    marksChanged();
    return end;
  }

  /** Pops everything above the top mark, and the mark, as a new array. */
  private Value[] popMark() {
    int end = popMarkInPlace();
    Value[] items = Arrays.copyOfRange(stack, sp, end);
    Arrays.fill(stack, sp, end, null); // hold no references the stack no longer has
    return items;
  }

  // ------------------------------------------------------------------ main loop

  private Result execute() {
    long ops = 0;
    while (true) {
      opStart = pos;
      ops++;
      if (pos >= readEnd) { // else no check below applies and pos is in the window (see readEnd)
        atReadEnd();
        if (ops > maxOpcodes) {
          throw overLimit("more than ", limits.maxOpcodes(), " opcodes");
        }
      }
      int code = byteAt(pos++) & 0xff;
      PickleOpcode op = direct[code];
      if (op == null) {
        op = admit(code);
        if (op == PickleOpcode.STOP) {
          return stop(op);
        }
      }
      // The opcodes a torch.save state dict is made of, dispatched on the byte itself and each to
      // its own small method (the same one step calls): a single switch over every opcode costs
      // more per opcode than most of these opcodes do.
      switch (code) {
        case 'q', 'r' -> memoWrite(op); // BINPUT, LONG_BINPUT
        case 'h', 'j' -> memoRead(op); // BINGET, LONG_BINGET
        case '(' -> mark(op); // MARK
        case 'K' -> binInt1(op); // BININT1
        case 'X' -> binUnicode(op); // BINUNICODE
        case 0x85, 0x86, 0x87 -> smallTuple(op); // TUPLE1, TUPLE2, TUPLE3
        case 't' -> tuple(op); // TUPLE
        case 0x88, 0x89 -> newBool(op); // NEWTRUE, NEWFALSE
        case ')' -> emptyTuple(op); // EMPTY_TUPLE
        case 'R' -> reduce(op); // REDUCE
        case 'Q' -> binPersId(op); // BINPERSID
        case 'u' -> setItemsOp(op); // SETITEMS
        default -> step(op);
      }
    }
  }

  /**
   * At {@link #readEnd}, between opcodes: the end of a frame, of the input or of the window, or
   * past {@link #countEnd} (the loop then compares its count with the limit).
   */
  private void atReadEnd() {
    if (pos >= argEnd) { // else neither check below applies (see argEnd)
      atFrameEndOrLimit();
    }
    if (pos >= winEnd) { // pos < limit: the window then covers at least the opcode
      fill(pos);
    }
  }

  /** At the end of a frame or of the input, between opcodes. */
  private void atFrameEndOrLimit() {
    if (frameEnd >= 0 && pos == frameEnd) {
      frameEnd = -1;
      argEnd = limit;
      readEndChanged();
    }
    if (pos >= limit) {
      throw pastTheEnd("the pickle ends before STOP");
    }
  }

  /**
   * Per opcode byte, the opcode when the loop may hand it to its handler at once: a known opcode,
   * neither PROTO nor STOP, of a protocol the stream has declared (so {@link #admit} would pass it
   * without a word). Rebuilt when PROTO declares a protocol. The profile's allowlist is checked by
   * each handler, in its place, as for every other opcode.
   */
  private final PickleOpcode[] direct = new PickleOpcode[256];

  private void admitDirectly() {
    for (PickleOpcode op : PickleOpcode.values()) {
      direct[op.code()] =
          op != PickleOpcode.PROTO && op != PickleOpcode.STOP && op.protocol() <= declaredProtocol
              ? op
              : null;
    }
  }

  /**
   * The checks every opcode byte passes before its handler runs (known, PROTO first, declared
   * protocol), for the bytes {@link #direct} does not admit at once.
   */
  private PickleOpcode admit(int code) {
    PickleOpcode op = PickleOpcode.of(code);
    if (op == null) {
      throw fail(
          FormatReason.PICKLE_UNKNOWN_OPCODE,
          "byte 0x" + Integer.toHexString(code) + " is not an opcode");
    }
    if (op == PickleOpcode.PROTO) {
      if (opStart != start) {
        throw fail(FormatReason.PICKLE_PROTOCOL_INVALID, "PROTO is not the first opcode");
      }
    } else if (op.protocol() > declaredProtocol) {
      if (op == PickleOpcode.STACK_GLOBAL
          && sp >= 2
          && sp - 2 >= fence()
          && stack[sp - 2] instanceof StrV m
          && stack[sp - 1] instanceof StrV n) {
        resolve(m.value(), n.value()); // name the global when it is not allowed anyway
      }
      throw fail(
          FormatReason.PICKLE_PROTOCOL_INVALID,
          op
              + " needs protocol "
              + op.protocol()
              + " but the stream declares "
              + (opStart == start || proto == 0 ? "none" : proto));
    }
    return op;
  }

  /** STOP: the run's result. */
  private Result stop(PickleOpcode op) {
    checkAllowed(op, "");
    if (markCount != 0 || sp != 1) {
      throw fail(
          FormatReason.PICKLE_STOP_INVALID,
          "STOP with " + sp + " values and " + markCount + " open marks on the stack");
    }
    if (frameEnd >= 0 && pos != frameEnd) {
      throw fail(FormatReason.PICKLE_FRAME_INVALID, "STOP inside a frame that does not end there");
    }
    return new Result(stack[0], pos, List.copyOf(globals), proto, work, List.copyOf(sparse));
  }

  private void checkAllowed(PickleOpcode op, long index) {
    if (!allowed[op.ordinal()]) {
      throw notAllowed(op, String.valueOf(index)); // builds the message only when rejecting
    }
  }

  private void checkAllowed(PickleOpcode op, String detail) {
    if (!allowed[op.ordinal()]) {
      throw notAllowed(op, detail);
    }
  }

  private FormatException notAllowed(PickleOpcode op, String detail) {
    return fail(
        FormatReason.PICKLE_OPCODE_NOT_ALLOWED,
        op
            + (detail.isEmpty() ? "" : " " + detail)
            + " is not allowed by profile "
            + profile.name());
  }

  private void step(PickleOpcode op) {
    switch (op) {
      case PROTO -> {
        int v = u8();
        checkAllowed(op, v);
        if (v > 5) {
          throw fail(FormatReason.PICKLE_PROTOCOL_INVALID, "unsupported protocol " + v);
        }
        proto = v;
        declaredProtocol = Math.max(1, v);
        admitDirectly();
      }
      case FRAME -> {
        long n = u64();
        checkAllowed(op, "");
        if (frameEnd >= 0) {
          throw fail(FormatReason.PICKLE_FRAME_INVALID, "FRAME inside an open frame");
        }
        if (n < 0 || n > limit - pos) {
          throw fail(
              FormatReason.PICKLE_FRAME_INVALID,
              "frame of " + Long.toUnsignedString(n) + " bytes runs past the end of the pickle");
        }
        frameEnd = (int) (pos + n);
        if (n == 0) {
          frameEnd = -1;
        }
        argEnd = frameEnd >= 0 ? frameEnd : limit; // n <= limit - pos: frameEnd <= limit
        readEndChanged();
      }
      case MARK -> mark(op);
      case POP -> {
        checkAllowed(op, "");
        if (markCount > 0 && marks[markCount - 1] == sp) {
          markCount--; // CPython's POP discards a mark that is on top
          marksChanged();
        } else {
          pop();
        }
      }
      case POP_MARK -> {
        checkAllowed(op, "");
        int end = popMarkInPlace();
        Arrays.fill(stack, sp, end, null);
      }
      case DUP -> {
        checkAllowed(op, "");
        push(peek());
      }
      case NONE -> {
        checkAllowed(op, "");
        push(NoneV.INSTANCE);
      }
      case NEWTRUE, NEWFALSE -> newBool(op);
      case INT -> {
        String s = ascii(line(), "INT");
        checkAllowed(op, "");
        if (s.equals("01") || s.equals("00")) {
          push(s.equals("01") ? BoolV.TRUE : BoolV.FALSE);
        } else {
          push(IntV.of(decimal(s, false)));
        }
      }
      case LONG -> {
        String s = ascii(line(), "LONG");
        checkAllowed(op, "");
        push(IntV.of(decimal(s, true)));
      }
      case BININT -> {
        int v = s32();
        checkAllowed(op, "");
        push(IntV.of(v));
      }
      case BININT1 -> binInt1(op);
      case BININT2 -> {
        int v = u16();
        checkAllowed(op, "");
        push(IntV.of(v));
      }
      case LONG1, LONG4 -> {
        long n = op == PickleOpcode.LONG1 ? u8() : s32();
        if (n < 0) {
          throw fail(FormatReason.PICKLE_MALFORMED, "LONG4 with a negative byte count");
        }
        int len = length(n, limits.maxIntBytes());
        byte[] le = bytes(len);
        checkAllowed(op, "");
        if (len == 0) {
          push(IntV.of(0));
        } else {
          byte[] be = new byte[len];
          for (int i = 0; i < len; i++) {
            be[i] = le[len - 1 - i];
          }
          push(IntV.of(new BigInteger(be)));
        }
      }
      case FLOAT -> {
        String s = ascii(line(), "FLOAT");
        checkAllowed(op, "");
        push(new FloatV(parseFloat(s)));
      }
      case BINFLOAT -> {
        double d = Double.longBitsToDouble(Long.reverseBytes(u64())); // big-endian
        checkAllowed(op, "");
        push(new FloatV(d));
      }
      case STRING -> {
        byte[] raw = line();
        checkAllowed(op, "");
        push(new StrV(quotedString(raw)));
      }
      case BINSTRING, SHORT_BINSTRING -> {
        long n = op == PickleOpcode.SHORT_BINSTRING ? u8() : s32();
        if (n < 0) {
          throw fail(FormatReason.PICKLE_MALFORMED, "BINSTRING with a negative byte count");
        }
        byte[] raw = bytes(length(n, limits.maxString()));
        checkAllowed(op, "");
        push(new StrV(py2String(raw)));
      }
      case UNICODE -> {
        byte[] raw = line();
        checkAllowed(op, "");
        push(new StrV(rawUnicodeEscape(raw)));
      }
      case BINUNICODE, SHORT_BINUNICODE, BINUNICODE8 -> binUnicode(op);
      case BINBYTES, SHORT_BINBYTES, BINBYTES8, BYTEARRAY8 -> {
        long n =
            op == PickleOpcode.SHORT_BINBYTES ? u8() : op == PickleOpcode.BINBYTES ? u32() : u64();
        int len = length(n, limits.maxString());
        long at = base + pos;
        pos += len;
        checkAllowed(op, "");
        push(new BytesV(at, len, op == PickleOpcode.BYTEARRAY8));
      }
      case EMPTY_TUPLE -> emptyTuple(op);
      case EMPTY_LIST -> {
        checkAllowed(op, "");
        push(new ListV());
      }
      case EMPTY_DICT -> {
        checkAllowed(op, "");
        push(new DictV(false));
      }
      case EMPTY_SET -> {
        checkAllowed(op, "");
        push(new SetV(false));
      }
      case TUPLE1, TUPLE2, TUPLE3 -> smallTuple(op);
      case TUPLE -> tuple(op);
      case LIST -> {
        checkAllowed(op, "");
        ListV l = new ListV();
        l.items.addAll(Arrays.asList(popMark()));
        push(l);
      }
      case DICT -> {
        checkAllowed(op, "");
        int end = popMarkInPlace();
        DictV d = new DictV(false);
        setItems(d, stack, sp, end);
        Arrays.fill(stack, sp, end, null);
        push(d);
      }
      case FROZENSET -> {
        checkAllowed(op, "");
        List<Value> items = Arrays.asList(popMark());
        SetV s = new SetV(true);
        for (Value v : items) {
          requireHashable(v);
        }
        s.items.addAll(items);
        push(s);
      }
      case APPEND -> {
        checkAllowed(op, "");
        Value v = pop();
        appendTo(peek(), List.of(v));
      }
      case APPENDS -> {
        checkAllowed(op, "");
        List<Value> items = Arrays.asList(popMark());
        appendTo(peek(), items);
      }
      case SETITEM -> {
        checkAllowed(op, "");
        Value v = pop();
        Value k = pop();
        Value target = peek();
        if (!(target instanceof DictV d)) {
          throw fail(FormatReason.PICKLE_MUTATION_NOT_ALLOWED, "SETITEM on " + target.typeName());
        }
        notFrozen(d, "SETITEM");
        stack[sp] = k; // free slots: the two just popped
        stack[sp + 1] = v;
        setItems(d, stack, sp, sp + 2);
        stack[sp] = null;
        stack[sp + 1] = null;
      }
      case SETITEMS -> setItemsOp(op);
      case ADDITEMS -> {
        checkAllowed(op, "");
        List<Value> items = Arrays.asList(popMark());
        Value target = peek();
        if (!(target instanceof SetV s) || s.frozen) {
          throw fail(FormatReason.PICKLE_MUTATION_NOT_ALLOWED, "ADDITEMS on " + target.typeName());
        }
        notFrozen(s, "ADDITEMS");
        for (Value v : items) {
          requireHashable(v);
        }
        grow(s.items, items.size());
        s.items.addAll(items);
      }
      case GET, BINGET, LONG_BINGET -> memoRead(op);
      case PUT, BINPUT, LONG_BINPUT -> memoWrite(op);
      case MEMOIZE -> {
        checkAllowed(op, "");
        if (usedPut) {
          throw fail(
              FormatReason.PICKLE_MEMO_INVALID,
              "MEMOIZE after PUT: two memo numbering schemes in one stream");
        }
        usedMemoize = true;
        memoize(memoCount);
      }
      case GLOBAL, INST -> {
        String module = utf8(line());
        String name = utf8(line());
        checkAllowed(op, module + "." + name);
        GlobalV g = resolve(module, name);
        if (op == PickleOpcode.GLOBAL) {
          push(g);
        } else {
          push(call(g, new TupleV(popMark()), "INST"));
        }
      }
      case STACK_GLOBAL -> {
        checkAllowed(op, "");
        Value name = pop();
        Value module = pop();
        if (!(module instanceof StrV m) || !(name instanceof StrV n)) {
          throw fail(
              FormatReason.PICKLE_MALFORMED,
              "STACK_GLOBAL operands are "
                  + module.typeName()
                  + " and "
                  + name.typeName()
                  + ", not str");
        }
        push(resolve(m.value(), n.value()));
      }
      case OBJ -> {
        checkAllowed(op, "");
        Value[] items = popMark();
        if (items.length == 0) {
          throw fail(FormatReason.PICKLE_MALFORMED, "OBJ without a class");
        }
        push(call(items[0], new TupleV(Arrays.copyOfRange(items, 1, items.length)), "OBJ"));
      }
      case REDUCE -> reduce(op);
      case NEWOBJ, NEWOBJ_EX -> {
        checkAllowed(op, "");
        if (op == PickleOpcode.NEWOBJ_EX) {
          Value kw = pop();
          if (!(kw instanceof DictV d) || d.size() != 0) {
            throw fail(FormatReason.PICKLE_CALL_NOT_ALLOWED, "NEWOBJ_EX with keyword arguments");
          }
        }
        Value args = pop();
        Value cls = pop();
        if (!(args instanceof TupleV t)) {
          throw fail(
              FormatReason.PICKLE_MALFORMED,
              op + " arguments are a " + args.typeName() + ", not a tuple");
        }
        push(newObject(cls, t));
      }
      case BUILD -> {
        checkAllowed(op, "");
        Value state = pop();
        build(peek(), state);
      }
      case BINPERSID -> binPersId(op);
      case PERSID -> {
        line();
        checkAllowed(op, "");
      }
      case EXT1, EXT2, EXT4 -> {
        long code = op == PickleOpcode.EXT1 ? u8() : op == PickleOpcode.EXT2 ? u16() : s32();
        checkAllowed(op, "code " + code + " (an import through copyreg's extension registry)");
      }
      case NEXT_BUFFER, READONLY_BUFFER -> checkAllowed(op, "(out-of-band buffer)");
      default -> throw fail(FormatReason.PICKLE_UNKNOWN_OPCODE, "unhandled opcode " + op);
    }
  }

  /** MARK. */
  private void mark(PickleOpcode op) {
    checkAllowed(op, "");
    if (markCount >= limits.maxMarks()) {
      throw overLimit("more than ", limits.maxMarks(), " open marks");
    }
    if (markCount == marks.length) {
      marks = Arrays.copyOf(marks, marks.length * 2);
    }
    marks[markCount++] = sp;
    fence = sp;
  }

  /** NEWTRUE, NEWFALSE. */
  private void newBool(PickleOpcode op) {
    checkAllowed(op, "");
    push(op == PickleOpcode.NEWTRUE ? BoolV.TRUE : BoolV.FALSE);
  }

  /** BININT1. */
  private void binInt1(PickleOpcode op) {
    int v = u8();
    checkAllowed(op, "");
    push(IntV.of(v));
  }

  /** BINUNICODE, SHORT_BINUNICODE, BINUNICODE8. */
  private void binUnicode(PickleOpcode op) {
    long n =
        op == PickleOpcode.SHORT_BINUNICODE ? u8() : op == PickleOpcode.BINUNICODE ? u32() : u64();
    int len = length(n, limits.maxString());
    int at = pos;
    pos += len;
    checkAllowed(op, "");
    push(new StrV(utf8At(at, len)));
  }

  /** EMPTY_TUPLE. */
  private void emptyTuple(PickleOpcode op) {
    checkAllowed(op, "");
    push(new TupleV(NO_VALUES));
  }

  /** TUPLE1, TUPLE2, TUPLE3. */
  private void smallTuple(PickleOpcode op) {
    checkAllowed(op, "");
    int n = op == PickleOpcode.TUPLE1 ? 1 : op == PickleOpcode.TUPLE2 ? 2 : 3;
    int from = sp - n;
    if (from < fence()) {
      throw fail(FormatReason.PICKLE_MALFORMED, "stack underflow"); // as the first pop that fails
    }
    TupleV t = tupleOf(from, sp);
    Arrays.fill(stack, from, sp, null);
    sp = from;
    push(t);
  }

  /** TUPLE. */
  private void tuple(PickleOpcode op) {
    checkAllowed(op, "");
    int end = popMarkInPlace();
    TupleV t = tupleOf(sp, end);
    Arrays.fill(stack, sp, end, null); // hold no references the stack no longer has
    push(t);
  }

  // ------------------------------------------------------------------ tuples of small ints

  /**
   * Tuples of at most {@link #INT_TUPLE_MAX} small non-negative ints (a tensor's size and stride:
   * {@code (2,)}, {@code (1,)}, {@code (64, 3, 7, 7)}) share their item array, hash height and
   * parsed dims with the first tuple of the same content in the run, so that a checkpoint of 60,000
   * tensors allocates and parses a handful of shapes instead of 120,000. Each tuple is still a new
   * object, as in CPython: its marks (frozen, plain, the last pure call) stay its own, so whatever
   * depends on which tuple an opcode received (BUILD on a frozen tuple) is unchanged. Sound because
   * what is shared is a function of the items alone and never written: the array is never written
   * after construction, the hash height is computed from it, and dims are the items read as sizes.
   * Constant work per tuple: a key packed from at most four items, a bounded probe, no growth.
   */
  private long @Nullable [] intTupleKeys;

  private TupleV @Nullable [] intTuples;

  private static final int INT_TUPLE_MAX = 4;

  /**
   * Bits an item may take in a key: up to three items below 2**20 (a language model's vocabulary
   * and intermediate sizes, 32,768 to 262,144, and the strides they make), four below 2**15. The
   * count sits above the items, so each key stands for one tuple (see {@link #intTupleKey}).
   */
  private static final int INT_TUPLE_BITS_3 = 20;

  private static final int INT_TUPLE_BITS_4 = 15;

  private static final int INT_TUPLE_COUNT_SHIFT = 60; // 3 x 20 = 4 x 15 = 60 bits of items

  /**
   * A state dict has a few dozen distinct shapes; a pickle of a few kilobytes should not pay for a
   * large table (it is allocated per run, at the first short tuple of ints).
   */
  private static final int INT_TUPLE_SLOTS = 1 << 8;

  private static final int INT_TUPLE_PROBES = 8;

  /** A new tuple of {@code stack[from..to)}. */
  private TupleV tupleOf(int from, int to) {
    long key = intTupleKey(from, to);
    if (key == 0) {
      return new TupleV(items(from, to));
    }
    long[] keys = intTupleKeys;
    TupleV[] firsts = intTuples;
    if (keys == null || firsts == null) {
      keys = intTupleKeys = new long[INT_TUPLE_SLOTS];
      firsts = intTuples = new TupleV[INT_TUPLE_SLOTS];
    }
    int h = (int) ((key * 0x9E37_79B9_7F4A_7C15L) >>> 56); // 8 bits: INT_TUPLE_SLOTS
    for (int i = 0; i < INT_TUPLE_PROBES; i++) {
      int s = (h + i) & (INT_TUPLE_SLOTS - 1);
      if (keys[s] == key) {
        return new TupleV(firsts[s]);
      }
      if (keys[s] == 0) {
        TupleV t = new TupleV(items(from, to));
        keys[s] = key;
        firsts[s] = t;
        return t;
      }
    }
    return new TupleV(items(from, to)); // a full neighbourhood: nothing shared
  }

  /** A copy of {@code stack[from..to)} (a plain new array: no reflective copy of a Value[]). */
  private Value[] items(int from, int to) {
    Value[] items = new Value[to - from];
    System.arraycopy(stack, from, items, 0, items.length);
    return items;
  }

  /** The key of {@code stack[from..to)} if it is a short tuple of small ints, else 0. */
  private long intTupleKey(int from, int to) {
    int n = to - from;
    if (n < 1 || n > INT_TUPLE_MAX) {
      return 0;
    }
    int bits = n <= 3 ? INT_TUPLE_BITS_3 : INT_TUPLE_BITS_4;
    long items = 0; // below 2**60: n items of `bits` bits each
    for (int i = from; i < to; i++) {
      if (!(stack[i] instanceof IntV v)
          || v.big() != null
          || v.value() < 0
          || v.value() >= 1L << bits) {
        return 0;
      }
      items = items << bits | v.value();
    }
    return (long) n << INT_TUPLE_COUNT_SHIFT | items; // n in 1..4: never 0, and below 2**63
  }

  /** SETITEMS. */
  private void setItemsOp(PickleOpcode op) {
    checkAllowed(op, "");
    int end = popMarkInPlace(); // the items stay in stack[sp..end) until the next push
    Value target = peek();
    if (!(target instanceof DictV d)) {
      throw cannotMutate("SETITEMS", target);
    }
    notFrozen(d, "SETITEMS");
    setItems(d, stack, sp, end);
    Arrays.fill(stack, sp, end, null);
  }

  /** REDUCE. */
  private void reduce(PickleOpcode op) {
    checkAllowed(op, "");
    Value args = pop();
    Value callable = pop();
    if (!(args instanceof TupleV t)) {
      throw wrongType("REDUCE arguments are a ", args, ", not a tuple");
    }
    push(call(callable, t, "REDUCE"));
  }

  /** BINPERSID. */
  private void binPersId(PickleOpcode op) {
    checkAllowed(op, "");
    Value pid = pop();
    if (pids == null) {
      throw fail(
          FormatReason.PICKLE_PERSISTENT_ID_INVALID,
          "persistent ids are not allowed in this format");
    }
    Value storage = pids.load(pid, base + opStart);
    freeze(pid);
    push(storage);
  }

  /** GET, BINGET, LONG_BINGET. */
  private void memoRead(PickleOpcode op) {
    long idx =
        op == PickleOpcode.GET ? memoIndex(line()) : op == PickleOpcode.BINGET ? u8() : u32();
    checkAllowed(op, idx);
    Value v = memoGet(idx);
    if (v == null) {
      throw unwritten(idx);
    }
    push(v);
  }

  private FormatException unwritten(long idx) {
    return fail(
        FormatReason.PICKLE_MEMO_INVALID, "memo index " + idx + " read before it was written");
  }

  /** PUT, BINPUT, LONG_BINPUT. */
  private void memoWrite(PickleOpcode op) {
    long idx =
        op == PickleOpcode.PUT ? memoIndex(line()) : op == PickleOpcode.BINPUT ? u8() : u32();
    checkAllowed(op, idx);
    if (usedMemoize) {
      throw fail(
          FormatReason.PICKLE_MEMO_INVALID,
          "PUT after MEMOIZE: two memo numbering schemes in one stream");
    }
    usedPut = true;
    memoize(idx);
  }

  // ------------------------------------------------------------------ memo

  private long memoIndex(byte[] line) {
    String s = ascii(line, "memo index");
    if (!s.matches("0|[1-9][0-9]{0,9}")) {
      throw fail(FormatReason.PICKLE_MALFORMED, "memo index '" + s + "' is not a plain decimal");
    }
    return Long.parseLong(s);
  }

  private @Nullable Value memoGet(long idx) {
    Value v = null;
    if (idx < (long) memoPages.length << MEMO_PAGE_BITS) {
      Value[] page = memoPages[(int) (idx >>> MEMO_PAGE_BITS)];
      v = page == null ? null : page[(int) idx & (MEMO_PAGE - 1)];
    }
    // an entry written before the dense slots grew past its index stays in the sparse map
    return v != null || sparseMemo.isEmpty() ? v : sparseMemo.get(idx);
  }

  private void memoize(long idx) {
    Value top = peek();
    // The common case in few instructions (the handlers must stay small enough to be inlined into
    // the main loop): an unwritten slot of a page that exists, below the dense cap, with no sparse
    // entries and room under the limit. Each condition is one the full path below checks, and
    // with all of them true it stores into that very slot; anything else takes the full path
    // (fastMemoLimit also sends there every write after a TorchScript object was made).
    long p = idx >>> MEMO_PAGE_BITS;
    if (p < memoPages.length // then idx < MAX_DENSE
        && idx < Math.max(DENSE_MEMO, 2L * (memoCount + 1))
        && memoCount < fastMemoLimit
        && sparseMemo.isEmpty()) {
      Value[] page = memoPages[(int) p];
      if (page != null && page[(int) idx & (MEMO_PAGE - 1)] == null) {
        page[(int) idx & (MEMO_PAGE - 1)] = top;
        memoCount++;
        return;
      }
    }
    memoizeSlow(idx, top);
  }

  /**
   * libtorch's unpickler, the only reader of a TorchScript data.pkl, makes an object at its BUILD:
   * GLOBAL pushes the class's index, NEWOBJ only pops the arguments, and BUILD calls the class on
   * the state. A memo entry written between NEWOBJ and BUILD is that index to libtorch, an int
   * where this machine holds the object, so a later GET of it is an int to torch.jit.load
   * ("Expected Object but got Int") and the object to every check here. torch's pickler memoises an
   * object after its BUILD.
   */
  private FormatException unbuiltScriptObject() {
    return fail(
        FormatReason.PICKLE_MEMO_INVALID,
        "a TorchScript object is memoised before its BUILD: libtorch memoises its class index"
            + " there, not the object");
  }

  private void memoizeSlow(long idx, Value top) {
    if (top instanceof ScriptObjectV o && o.state == null) {
      throw unbuiltScriptObject();
    }
    if (memoGet(idx) != null) {
      throw fail(FormatReason.PICKLE_MEMO_INVALID, "memo index " + idx + " written twice");
    }
    if (memoCount >= limits.maxMemo()) {
      throw fail(
          FormatReason.PICKLE_LIMIT_EXCEEDED, "more than " + limits.maxMemo() + " memo entries");
    }
    // CPython's C unpickler (pickle.load, torch.load without weights_only, joblib) and libtorch's
    // size their memo array by the largest index written and fill it: LONG_BINPUT 2**26 in an
    // 11-byte pickle made pickle.load allocate and zero 1 GiB. Every pickler numbers its entries
    // 0, 1, 2, ..., so an index may run ahead of the entries written only as far as the dense
    // slots do, and the reader's array stays proportional to the pickle.
    long ahead = Math.max(DENSE_MEMO, 2L * (memoCount + 1));
    if (idx >= ahead) {
      throw fail(
          FormatReason.PICKLE_MEMO_INVALID,
          "memo index "
              + idx
              + " with "
              + memoCount
              + " entries written: readers size their memo by the largest index");
    }
    // Dense slots up to DENSE_MEMO, and beyond it up to twice the entries actually written: the
    // array never outgrows the pickle (each entry costs an opcode), and picklers number entries
    // 0, 1, 2, ... so a large checkpoint's memo stays an array instead of a map of boxed keys.
    long cap = Math.min(MAX_DENSE, ahead);
    if (idx < cap) {
      int p = (int) (idx >>> MEMO_PAGE_BITS);
      if (p >= memoPages.length) { // cap <= MAX_DENSE: at most MAX_DENSE / MEMO_PAGE pages
        memoPages =
            Arrays.copyOf(
                memoPages,
                (int)
                    Math.min(MAX_DENSE >>> MEMO_PAGE_BITS, Math.max(p + 1, 2L * memoPages.length)));
      }
      Value[] page = memoPages[p];
      if (page == null) { // one page per entry at most: idx < cap bounds the pages by the entries
        page = new Value[MEMO_PAGE];
        memoPages[p] = page;
      }
      page[(int) idx & (MEMO_PAGE - 1)] = top;
    } else {
      sparseMemo.put(idx, top);
    }
    memoCount++;
  }

  // ------------------------------------------------------------------ containers

  private void grow(List<Value> items, int more) {
    if (items.size() + (long) more > limits.maxItems()) {
      throw fail(
          FormatReason.PICKLE_LIMIT_EXCEEDED,
          "container with more than " + limits.maxItems() + " items");
    }
  }

  private void appendTo(Value target, List<Value> items) {
    if (!(target instanceof ListV l)) {
      throw fail(FormatReason.PICKLE_MUTATION_NOT_ALLOWED, "APPEND on " + target.typeName());
    }
    notFrozen(l, "APPEND");
    grow(l.items, items.size());
    l.items.addAll(items);
  }

  private void setItems(DictV d, List<Value> kv) {
    setItems(d, kv.toArray(NO_VALUES), 0, kv.size());
  }

  /** Adds the keys and values {@code kv[from..to)} to {@code d}. */
  private void setItems(DictV d, Value[] kv, int from, int to) {
    int n = to - from;
    if (n % 2 != 0) {
      throw fail(FormatReason.PICKLE_MALFORMED, "odd number of items for a dict");
    }
    grow(d.items, n);
    for (int i = from; i < to; i += 2) {
      requireHashable(kv[i]);
      if (d.counter && !number(kv[i + 1])) {
        throw fail(
            FormatReason.PICKLE_MALFORMED,
            "a Counter value is a " + kv[i + 1].typeName() + ", not a number");
      }
    }
    d.items.ensureCapacity(d.items.size() + n);
    for (int i = from; i < to; i++) {
      d.items.add(kv[i]);
    }
  }

  private static final Value[] NO_VALUES = {};

  private static boolean number(Value v) {
    return v instanceof IntV || v instanceof FloatV || v instanceof BoolV;
  }

  /**
   * Dict keys and set items: what CPython could hash, restricted to plain immutable values.
   * Constant time: a tuple's hashability and height were computed from its direct items when it was
   * made.
   */
  private void requireHashable(Value v) {
    charge(1);
    int h = Value.heightOf(v);
    if (h == Value.COLLIDES) {
      // k * (2**61-1) for k = 0, 1, 2, ... all hash alike: 40,000 such keys (519 KB) kept
      // pickle.load, and torch.load with weights_only, inserting into one dict for 6.7 s,
      // quadratic in the keys. Real keys are small.
      throw fail(
          FormatReason.PICKLE_LIMIT_EXCEEDED,
          v.typeName()
              + " key or set item holding an int outside +-(2**61-2): CPython hashes ints modulo"
              + " 2**61-1, so such keys collide at will");
    }
    if (h < 0) {
      throw fail(FormatReason.PICKLE_MALFORMED, v.typeName() + " cannot be a dict key or set item");
    }
    if (h > limits.maxNesting()) {
      throw fail(
          FormatReason.PICKLE_LIMIT_EXCEEDED,
          "a key nests tuples deeper than " + limits.maxNesting());
    }
  }

  // ------------------------------------------------------------------ freezing and work

  private void charge(long units) {
    work += units;
    if (work > maxWork) {
      throw fail(
          FormatReason.PICKLE_LIMIT_EXCEEDED,
          "more than " + maxWork + " units of structural work on values");
    }
  }

  private void notFrozen(Value target, String op) {
    if (target instanceof Container c && c.immutable) {
      throw fail(
          FormatReason.PICKLE_MUTATED_AFTER_CHECK,
          op
              + " on a "
              + target.typeName()
              + " that an allowed call or BUILD already received and checked");
    }
  }

  /**
   * Freezes {@code root} and everything reachable from it. Each container is frozen once per run,
   * so freezing costs the graph's size in total however often values are shared or handed on.
   */
  private void freeze(Value root) {
    if (root instanceof Container r && !r.immutable) { // small enough to be inlined at every call
      freezeAll(r);
    }
  }

  private void freezeAll(Container r) {
    // The machine's own work list, reused by every freeze: freezing runs once per call.
    int n = 0;
    freezeTodo[n++] = r;
    while (n > 0) {
      Container v = freezeTodo[--n];
      freezeTodo[n] = null;
      if (v.immutable) {
        continue; // reached twice before it was frozen
      }
      v.immutable = true;
      if (v instanceof TupleV t) {
        Value[] items = t.array();
        charge(1 + items.length);
        for (Value c : items) {
          // scalars, globals, storages, tensors: immutable already; a shared frozen container
          // costs its reference
          if (c instanceof Container k && !k.immutable) {
            n = pushTodo(n, k);
          }
        }
        continue;
      }
      List<Value> children;
      if (v instanceof ListV l) {
        children = l.items;
      } else if (v instanceof DictV d) {
        children = d.items;
      } else if (v instanceof SetV s) {
        children = s.items;
      } else {
        children = List.of(); // an instance or TorchScript object: its state is added below
      }
      charge(1 + children.size());
      for (int i = 0, size = children.size(); i < size; i++) {
        if (children.get(i) instanceof Container k && !k.immutable) {
          n = pushTodo(n, k);
        }
      }
      if (v instanceof DictV d && d.state instanceof Container k) {
        n = pushTodo(n, k);
      }
      if (v instanceof InstanceV i && i.state != null) {
        n = pushTodo(n, i.state);
      }
      if (v instanceof ScriptObjectV o && o.state instanceof Container k) {
        n = pushTodo(n, k);
      }
    }
  }

  /** Work list of {@link #freeze}: at most one entry per reference charged, so it stays linear. */
  private Container[] freezeTodo = new Container[16];

  private int pushTodo(int n, Container c) {
    if (n == freezeTodo.length) {
      freezeTodo = Arrays.copyOf(freezeTodo, n * 2);
    }
    freezeTodo[n] = c;
    return n + 1;
  }

  // ------------------------------------------------------------------ globals and calls

  private GlobalV resolve(String module, String name) {
    if (!DottedNames.isDotted(module) || !DottedNames.isDotted(name) || name.indexOf('.') >= 0) {
      throw fail(
          FormatReason.PICKLE_GLOBAL_NAME_INVALID,
          "global '" + clip(module) + "' '" + clip(name) + "' is not a module and a plain name");
    }
    String m = proto < 3 ? COMPAT_MODULES.getOrDefault(module, module) : module;
    GlobalRule rule = profile.rule(m, name).orElse(null);
    if (rule == null) {
      throw fail(
          FormatReason.PICKLE_GLOBAL_NOT_ALLOWED,
          "global " + clip(m) + "." + clip(name) + " is not allowed by profile " + profile.name());
    }
    globals.add(m + "." + name);
    return new GlobalV(m, name, rule);
  }

  private static String clip(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && i < 120; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return sb.toString();
  }

  private FormatException badCall(GlobalV g, String why) {
    return fail(FormatReason.PICKLE_CALL_NOT_ALLOWED, g.module() + "." + g.name() + ": " + why);
  }

  /**
   * Calls an allowed callable: the rule checks the arguments, then they are frozen (see the class
   * comment).
   */
  private Value call(Value callee, TupleV args, String via) {
    // A call whose result is immutable, repeated on the same (frozen) argument tuple through the
    // memo,
    // yields the same value: no second check, no second allocation (a 3-byte BINGET BINGET REDUCE
    // must not cost a rank-64 tensor each time).
    boolean pure = callee instanceof GlobalV g && PURE.contains(g.rule().kind());
    if (pure) {
      Value known = args.pureResult;
      if (known != null && callee.equals(args.pureCallee)) {
        charge(1);
        return known;
      }
    }
    Value result = checkedCall(callee, args, via);
    freeze(args);
    if (pure) {
      args.pureResult = result;
      args.pureCallee = callee;
    }
    return result;
  }

  /** Call kinds whose result is immutable in this model and depends only on the arguments. */
  private static final Set<GlobalRule.Kind> PURE =
      java.util.EnumSet.of(
          GlobalRule.Kind.TORCH_REBUILD_TENSOR_V2,
          GlobalRule.Kind.TORCH_REBUILD_TENSOR,
          GlobalRule.Kind.TORCH_REBUILD_QTENSOR,
          GlobalRule.Kind.TORCH_REBUILD_PARAMETER,
          GlobalRule.Kind.TORCH_REBUILD_SPARSE_TENSOR,
          GlobalRule.Kind.TORCH_GET_LAYOUT,
          GlobalRule.Kind.TORCH_SIZE,
          GlobalRule.Kind.TORCH_DEVICE,
          GlobalRule.Kind.CODECS_ENCODE,
          GlobalRule.Kind.BUILTINS_COMPLEX,
          GlobalRule.Kind.BUILTINS_BYTEARRAY,
          GlobalRule.Kind.PLAIN_DATA_CALL);

  private Value checkedCall(Value callee, TupleV args, String via) {
    if (!(callee instanceof GlobalV g)) {
      throw fail(FormatReason.PICKLE_CALL_NOT_ALLOWED, via + " calls a " + callee.typeName());
    }
    Value[] a = args.array();
    switch (g.rule().kind()) {
      case ORDERED_DICT -> {
        if (a.length != 0) {
          throw badCall(g, "takes no arguments here");
        }
        return new DictV(true);
      }
      case TORCH_REBUILD_TENSOR_V2 -> {
        if (a.length != 6 && a.length != 7) {
          throw badCall(g, "takes 6 or 7 arguments, got " + a.length);
        }
        TensorV t = tensor(g, a, false);
        if (!(a[4] instanceof BoolV)) {
          throw badCall(g, "requires_grad is not a bool");
        }
        emptyHooks(g, a[5]);
        if (a.length == 7
            && !(a[6] instanceof NoneV)
            && !(a[6] instanceof DictV md && strKeys(md) && isPlainData(md))) {
          throw badCall(g, "metadata is not a dict of plain data");
        }
        return t;
      }
      case TORCH_REBUILD_TENSOR -> {
        if (a.length != 4) {
          throw badCall(g, "takes 4 arguments, got " + a.length);
        }
        return tensor(g, a, false);
      }
      case TORCH_REBUILD_QTENSOR -> {
        if (a.length != 7) {
          throw badCall(g, "takes 7 arguments, got " + a.length);
        }
        TensorV t = tensor(g, a, true);
        quantizerParams(g, a[4], t);
        if (!(a[5] instanceof BoolV)) {
          throw badCall(g, "requires_grad is not a bool");
        }
        emptyHooks(g, a[6]);
        return t;
      }
      case TORCH_REBUILD_SPARSE_TENSOR -> {
        SparseV sp = sparse(g, a);
        sparse.add(sp);
        return sp;
      }
      case TORCH_GET_LAYOUT -> {
        if (a.length != 1
            || !(a[0] instanceof StrV s)
            || !(s.value().equals("torch.sparse_coo") || s.value().equals("torch.strided"))) {
          throw badCall(g, "takes 'torch.strided' or 'torch.sparse_coo'");
        }
        return new OpaqueV(s.value());
      }
      case TORCH_REBUILD_PARAMETER -> {
        if (a.length != 3
            || !(a[0] instanceof TensorV t)
            || t.parameter()
            || !(a[1] instanceof BoolV)) {
          throw badCall(g, "takes (tensor, requires_grad, hooks)");
        }
        emptyHooks(g, a[2]);
        return new TensorV(t.storage(), t.storageOffset(), t.size(), t.stride(), true);
      }
      case TORCH_SIZE -> {
        if (a.length != 1 || !(a[0] instanceof TupleV t)) {
          throw badCall(g, "takes one tuple");
        }
        dims(g, t, "size");
        return t;
      }
      case TORCH_DEVICE -> {
        if (a.length == 0
            || a.length > 2
            || !(a[0] instanceof StrV s)
            || !DEVICE.matcher(s.value()).matches()
            || (a.length == 2
                && !(a[1] instanceof IntV i
                    && i.fitsLong()
                    && i.value() >= 0
                    && i.value() < 10_000))) {
          throw badCall(g, "takes a device string such as 'cpu' or 'cuda:0' and an optional index");
        }
        return new OpaqueV("torch.device");
      }
      case CODECS_ENCODE -> {
        if (a.length != 2
            || !(a[0] instanceof StrV s)
            || !(a[1] instanceof StrV enc)
            || !enc.value().equals("latin1")) {
          throw badCall(g, "takes (str, 'latin1') only");
        }
        // one string may be handed to encode by memo any number of times
        if (!latin1.containsKey(s)) {
          charge(s.value().length());
          for (int i = 0; i < s.value().length(); i++) {
            if (s.value().charAt(i) > 0xff) {
              throw badCall(g, "the string is not latin-1");
            }
          }
          latin1.put(s, Boolean.TRUE);
        }
        return new BytesV(-1, s.value().length(), false);
      }
      case BUILTINS_SET -> {
        SetV set = new SetV(false);
        if (a.length == 1 && a[0] instanceof ListV l) {
          if (!l.hashable) { // frozen after this call: hashable for good
            for (Value v : l.items) {
              requireHashable(v);
            }
            l.hashable = true;
          }
          charge(l.items.size()); // the copy
          set.items.addAll(l.items);
        } else if (a.length != 0) {
          throw badCall(g, "takes one list");
        }
        return set;
      }
      case BUILTINS_COMPLEX -> {
        double[] parts = new double[2];
        if (a.length > 2) {
          throw badCall(g, "takes at most two numbers");
        }
        for (int i = 0; i < a.length; i++) {
          if (a[i] instanceof FloatV f) {
            parts[i] = f.value();
          } else if (a[i] instanceof IntV n && n.fitsLong()) {
            parts[i] = n.value();
          } else {
            throw badCall(g, "takes int or float parts, not a " + a[i].typeName());
          }
        }
        return new ComplexV(parts[0], parts[1]);
      }
      case BUILTINS_BYTEARRAY -> {
        if (a.length == 0) {
          return new BytesV(-1, 0, true);
        }
        if (a.length != 1 || !(a[0] instanceof BytesV b) || b.mutable()) {
          throw badCall(g, "takes nothing or one bytes value");
        }
        return new BytesV(b.offset(), b.length(), true);
      }
      case COUNTER -> {
        DictV c = new DictV(false, true);
        if (a.length == 1
            && a[0] instanceof DictV d
            && !d.ordered
            && !d.counter
            && d.state == null) {
          charge(d.items.size());
          setItems(c, d.items); // values must be numbers
        } else if (a.length != 0) {
          throw badCall(g, "takes nothing or one dict of counts");
        }
        return c;
      }
      case DATA_CLASS -> {
        if (a.length != 0) {
          throw badCall(g, "a data class is created without arguments");
        }
        return new InstanceV(g);
      }
      case PLAIN_DATA_CALL -> {
        for (Value v : a) {
          if (!isPlainData(v)) {
            throw badCall(g, "argument of type " + v.typeName() + " is not plain data");
          }
        }
        return new OpaqueV(g.module() + "." + g.name());
      }
      case TORCHSCRIPT_TYPE_TAG -> {
        if (a.length != 2
            || !(a[0] instanceof ListV || a[0] instanceof DictV d && !d.ordered && !d.counter)
            || !(a[1] instanceof StrV type)
            || type.value().length() > 1024
            || !TYPE_TAG.matcher(type.value()).matches()) {
          throw badCall(g, "takes (list or dict, type string)");
        }
        return a[0];
      }
      case TORCHSCRIPT_LIST -> {
        if (a.length != 1 || !(a[0] instanceof ListV l)) {
          throw badCall(g, "takes one list");
        }
        charge(l.items.size());
        for (Value v : l.items) {
          boolean ok =
              switch (g.rule().dtype()) {
                case "int" -> v instanceof IntV;
                case "float" -> v instanceof FloatV;
                case "bool" -> v instanceof BoolV;
                default -> v instanceof TensorV;
              };
          if (!ok) {
            throw badCall(g, "holds a " + v.typeName() + ", not only " + g.rule().dtype());
          }
        }
        return l;
      }
      default -> throw badCall(g, "is not callable in profile " + profile.name());
    }
  }

  /**
   * A TorchScript type string as restore_type_tag receives it: names, brackets, commas, spaces,
   * dots.
   */
  private static final Pattern TYPE_TAG = Pattern.compile("[A-Za-z_][A-Za-z0-9_\\[\\], .]*");

  private Value newObject(Value cls, TupleV args) {
    if (cls instanceof GlobalV g && g.rule().kind() == GlobalRule.Kind.TORCHSCRIPT_OBJECT) {
      if (args.size() != 0) {
        throw badCall(g, "a TorchScript object is created without arguments");
      }
      fastMemoLimit = 0; // memo writes now take the full path, which looks for unbuilt objects
      return new ScriptObjectV(g, base + opStart);
    }
    if (cls instanceof GlobalV g
        && (g.rule().kind() == GlobalRule.Kind.DATA_CLASS
            || g.rule().kind() == GlobalRule.Kind.PLAIN_DATA_CALL)) {
      return call(g, args, "NEWOBJ");
    }
    throw fail(
        FormatReason.PICKLE_CALL_NOT_ALLOWED, "NEWOBJ of " + cls.typeName() + " is not allowed");
  }

  private void build(Value target, Value state) {
    notFrozen(target, "BUILD");
    if (target instanceof DictV d && d.ordered && d.state == null) {
      if (state instanceof DictV s
          && !s.ordered
          && !s.counter
          && s.size() >= 1
          && onlyKey(s, "_metadata")
          && isPlainData(s)) {
        d.state = s;
        freeze(s);
        return;
      }
      throw fail(
          FormatReason.PICKLE_BUILD_NOT_ALLOWED,
          "OrderedDict state other than {'_metadata': plain data}");
    }
    if (target instanceof InstanceV i && i.state == null) {
      if (state instanceof DictV s && !s.ordered && !s.counter && strKeys(s) && isPlainData(s)) {
        i.state = s;
        freeze(s);
        return;
      }
      throw fail(
          FormatReason.PICKLE_BUILD_NOT_ALLOWED,
          i.typeName() + " state is not a dict of plain data");
    }
    if (target instanceof ScriptObjectV o && o.state == null) {
      if (!scriptState(state)) {
        throw fail(
            FormatReason.PICKLE_BUILD_NOT_ALLOWED,
            o.typeName()
                + " state holds something other than plain data,"
                + " tensors and TorchScript objects");
      }
      o.state = state;
      freeze(state);
      return;
    }
    throw fail(FormatReason.PICKLE_BUILD_NOT_ALLOWED, "BUILD on " + target.typeName());
  }

  private boolean onlyKey(DictV d, String key) {
    charge(d.size());
    for (int i = 0; i < d.items.size(); i += 2) {
      if (!(d.items.get(i) instanceof StrV s) || !s.value().equals(key)) {
        return false;
      }
    }
    return true;
  }

  private boolean strKeys(DictV d) {
    charge(d.size());
    for (int i = 0; i < d.items.size(); i += 2) {
      if (!(d.items.get(i) instanceof StrV)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a value is plain data: None, bool, int, float, complex, str, bytes, and tuples, lists,
   * dicts and sets of plain data. Each container is visited once per call, and a frozen container
   * proven plain is never visited again (frozen values cannot change), so shared or cyclic
   * structures cost their size once per run. Every caller freezes what it checked on success.
   */
  /**
   * A TorchScript object's state: plain data, tensors, devices and other TorchScript objects (whose
   * own state their BUILD checked), nested no deeper than the limit. Each container is visited
   * once.
   */
  private boolean scriptState(Value root) {
    IdentityHashMap<Value, Boolean> seen = new IdentityHashMap<>();
    ArrayList<Value> todo = new ArrayList<>();
    ArrayList<Integer> depth = new ArrayList<>();
    todo.add(root);
    depth.add(0);
    while (!todo.isEmpty()) {
      Value v = todo.remove(todo.size() - 1);
      int d = depth.remove(depth.size() - 1);
      if (d > limits.maxNesting()) {
        throw fail(
            FormatReason.PICKLE_LIMIT_EXCEEDED, "nesting deeper than " + limits.maxNesting());
      }
      if (v instanceof StrV
          || v instanceof IntV
          || v instanceof BoolV
          || v instanceof NoneV
          || v instanceof FloatV
          || v instanceof TensorV
          || v instanceof ScriptObjectV
          || v instanceof OpaqueV o && o.type().equals("torch.device")) {
        continue;
      }
      List<Value> children;
      if (v instanceof TupleV t) {
        children = t.items();
      } else if (v instanceof ListV l) {
        children = l.items;
      } else if (v instanceof DictV dv && !dv.ordered && !dv.counter) {
        children = dv.items;
      } else {
        return false;
      }
      if (seen.put(v, Boolean.TRUE) != null) {
        continue;
      }
      charge(1 + children.size());
      for (Value c : children) {
        todo.add(c);
        depth.add(d + 1);
      }
    }
    return true;
  }

  private boolean isPlainData(Value root) {
    IdentityHashMap<Value, Boolean> seen = new IdentityHashMap<>();
    ArrayList<Value> todo = new ArrayList<>();
    ArrayList<Integer> depth = new ArrayList<>();
    todo.add(root);
    depth.add(0);
    while (!todo.isEmpty()) {
      Value v = todo.remove(todo.size() - 1);
      int d = depth.remove(depth.size() - 1);
      if (d > limits.maxNesting()) {
        throw fail(
            FormatReason.PICKLE_LIMIT_EXCEEDED, "nesting deeper than " + limits.maxNesting());
      }
      if (v instanceof StrV
          || v instanceof IntV
          || v instanceof BoolV
          || v instanceof NoneV
          || v instanceof FloatV
          || v instanceof BytesV
          || v instanceof ComplexV
          || v instanceof Container c && c.plain) {
        continue;
      }
      List<Value> children;
      if (v instanceof TupleV t) {
        children = t.items();
      } else if (v instanceof ListV l) {
        children = l.items;
      } else if (v instanceof DictV dv) {
        children = dv.items;
        if (dv.state != null) {
          todo.add(dv.state);
          depth.add(d + 1);
        }
      } else if (v instanceof SetV s) {
        children = s.items;
      } else {
        return false;
      }
      if (seen.put(v, Boolean.TRUE) != null) {
        continue;
      }
      charge(1 + children.size());
      for (Value c : children) {
        todo.add(c);
        depth.add(d + 1);
      }
    }
    for (Value v : seen.keySet()) {
      ((Container) v).plain = true; // only containers get past the scalar test into seen
    }
    return true;
  }

  private void emptyHooks(GlobalV g, Value hooks) {
    if (!(hooks instanceof DictV d) || !d.ordered || d.size() != 0 || d.state != null) {
      throw badCall(g, "backward hooks must be an empty OrderedDict");
    }
  }

  private long[] dims(GlobalV g, TupleV t, String what) {
    long[] known = t.dims; // sizes and strides already read from it (tuples are immutable)
    if (known != null) {
      return known;
    }
    Value[] items = t.array();
    charge(1 + items.length);
    if (items.length > limits.maxRank()) {
      throw fail(
          FormatReason.PICKLE_LIMIT_EXCEEDED,
          g.name() + ": rank " + items.length + " over the limit");
    }
    long[] out = new long[items.length];
    for (int i = 0; i < out.length; i++) {
      if (!(items[i] instanceof IntV v) || !v.fitsLong() || v.value() < 0) {
        throw badCall(g, what + " is not a tuple of non-negative ints");
      }
      out[i] = v.value();
    }
    t.dims = out;
    return out;
  }

  private static boolean quantized(StorageV s) {
    return s.dtype().startsWith("q");
  }

  /**
   * storage, offset, size, stride: typed, and every element the view can reach lies in the storage.
   * Quantized storages only for the quantized rebuild, dense ones only for the others.
   */
  private TensorV tensor(GlobalV g, Value[] a, boolean wantQuantized) {
    if (!(a[0] instanceof StorageV s)) {
      throw badCall(g, "first argument is a " + a[0].typeName() + ", not a storage");
    }
    if (quantized(s) != wantQuantized) {
      throw badCall(
          g, "storage of " + s.dtype() + " is " + (wantQuantized ? "not " : "") + "quantized");
    }
    if (!(a[1] instanceof IntV off) || !off.fitsLong() || off.value() < 0) {
      throw badCall(g, "storage offset is not a non-negative int");
    }
    if (!(a[2] instanceof TupleV sizeT) || !(a[3] instanceof TupleV strideT)) {
      throw badCall(g, "size and stride must be tuples");
    }
    long[] size = dims(g, sizeT, "size");
    long[] stride = dims(g, strideT, "stride");
    if (size.length != stride.length) {
      throw badCall(g, "size and stride have different lengths");
    }
    boolean empty = false;
    for (long n : size) {
      empty |= n == 0;
    }
    if (!empty) {
      try {
        long last = off.value();
        long numel = 1;
        for (int i = 0; i < size.length; i++) {
          last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
          numel = Math.multiplyExact(numel, size[i]);
        }
        if (last >= s.numel()) {
          throw fail(
              FormatReason.PYTORCH_TENSOR_OUT_OF_BOUNDS,
              "tensor reaches element "
                  + last
                  + " of storage '"
                  + s.key()
                  + "' holding "
                  + s.numel());
        }
      } catch (ArithmeticException e) {
        throw fail(FormatReason.PYTORCH_TENSOR_OUT_OF_BOUNDS, "tensor extent overflows");
      }
    } else if (off.value() > s.numel()) {
      throw fail(FormatReason.PYTORCH_TENSOR_OUT_OF_BOUNDS, "storage offset past the storage");
    }
    return new TensorV(s, off.value(), size, stride, false);
  }

  /** {@code _rebuild_qtensor}'s quantizer parameters for tensor {@code t}. */
  private void quantizerParams(GlobalV g, Value v, TensorV t) {
    if (!(v instanceof TupleV q)
        || q.items().isEmpty()
        || !(q.items().get(0) instanceof GlobalV scheme)
        || scheme.rule().kind() != GlobalRule.Kind.TORCH_QSCHEME) {
      throw badCall(g, "quantizer parameters do not start with a quantization scheme");
    }
    List<Value> p = q.items();
    if (scheme.name().equals("per_tensor_affine")) {
      if (p.size() != 3
          || !(p.get(1) instanceof FloatV || p.get(1) instanceof IntV)
          || !(p.get(2) instanceof IntV zp && zp.fitsLong())) {
        throw badCall(g, "per_tensor_affine takes (scheme, scale, zero_point)");
      }
      return;
    }
    // per_channel_affine, per_channel_affine_float_qparams: one scale and zero point per slice on
    // axis
    if (p.size() != 4
        || !(p.get(3) instanceof IntV axis)
        || !axis.fitsLong()
        || axis.value() < 0
        || axis.value() >= t.size().length) {
      throw badCall(
          g,
          scheme.name() + " takes (scheme, scales, zero_points, axis) with an axis of the tensor");
    }
    long channels = t.size()[(int) axis.value()];
    for (int i = 1; i <= 2; i++) {
      Value c = p.get(i);
      boolean ok;
      if (c instanceof TensorV ct) {
        ok = !quantized(ct.storage()) && ct.size().length == 1 && ct.size()[0] == channels;
      } else if (c instanceof ListV l) {
        ok = l.items.size() == channels;
        for (Value x : l.items) {
          ok &= x instanceof FloatV || x instanceof IntV;
        }
        charge(l.items.size());
      } else {
        ok = false;
      }
      if (!ok) {
        throw badCall(
            g,
            (i == 1 ? "scales" : "zero points")
                + " are not "
                + channels
                + " numbers (one per slice along axis "
                + axis.value()
                + ")");
      }
    }
  }

  /** {@code _rebuild_sparse_tensor(layout, data)} for the COO layout. */
  private SparseV sparse(GlobalV g, Value[] a) {
    if (a.length != 2
        || !(a[0] instanceof OpaqueV layout)
        || !layout.type().equals("torch.sparse_coo")) {
      throw badCall(g, "takes the sparse_coo layout and its data");
    }
    if (!(a[1] instanceof TupleV data) || (data.items().size() != 3 && data.items().size() != 4)) {
      throw badCall(g, "data is not (indices, values, size[, is_coalesced])");
    }
    List<Value> d = data.items();
    if (!(d.get(0) instanceof TensorV indices)
        || indices.parameter()
        || !indices.storage().dtype().equals("int64")
        || indices.size().length != 2) {
      throw badCall(g, "indices are not a 2-d int64 tensor");
    }
    if (!(d.get(1) instanceof TensorV values)
        || values.parameter()
        || quantized(values.storage())
        || values.size().length < 1) {
      throw badCall(g, "values are not a dense tensor");
    }
    if (!(d.get(2) instanceof TupleV sizeT)) {
      throw badCall(g, "size is not a tuple");
    }
    long[] size = dims(g, sizeT, "size");
    long sparseDims = indices.size()[0];
    long nnz = indices.size()[1];
    int denseDims = values.size().length - 1;
    if (values.size()[0] != nnz || sparseDims + denseDims != size.length) {
      throw badCall(g, "indices, values and size disagree on nnz or the number of dimensions");
    }
    for (int i = 0; i < denseDims; i++) {
      if (values.size()[i + 1] != size[(int) sparseDims + i]) {
        throw badCall(g, "the values' dense dimensions differ from the size");
      }
    }
    if (d.size() == 4 && !(d.get(3) instanceof BoolV || d.get(3) instanceof NoneV)) {
      throw badCall(g, "is_coalesced is not a bool or None");
    }
    return new SparseV(indices, values, size);
  }

  // ------------------------------------------------------------------ text forms

  /**
   * The pickler's own decimal forms only: no base prefixes, signs on zero, spaces or underscores.
   */
  private BigInteger decimal(String s, boolean longForm) {
    String digits = longForm && s.endsWith("L") ? s.substring(0, s.length() - 1) : s;
    if (digits.length() > limits.maxIntBytes() * 3
        || !digits.matches("-?(0|[1-9][0-9]*)")
        || digits.equals("-0")) {
      if (digits.length() > limits.maxIntBytes() * 3) {
        throw fail(FormatReason.PICKLE_LIMIT_EXCEEDED, "integer literal longer than the limit");
      }
      throw fail(FormatReason.PICKLE_MALFORMED, "'" + clip(s) + "' is not a plain decimal integer");
    }
    return new BigInteger(digits);
  }

  private double parseFloat(String s) {
    switch (s) {
      case "inf":
        return Double.POSITIVE_INFINITY;
      case "-inf":
        return Double.NEGATIVE_INFINITY;
      case "nan":
        return Double.NaN;
      default:
        if (s.length() > 400 || !s.matches("-?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?")) {
          throw fail(FormatReason.PICKLE_MALFORMED, "'" + clip(s) + "' is not a float literal");
        }
        return Double.parseDouble(s);
    }
  }

  /** Protocol-0 STRING: a quoted repr with simple escapes, ASCII result (py2 str). */
  private String quotedString(byte[] raw) {
    if (raw.length < 2 || raw[0] != raw[raw.length - 1] || (raw[0] != '\'' && raw[0] != '"')) {
      throw fail(FormatReason.PICKLE_MALFORMED, "STRING argument is not quoted");
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < raw.length - 1; i++) {
      int c = raw[i] & 0xff;
      if (c != '\\') {
        sb.append((char) c);
        continue;
      }
      if (++i >= raw.length - 1) {
        throw fail(FormatReason.PICKLE_MALFORMED, "STRING ends in a backslash");
      }
      char e = (char) raw[i];
      switch (e) {
        case '\\', '\'', '"' -> sb.append(e);
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'x' -> {
          if (i + 2 >= raw.length - 1 + 1 || i + 2 > raw.length - 2) {
            throw fail(FormatReason.PICKLE_MALFORMED, "truncated \\x escape");
          }
          sb.append((char) hex(raw, i + 1, 2));
          i += 2;
        }
        default -> throw fail(FormatReason.PICKLE_MALFORMED, "unsupported escape in STRING");
      }
    }
    return py2Text(sb);
  }

  private String py2String(byte[] raw) {
    StringBuilder sb = new StringBuilder(raw.length);
    for (byte b : raw) {
      sb.append((char) (b & 0xff));
    }
    return py2Text(sb);
  }

  /**
   * Python 2 str payloads decode differently per loader (ASCII for pickle.load, UTF-8 for
   * torch.load); only ASCII reads the same everywhere.
   */
  private String py2Text(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7f) {
        throw fail(
            FormatReason.PICKLE_MALFORMED,
            "non-ASCII Python 2 string: loaders disagree on its text");
      }
    }
    return s.toString();
  }

  private int hex(byte[] raw, int at, int n) {
    int v = 0;
    for (int k = 0; k < n; k++) {
      int d = Character.digit(raw[at + k], 16);
      if (d < 0) {
        throw fail(FormatReason.PICKLE_MALFORMED, "bad hex digit in an escape");
      }
      v = v * 16 + d;
    }
    return v;
  }

  /**
   * CPython's raw-unicode-escape: latin-1, except \\uXXXX / \\UXXXXXXXX after an odd run of
   * backslashes.
   */
  private String rawUnicodeEscape(byte[] raw) {
    StringBuilder sb = new StringBuilder(raw.length);
    int i = 0;
    while (i < raw.length) {
      int c = raw[i] & 0xff;
      if (c != '\\') {
        sb.append((char) c);
        i++;
        continue;
      }
      int run = 0;
      while (i < raw.length && raw[i] == '\\') {
        sb.append('\\');
        run++;
        i++;
      }
      if (run % 2 == 0 || i >= raw.length || (raw[i] != 'u' && raw[i] != 'U')) {
        continue;
      }
      sb.setLength(sb.length() - 1);
      int n = raw[i] == 'u' ? 4 : 8;
      if (i + 1 + n > raw.length) {
        throw fail(FormatReason.PICKLE_MALFORMED, "truncated \\u escape");
      }
      int cp = hex(raw, i + 1, n);
      if (cp < 0 || cp > 0x10FFFF) {
        throw fail(FormatReason.PICKLE_MALFORMED, "\\U escape out of range");
      }
      sb.appendCodePoint(cp);
      i += 1 + n;
    }
    return sb.toString();
  }
}
