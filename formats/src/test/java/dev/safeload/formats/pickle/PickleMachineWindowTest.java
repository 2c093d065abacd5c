package dev.safeload.formats.pickle;

import static dev.safeload.formats.Pickles.le32;
import static dev.safeload.formats.Pickles.le64;
import static dev.safeload.formats.Pickles.of;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.safeload.formats.internal.pickle.PickleLimits;
import dev.safeload.formats.internal.pickle.PickleMachine;
import dev.safeload.formats.internal.pickle.Value;
import dev.safeload.spi.FormatException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, session 6: the machine reads opcodes and their fixed-size arguments from a copy of the
 * input in a window of 64 KiB, moved forward when a read crosses its end. What it reads, what it
 * refuses, for which reason and at which offset, must not depend on where the window's edges fall:
 * these tests put every opcode with an argument at each position across the first edge (65,536
 * bytes after the start of the run), in heap, read-only and direct buffers and at a non-zero start,
 * and every refusal the edge could touch (truncation, frame, size limit) right at it. They hold for
 * the machine before the window as they do with it.
 */
class PickleMachineWindowTest {

  /** The window's size ({@code PickleMachine.WINDOW}). */
  private static final int EDGE = 1 << 16;

  private static final PickleLimits D = PickleLimits.defaults();

  private static PickleLimits maxBytes(long maxPickleBytes) {
    return new PickleLimits(
        maxPickleBytes,
        D.maxInflatedBytes(),
        D.maxOpcodes(),
        D.maxStack(),
        D.maxMarks(),
        D.maxMemo(),
        D.maxItems(),
        D.maxString(),
        D.maxIntBytes(),
        D.maxNesting(),
        D.maxRank());
  }

  /** The ways production hands the machine its input. */
  private static List<ByteBuffer> buffers(byte[] pickle, int at) {
    byte[] padded = new byte[at + pickle.length];
    System.arraycopy(pickle, 0, padded, at, pickle.length);
    ByteBuffer direct = ByteBuffer.allocateDirect(padded.length);
    direct.put(padded).flip();
    List<ByteBuffer> out = new ArrayList<>();
    out.add(ByteBuffer.wrap(padded).position(at));
    out.add(ByteBuffer.wrap(padded).asReadOnlyBuffer().position(at));
    out.add(direct.asReadOnlyBuffer().position(at).order(ByteOrder.BIG_ENDIAN));
    return out;
  }

  private static PickleMachine.Result run(ByteBuffer in, PickleLimits limits) {
    return PickleMachine.run(in, 0, PickleProfile.torchWeightsExtended(), limits, null);
  }

  /** The value, the same from every kind of buffer and start; its end is checked too. */
  private static Value value(byte[] pickle, PickleLimits limits) {
    Value first = null;
    for (int at : new int[] {0, 7}) {
      for (ByteBuffer b : buffers(pickle, at)) {
        PickleMachine.Result r = run(b, limits);
        assertEquals(at + pickle.length, r.end());
        String v = describe(r.value());
        if (first == null) {
          first = r.value();
        } else {
          assertEquals(describe(first), v);
        }
      }
    }
    return first;
  }

  private static Value value(byte[] pickle) {
    return value(pickle, D);
  }

  /** The refusal's reason code and offset ("CODE@offset"), the same from every kind of buffer. */
  private static String refusal(byte[] pickle, PickleLimits limits) {
    String first = null;
    for (ByteBuffer b : buffers(pickle, 0)) {
      FormatException e = assertThrows(FormatException.class, () -> run(b, limits));
      String r = e.reason().code() + "@" + e.offset();
      if (first == null) {
        first = r;
      } else {
        assertEquals(first, r);
      }
    }
    return first;
  }

  private static String refusal(byte[] pickle) {
    return refusal(pickle, D);
  }

  private static String describe(Value v) {
    if (v instanceof Value.ListV l) {
      StringBuilder sb = new StringBuilder("[");
      for (Value i : l.items) {
        sb.append(describe(i)).append(',');
      }
      return sb.append(']').toString();
    }
    if (v instanceof Value.StrV s) {
      return "'" + s.value() + "'";
    }
    if (v instanceof Value.IntV i) {
      return i.big() != null ? i.big().toString() : Long.toString(i.value());
    }
    if (v instanceof Value.FloatV f) {
      return Double.toString(f.value());
    }
    return v.typeName();
  }

  /** Pads {@code b} up to {@code to} with NONE POP pairs and, if needed, one BININT1 POP. */
  private static void pad(ByteArrayOutputStream b, int to) {
    if ((to - b.size()) % 2 != 0) {
      b.writeBytes(of("K", 9, "0"));
    }
    while (b.size() < to) {
      b.writeBytes(of("N0"));
    }
    assertEquals(to, b.size());
  }

  /** PROTO 4, MARK, then padding so that the next byte is at {@code to}. */
  private static byte[] padTo(int to) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(of(0x80, 4, "("));
    pad(b, to);
    return b.toByteArray();
  }

  /**
   * Every opcode with an argument that the window serves, what it pushes, and whether it is one
   * opcode (so that cutting it anywhere is truncation at its offset).
   */
  private static final Object[][] ARGUMENTS = {
    {of("K", 200), "200", true},
    {of("M", 0x34, 0x12), "4660", true},
    {of("J", le32(-5)), "-5", true},
    {of("X", le32(3), "abc"), "'abc'", true},
    {of("X", le32(2), 0xc3, 0xa9), "'\u00e9'", true},
    {of(0x8c, 2, "hi"), "'hi'", true},
    {of("G", 0x3f, 0xf8, 0, 0, 0, 0, 0, 0), "1.5", true},
    {of(0x8a, 2, 0x01, 0x02), "513", true},
    {of(0x8a, 0), "0", false},
    {of(0x8d, le64(3), "xyz"), "'xyz'", true},
    {of("K", 7, "q", 3, "0h", 3), "7", false},
    {of("K", 8, "r", le32(60000), "0j", le32(60000)), "8", false},
  };

  @Test
  void everyArgumentReadsTheSameAcrossTheWindowsEdge() {
    for (Object[] a : ARGUMENTS) {
      byte[] op = (byte[]) a[0];
      for (int before = 0; before <= op.length + 1; before++) {
        // the opcode starts `before` bytes before the edge (0: at it)
        byte[] p = of(padTo(EDGE - before), op, "l.");
        assertEquals("[" + a[1] + ",]", describe(value(p)), "before " + before);
      }
    }
  }

  @Test
  void stringsLongerThanTheScratchOrTheWindowCrossItsEdge() {
    for (int len : new int[] {255, 256, 257, 300, EDGE - 1, EDGE, EDGE + 1, 3 * EDGE + 5}) {
      byte[] text = new byte[len];
      for (int i = 0; i < len; i++) {
        text[i] = (byte) ('a' + i % 26);
      }
      String expected = new String(text, StandardCharsets.US_ASCII);
      for (int before : new int[] {0, 1, 3, 5, 200}) {
        // the string, then an opcode with an argument that must come from the input after it
        byte[] p = of(padTo(EDGE - before), "X", le32(len), text, "K", 5, "l.");
        assertEquals(
            "['" + expected + "',5,]", describe(value(p)), "len " + len + " before " + before);
      }
    }
    // non-ASCII text longer than the scratch, across the edge
    byte[] e = new byte[600];
    for (int i = 0; i < e.length; i += 2) {
      e[i] = (byte) 0xc3;
      e[i + 1] = (byte) 0xa9;
    }
    byte[] p = of(padTo(EDGE - 100), "X", le32(e.length), e, "l.");
    assertEquals("['" + "\u00e9".repeat(300) + "',]", describe(value(p)));
  }

  @Test
  void truncationAtTheEdgeIsReportedAtItsOpcode() {
    for (Object[] a : ARGUMENTS) {
      byte[] op = (byte[]) a[0];
      if (!(Boolean) a[2]) {
        continue; // a sequence: its opcodes are covered by the others
      }
      // the input ends at the edge, inside the opcode's argument (or its declared text)
      for (int kept = 1; kept < op.length; kept++) {
        int at = EDGE - kept;
        byte[] p = of(padTo(at), Arrays.copyOf(op, kept));
        assertEquals("PICKLE_TRUNCATED@" + at, refusal(p), "op " + op[0] + " kept " + kept);
      }
    }
    // the input ends exactly at the edge, between opcodes: STOP is missing
    assertEquals("PICKLE_TRUNCATED@" + EDGE, refusal(padTo(EDGE)));
    // the last byte of the input, after the edge, is an argument: read, then STOP is missing
    assertEquals("PICKLE_TRUNCATED@" + (EDGE + 1), refusal(of(padTo(EDGE - 1), "K", 1)));
  }

  @Test
  void anInputCutToTheSizeLimitAtTheEdgeIsALimit() {
    byte[] p = of(padTo(EDGE - 1), "J", le32(1), "l.");
    assertEquals("[1,]", describe(value(p, maxBytes(p.length))));
    // cut before BININT's opcode or inside its argument: a limit at the opcode
    for (int limit = EDGE - 1; limit < EDGE + 4; limit++) {
      assertEquals(
          "PICKLE_LIMIT_EXCEEDED@" + (EDGE - 1), refusal(p, maxBytes(limit)), "limit " + limit);
    }
    // cut right after the argument, or after the next opcode: a limit where STOP is missing
    assertEquals("PICKLE_LIMIT_EXCEEDED@" + (EDGE + 4), refusal(p, maxBytes(EDGE + 4)));
    assertEquals("PICKLE_LIMIT_EXCEEDED@" + (EDGE + 5), refusal(p, maxBytes(EDGE + 5)));
  }

  @Test
  void framesEndingAtTheEdgeHoldForEveryArgument() {
    // PROTO 4, FRAME n, MARK: the frame's content starts at 11 and ends at `end`
    for (int end = EDGE - 3; end <= EDGE + 3; end++) {
      // BININT at end - 3: its argument crosses the frame's end by two, with input after it
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.writeBytes(of(0x80, 4, 0x95, le64(end - 11), "("));
      pad(b, end - 3);
      byte[] crossing = of(b.toByteArray(), "J", le32(1), "l.");
      assertEquals("PICKLE_FRAME_INVALID@" + (end - 3), refusal(crossing), "end " + end);
      // BININT ending at the frame's end: the next opcode, and its argument, run outside it
      ByteArrayOutputStream ok = new ByteArrayOutputStream();
      ok.writeBytes(of(0x80, 4, 0x95, le64(end - 11), "("));
      pad(ok, end - 5);
      byte[] good = of(ok.toByteArray(), "J", le32(3), "K", 6, "l.");
      assertEquals("[3,6,]", describe(value(good)), "end " + end);
      // the same frame, the input ending inside the argument after it: truncation at its opcode
      assertEquals(
          "PICKLE_TRUNCATED@" + end,
          refusal(of(ok.toByteArray(), "J", le32(3), "J", 1, 2)),
          "end " + end);
    }
  }
}
