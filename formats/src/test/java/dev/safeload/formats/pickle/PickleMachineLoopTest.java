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
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The main loop's combined checks of issue 14, session 5b: one comparison against the end of the
 * current frame or input for both the end-of-input and the frame check, one against {@code
 * min(maxStack, stack capacity)} for both the depth limit and growth, and the stack's floor kept
 * beside the marks. Each must refuse exactly what the separate checks refused, for the same reason
 * at the same offset; these tests pin the edges where the two could part.
 */
class PickleMachineLoopTest {

  private static final PickleLimits D = PickleLimits.defaults();

  private static PickleLimits limits(long maxPickleBytes, long maxStack) {
    return new PickleLimits(
        maxPickleBytes,
        D.maxInflatedBytes(),
        D.maxOpcodes(),
        maxStack,
        D.maxMarks(),
        D.maxMemo(),
        D.maxItems(),
        D.maxString(),
        D.maxIntBytes(),
        D.maxNesting(),
        D.maxRank());
  }

  private static Value run(byte[] pickle, PickleLimits limits) {
    return PickleMachine.run(
            ByteBuffer.wrap(pickle).asReadOnlyBuffer(),
            0,
            PickleProfile.torchWeightsExtended(),
            limits,
            null)
        .value();
  }

  private static Value run(byte[] pickle) {
    return run(pickle, D);
  }

  /** The refusal's reason code and offset, as "CODE@offset". */
  private static String refusal(byte[] pickle, PickleLimits limits) {
    FormatException e = assertThrows(FormatException.class, () -> run(pickle, limits));
    return e.reason().code() + "@" + e.offset();
  }

  private static String refusal(byte[] pickle) {
    return refusal(pickle, D);
  }

  @Test
  void anArgumentPastTheEndIsTruncationAtItsOpcode() {
    assertEquals("PICKLE_TRUNCATED@2", refusal(of(0x80, 2, "K")));
    assertEquals("PICKLE_TRUNCATED@3", refusal(of(0x80, 2, "N", "r", 0, 0)));
    assertEquals("PICKLE_TRUNCATED@3", refusal(of(0x80, 2, "N", "q")));
    assertEquals("PICKLE_TRUNCATED@2", refusal(of(0x80, 2, "X", le32(5), "ab")));
    assertEquals("PICKLE_TRUNCATED@2", refusal(of(0x80, 2, "X", 5, 0)));
    assertEquals("PICKLE_TRUNCATED@3", refusal(of(0x80, 2, "N"))); // ends before STOP
    // the last byte of the input as an argument: read, then STOP is missing
    assertEquals("PICKLE_TRUNCATED@4", refusal(of(0x80, 2, "K", 7)));
  }

  @Test
  void anInputCutToTheSizeLimitIsALimitWhereverItEnds() {
    byte[] p = of(0x80, 2, "K", 1, "."); // 5 bytes
    assertEquals(1, ((Value.IntV) run(p, limits(5, D.maxStack()))).value());
    assertEquals("PICKLE_LIMIT_EXCEEDED@4", refusal(p, limits(4, D.maxStack()))); // before STOP
    assertEquals("PICKLE_LIMIT_EXCEEDED@2", refusal(p, limits(3, D.maxStack()))); // K's argument
  }

  @Test
  void framesEndWhereTheySayForEveryArgument() {
    // a frame holding exactly K 1: the frame closes before STOP, which is read outside it
    assertEquals(1, ((Value.IntV) run(of(0x80, 4, 0x95, le64(2), "K", 1, "."))).value());
    // a frame ending right after an opcode without an argument
    assertEquals(Value.NoneV.INSTANCE, run(of(0x80, 4, 0x95, le64(1), "N", ".")));
    // arguments crossing the frame's end, with more input after it: the frame's reason
    assertEquals("PICKLE_FRAME_INVALID@11", refusal(of(0x80, 4, 0x95, le64(1), "K", 1, ".")));
    assertEquals(
        "PICKLE_FRAME_INVALID@12", refusal(of(0x80, 4, 0x95, le64(3), "N", "r", le32(0), ".")));
    assertEquals(
        "PICKLE_FRAME_INVALID@11",
        refusal(of(0x80, 4, 0x95, le64(6), "X", le32(2), "ab", "q", 0, ".")));
    // an argument crossing both the frame's end and the input's end: truncation comes first
    assertEquals("PICKLE_TRUNCATED@11", refusal(of(0x80, 4, 0x95, le64(1), "K")));
    // a frame that closed lets the next argument run to the end of the input
    assertEquals(
        "a", ((Value.StrV) run(of(0x80, 4, 0x95, le64(1), "N", "0X", le32(1), "a", "."))).value());
  }

  @Test
  void theStackLimitHoldsBelowAndAboveTheFirstCapacity() {
    // the stack starts with 64 slots and doubles: limits below, at and past each edge
    for (int max : new int[] {0, 1, 2, 63, 64, 65, 128, 129}) {
      PickleLimits l = limits(D.maxPickleBytes(), max);
      byte[] nones = new byte[max + 1];
      Arrays.fill(nones, (byte) 'N');
      // max values fit; the push of one more is refused at its own offset
      assertEquals(
          "PICKLE_LIMIT_EXCEEDED@" + (2 + max), refusal(of(0x80, 2, nones, "."), l), "" + max);
      byte[] exact = of(0x80, 2, Arrays.copyOf(nones, max), ".");
      if (max == 1) {
        assertEquals(Value.NoneV.INSTANCE, run(exact, l));
      } else {
        assertEquals("PICKLE_STOP_INVALID@" + (2 + max), refusal(exact, l), "" + max);
      }
    }
  }

  @Test
  void theStackFloorFollowsTheMarks() {
    // MARK fences the 1 below it; POP on a mark that is on top discards the mark, not the value
    assertEquals("PICKLE_MALFORMED@4", refusal(of(0x80, 2, "N(", 0x85, ".")));
    assertEquals(1, ((Value.TupleV) run(of(0x80, 2, "N(0", 0x85, "."))).size());
    // a TUPLE pops its mark: the floor is the outer mark's again
    Value.TupleV t = (Value.TupleV) run(of(0x80, 2, "(K", 1, "(K", 2, "tt."));
    assertEquals(2, t.size());
    // ( ( t: the inner mark is gone, the outer one fences the 1 again
    assertEquals("PICKLE_MALFORMED@7", refusal(of(0x80, 2, "K", 1, "((t", 0x86, ".")));
    // POP discards the mark on top: the floor falls back to the mark below, or to 0
    assertEquals(1, ((Value.TupleV) run(of(0x80, 2, "K", 1, "(0", 0x85, "."))).size());
    assertEquals("PICKLE_MALFORMED@7", refusal(of(0x80, 2, "K", 1, "((0", 0x85, ".")));
  }
}
