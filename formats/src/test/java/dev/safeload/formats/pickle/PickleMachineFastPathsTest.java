package dev.safeload.formats.pickle;

import static dev.safeload.formats.Pickles.le32;
import static dev.safeload.formats.Pickles.of;
import static dev.safeload.formats.pickle.PickleMachineTest.raw;
import static dev.safeload.formats.pickle.PickleMachineTest.torch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.formats.Pickles;
import dev.safeload.formats.internal.pickle.PickleLimits;
import dev.safeload.formats.internal.pickle.PickleMachine;
import dev.safeload.formats.internal.pickle.Value;
import dev.safeload.spi.FormatException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The machine's fast paths of issue 14, session 5: short tuples of small ints sharing their items
 * and parsed sizes with the first equal tuple of the run, the memo's short write path, and opcodes
 * admitted by a per-byte table. Each must decide exactly as the general path does; these tests pin
 * where the two could part (per-tuple marks, table edges, limits reached on the short path).
 */
class PickleMachineFastPathsTest {

  private static PickleMachine.Result result(byte[] pickle, PickleLimits limits) {
    return PickleMachine.run(
        ByteBuffer.wrap(pickle).asReadOnlyBuffer(),
        0,
        PickleProfile.torchWeightsExtended(),
        limits,
        null);
  }

  private static Value run(byte[] pickle) {
    return result(pickle, PickleLimits.defaults()).value();
  }

  private static long intAt(Value tuple, int i) {
    return ((Value.IntV) ((Value.TupleV) tuple).get(i)).value();
  }

  @Test
  void aTupleEqualToAFrozenOneIsStillItsOwnTuple() {
    // torch.Size((2,)) freezes its (2,); a later (2,) shares its items but not its marks, so BUILD
    // on it is refused as BUILD on a tuple, and BUILD on the frozen one as a mutation after the
    // check, exactly as when every tuple had its own items
    String size = "ctorch\nSize\nK";
    assertEquals(
        "PICKLE_BUILD_NOT_ALLOWED", raw(of(0x80, 2, size, 2, 0x85, 0x85, "RK", 2, 0x85, "Nb.")));
    assertEquals(
        "PICKLE_MUTATED_AFTER_CHECK",
        raw(of(0x80, 2, size, 2, 0x85, "q", 0, 0x85, "Rh", 0, "Nb.")));
    assertEquals(
        "PICKLE_BUILD_NOT_ALLOWED", raw(of(0x80, 2, size, 2, 0x85, 0x85, "R(K", 2, "tNb.")));
    Value.TupleV two =
        (Value.TupleV) run(of(0x80, 2, "K", 2, "K", 3, 0x86, "K", 2, "K", 3, 0x86, 0x86, "."));
    assertNotSame(two.get(0), two.get(1));
    assertEquals(3, intAt(two.get(1), 1));
  }

  @Test
  void tensorsOfOneShapeAreEachCheckedAgainstTheirOwnStorage() {
    // the second tensor's (2,) and (1,) share the first's parsed sizes; its offset still counts
    byte[] ok = Pickles.tensor(Pickles.floatStorage("0", 2), 0, 2, 1);
    byte[] past = Pickles.tensor(Pickles.floatStorage("0", 2), 1, 2, 1);
    assertEquals("ACCEPTED", torch(of(0x80, 2, "(", ok, ok, "t.")));
    assertEquals("PYTORCH_TENSOR_OUT_OF_BOUNDS", torch(of(0x80, 2, "(", ok, past, "t.")));
    byte[] wide = Pickles.tensor(Pickles.floatStorage("0", 2), 0, 2, 200);
    assertEquals("PYTORCH_TENSOR_OUT_OF_BOUNDS", torch(of(0x80, 2, "(", ok, wide, "t.")));
  }

  @Test
  void tuplesAtTheEdgesOfTheSharedFormKeepTheirItems() {
    // up to three items below 2**20 fit the packed key, four below 2**15; 2**20, 2**15 in a
    // four, -1, five items and a big int do not. Tuples that differ only in their count or in
    // where an item sits ((1,), (0, 1), (0, 0, 1); (32, 0), (0, 32)) read back as themselves,
    // each met twice so that the second is the shared form
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(of(0x80, 2, "("));
    int[][] tuples = {
      {1_048_575},
      {1_048_576},
      {16_384, 32_768, 262_144},
      {32_767, 0, 0, 32_767},
      {32_768, 0, 0, 0},
      {-1},
      {0, 0, 0, 0},
      {1, 2, 3, 4, 5},
      {1},
      {0, 1},
      {0, 0, 1},
      {32, 0},
      {0, 32},
      {1_048_575},
      {1_048_576},
      {16_384, 32_768, 262_144},
      {32_767, 0, 0, 32_767},
      {32_768, 0, 0, 0},
      {1},
      {0, 1},
      {0, 0, 1},
      {32, 0},
      {0, 32}
    };
    for (int[] t : tuples) {
      b.writeBytes(of("("));
      for (int v : t) {
        b.writeBytes(of("J", le32(v)));
      }
      b.writeBytes(of("t"));
    }
    b.writeBytes(of(0x8a, 9, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 1}, 0x85)); // (2^64,)
    b.writeBytes(of("t."));
    Value.TupleV all = (Value.TupleV) run(b.toByteArray());
    for (int i = 0; i < tuples.length; i++) {
      Value.TupleV t = (Value.TupleV) all.get(i);
      assertEquals(tuples[i].length, t.size());
      for (int k = 0; k < tuples[i].length; k++) {
        assertEquals(tuples[i][k], intAt(t, k));
      }
    }
    Value.IntV big = (Value.IntV) ((Value.TupleV) all.get(tuples.length)).get(0);
    assertTrue(!big.fitsLong() && big.big().bitLength() == 65);
  }

  @Test
  void moreDistinctShapesThanSlotsAllReadBack() {
    // 6,000 distinct pairs, each twice: far more keys than the table holds, so some collide past
    // the
    // probe limit and are not shared; every tuple keeps its own values either way
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(of(0x80, 2, "]"));
    int n = 6_000;
    for (int round = 0; round < 2; round++) {
      b.writeBytes(of("("));
      for (int i = 0; i < n; i++) {
        b.writeBytes(of("M", new byte[] {(byte) i, (byte) (i >> 8)}, "K", i % 200, 0x86));
      }
      b.writeBytes(of("e"));
    }
    b.writeBytes(of("."));
    List<Value> items = ((Value.ListV) run(b.toByteArray())).items;
    assertEquals(2 * n, items.size());
    for (int i = 0; i < 2 * n; i++) {
      assertEquals(i % n, intAt(items.get(i), 0));
      assertEquals((i % n) % 200, intAt(items.get(i), 1));
    }
  }

  @Test
  void sharedSizesAreParsedOnceAndCountedOnce() {
    // 20,000 torch.Size((1, 2, 3, 4)) calls on fresh tuples: the sizes of the first are shared,
    // so the counted work stays below one unit per byte of pickle
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(of(0x80, 2, "(ctorch\nSize\nq", 0)); // the global, memoised, is item 0
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      b.writeBytes(of("h", 0, "(K", 1, "K", 2, "K", 3, "K", 4, "t", 0x85, "R"));
    }
    b.writeBytes(of("t."));
    byte[] pickle = b.toByteArray();
    PickleMachine.Result r = result(pickle, PickleLimits.defaults());
    assertEquals(n + 1, ((Value.TupleV) r.value()).size());
    assertEquals(4, intAt(((Value.TupleV) r.value()).get(n), 3));
    assertTrue(r.work() <= pickle.length, "work " + r.work() + " for " + pickle.length + " bytes");
  }

  @Test
  void aLanguageModelsShapesAreSharedAsSmallOnesAre() {
    // a vocabulary of 32,768 by a hidden size of 6,144 (and a four-dimensional shape of items
    // below 2**15) cost what (2, 3) costs: the sizes are parsed once, not once a tensor
    assertEquals(sizeCallsWork(2, 3), sizeCallsWork(32_768, 6_144));
    assertEquals(sizeCallsWork(2, 3), sizeCallsWork(65_535, 65_535));
    assertEquals(sizeCallsWork(1, 2, 3, 4), sizeCallsWork(32_767, 1, 32_767, 1));
  }

  /** The counted work of 2,000 torch.Size calls on fresh tuples of {@code dims} (BININT2 each). */
  private static long sizeCallsWork(int... dims) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(of(0x80, 2, "(ctorch\nSize\nq", 0));
    for (int i = 0; i < 2_000; i++) {
      b.writeBytes(of("h", 0, "("));
      for (int d : dims) {
        b.writeBytes(of("M", new byte[] {(byte) d, (byte) (d >> 8)}));
      }
      b.writeBytes(of("t", 0x85, "R"));
    }
    b.writeBytes(of("t."));
    return result(b.toByteArray(), PickleLimits.defaults()).work();
  }

  @Test
  void theMemoLimitHoldsOnTheShortWritePath() {
    PickleLimits d = PickleLimits.defaults();
    PickleLimits three =
        new PickleLimits(
            d.maxPickleBytes(),
            d.maxInflatedBytes(),
            d.maxOpcodes(),
            d.maxStack(),
            d.maxMarks(),
            3,
            d.maxItems(),
            d.maxString(),
            d.maxIntBytes(),
            d.maxNesting(),
            d.maxRank());
    byte[] three3 = of(0x80, 2, "]q", 0, "K", 1, "q", 1, "aK", 2, "q", 2, "a");
    assertEquals(2, ((Value.ListV) result(of(three3, "."), three).value()).items.size());
    FormatException e =
        assertThrows(FormatException.class, () -> result(of(three3, "K", 3, "q", 3, "a."), three));
    assertEquals("PICKLE_LIMIT_EXCEEDED", e.reason().code());
    // written twice, on a page the short path writes to
    assertEquals(
        "PICKLE_MEMO_INVALID", raw(of(0x80, 2, "]q", 0, "K", 1, "q", 1, "aK", 2, "q", 1, "a.")));
  }

  private static String reason(byte[] pickle) {
    return assertThrows(FormatException.class, () -> run(pickle)).reason().code();
  }

  @Test
  void opcodesAreAdmittedOnlyForTheDeclaredProtocol() {
    assertEquals("PICKLE_PROTOCOL_INVALID", reason(of("K", 1, 0x85, ".")));
    assertEquals("PICKLE_PROTOCOL_INVALID", reason(of(0x80, 2, 0x8c, 1, "a", ".")));
    assertEquals("PICKLE_PROTOCOL_INVALID", reason(of(0x80, 2, "N", 0x80, 2, ".")));
    assertEquals("PICKLE_UNKNOWN_OPCODE", reason(of(0x80, 2, 0xff, ".")));
    assertEquals("PICKLE_STOP_INVALID", reason(of(0x80, 2, "NN.")));
    assertEquals("a", ((Value.StrV) run(of(0x80, 4, 0x8c, 1, "a", "."))).value()); // declared
    assertEquals(
        "ACCEPTED", torch(of(0x80, 2, Pickles.tensor(Pickles.floatStorage("0", 2), 0, 2, 1), ".")));
  }
}
