package dev.safeload.formats.pickle;

import static dev.safeload.formats.Pickles.le32;
import static dev.safeload.formats.Pickles.of;
import static dev.safeload.formats.pickle.PickleMachineTest.accepted;
import static dev.safeload.formats.pickle.PickleMachineTest.raw;
import static dev.safeload.formats.pickle.PickleMachineTest.torch;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A memo index may not run far ahead of the entries written. CPython's C unpickler (pickle.load,
 * torch.load without weights_only, joblib) grows its memo array to twice the largest index and
 * zeroes it, and libtorch's unpickler fills its memo vector up to the index: an 11-byte pickle
 * holding LONG_BINPUT 2**26 made CPython 3.11's pickle.load and torch 1.13's torch.load allocate
 * and zero 1 GiB (15 s here), and 2**31 asks for 32 GiB. Every pickler numbers its entries 0, 1, 2,
 * ...
 */
class PickleMemoIndexTest {

  @Test
  void aLongBinputFarAheadIsRefusedInARawPickle() {
    // PROTO 2, EMPTY_DICT, LONG_BINPUT 2**26, STOP
    assertEquals("PICKLE_MEMO_INVALID", raw(of(0x80, 2, "}r", le32(1 << 26), ".")));
    assertEquals("PICKLE_MEMO_INVALID", raw(of(0x80, 2, "}r", le32(-1), ".")));
  }

  @Test
  void aTextPutFarAheadIsRefused() {
    assertEquals("PICKLE_MEMO_INVALID", raw(of("(dp67108864\n.")));
  }

  @Test
  void aLongBinputFarAheadIsRefusedInACheckpoint() {
    // collections.OrderedDict() memoised at 2**26: torch.load (1.13, weights_only=False) zeroed 1
    // GiB
    assertEquals(
        "PICKLE_MEMO_INVALID",
        torch(of(0x80, 2, "ccollections\nOrderedDict\nq", 0, ")Rr", le32(1 << 26), ".")));
  }

  @Test
  void anIndexWithinTheDenseSlotsIsAccepted() {
    accepted(of(0x80, 2, "}r", le32(65535), "."));
    assertEquals("PICKLE_MEMO_INVALID", raw(of(0x80, 2, "}r", le32(65536), ".")));
  }

  /** Past 65,536 slots an index may reach twice the entries written, and no further. */
  @Test
  void theBoundGrowsWithTheEntriesWritten() {
    int n = 40_000; // entries written before the probe: the bound is 2 * (n + 1) = 80,002
    accepted(listThenPut(n, 80_001));
    assertEquals("PICKLE_MEMO_INVALID", raw(listThenPut(n, 80_002)));
  }

  /**
   * A list of {@code n} memoised ints (indices 0 to n-1), then the list memoised at {@code idx}.
   */
  private static byte[] listThenPut(int n, int idx) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(of(0x80, 2, "]("));
    for (int i = 0; i < n; i++) {
      b.writeBytes(of("K", i & 0xff, "r", le32(i)));
    }
    b.writeBytes(of("er", le32(idx), "."));
    return b.toByteArray();
  }
}
