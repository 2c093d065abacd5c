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
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The opcode limit ({@code pickle.maxOpcodes}) as the loop checks it since issue 14, session 6: it
 * counts every opcode but compares the count with the limit only past the position where the count
 * could first exceed it (every opcode takes at least a byte). The limit must refuse exactly the
 * {@code (max + 1)}th opcode, at its offset, before that opcode's other checks, whether the opcodes
 * before it took one byte each or many, inside a frame or not, and at a non-zero start.
 */
class PickleMachineOpcodeLimitTest {

  private static final PickleLimits D = PickleLimits.defaults();

  private static PickleLimits maxOpcodes(long max) {
    return new PickleLimits(
        D.maxPickleBytes(),
        D.maxInflatedBytes(),
        max,
        D.maxStack(),
        D.maxMarks(),
        D.maxMemo(),
        D.maxItems(),
        D.maxString(),
        D.maxIntBytes(),
        D.maxNesting(),
        D.maxRank());
  }

  private static Value run(byte[] pickle, long max, int at) {
    byte[] padded = new byte[at + pickle.length];
    System.arraycopy(pickle, 0, padded, at, pickle.length);
    return PickleMachine.run(
            ByteBuffer.wrap(padded).asReadOnlyBuffer().position(at),
            0,
            PickleProfile.torchWeightsExtended(),
            maxOpcodes(max),
            null)
        .value();
  }

  /** The refusal's reason code and offset relative to the pickle's start ("CODE@offset"). */
  private static String refusal(byte[] pickle, long max) {
    String first = null;
    for (int at : new int[] {0, 5}) {
      FormatException e = assertThrows(FormatException.class, () -> run(pickle, max, at));
      String r = e.reason().code() + "@" + (e.offset() - at);
      if (first == null) {
        first = r;
      } else {
        assertEquals(first, r);
      }
    }
    return first;
  }

  @Test
  void oneByteOpcodesMeetTheLimitExactly() {
    // PROTO, MARK, 3 x NONE, TUPLE, STOP: 7 opcodes in 8 bytes
    byte[] p = of(0x80, 2, "(NNNt.");
    assertEquals(3, ((Value.TupleV) run(p, 7, 0)).size());
    assertEquals(3, ((Value.TupleV) run(p, 7, 3)).size());
    for (int max = 0; max < 7; max++) {
      // the (max + 1)th opcode is refused at its offset: PROTO at 0, the others one byte each
      int offset = max == 0 ? 0 : max + 1;
      assertEquals("PICKLE_LIMIT_EXCEEDED@" + offset, refusal(p, max), "max " + max);
    }
    assertEquals("PICKLE_LIMIT_EXCEEDED@0", refusal(p, -1));
  }

  @Test
  void opcodesWithLongArgumentsAreCountedNotMeasured() {
    // PROTO, BINUNICODE of 300 bytes, BININT, POP, POP, BININT, STOP: 7 opcodes, far more bytes
    byte[] text = "x".repeat(300).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] p = of(0x80, 2, "X", le32(300), text, "J", le32(1), "00J", le32(2), ".");
    assertEquals(2, ((Value.IntV) run(p, 7, 0)).value());
    assertEquals(2, ((Value.IntV) run(p, 7, 1)).value());
    int[] offsets = {0, 2, 307, 312, 313, 314, 319};
    for (int max = 0; max < 7; max++) {
      assertEquals("PICKLE_LIMIT_EXCEEDED@" + offsets[max], refusal(p, max), "max " + max);
    }
  }

  @Test
  void theLimitComesAfterTheEndAndFrameChecksAndBeforeTheOpcodesOwn() {
    // PROTO 4, FRAME 2, NONE, POP, then the input ends: the 5th opcode is missing
    byte[] framed = of(0x80, 4, 0x95, le64(2), "N0");
    assertEquals("PICKLE_TRUNCATED@13", refusal(framed, 4));
    assertEquals("PICKLE_TRUNCATED@13", refusal(framed, 100));
    assertEquals("PICKLE_LIMIT_EXCEEDED@12", refusal(framed, 3));
    // the 4th opcode is unknown, truncated or not allowed: the limit is reported first
    assertEquals("PICKLE_LIMIT_EXCEEDED@4", refusal(of(0x80, 2, "NN", 0xff), 3));
    assertEquals("PICKLE_UNKNOWN_OPCODE@4", refusal(of(0x80, 2, "NN", 0xff), 4));
    assertEquals("PICKLE_LIMIT_EXCEEDED@4", refusal(of(0x80, 2, "NNJ", 1), 3));
    assertEquals("PICKLE_TRUNCATED@4", refusal(of(0x80, 2, "NNJ", 1), 4));
  }
}
