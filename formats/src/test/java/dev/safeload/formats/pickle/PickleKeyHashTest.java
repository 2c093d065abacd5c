package dev.safeload.formats.pickle;

import static dev.safeload.formats.Pickles.of;
import static dev.safeload.formats.pickle.PickleMachineTest.accepted;
import static dev.safeload.formats.pickle.PickleMachineTest.raw;
import static dev.safeload.formats.pickle.PickleMachineTest.torch;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * Int dict keys and set items stay within +-(2**61-2). CPython hashes an int modulo 2**61-1, so k *
 * (2**61-1) for k = 0, 1, 2, ... all hash to 0: 20,000 such keys (259 KB) took CPython 3.11's
 * pickle.loads 1.5 s and 100,000 about 40 s, quadratic in the keys, in every reader that builds the
 * dict (pickle.load, torch.load with or without weights_only, joblib). Within the bound distinct
 * ints have distinct hashes (but -1 and -2).
 */
class PickleKeyHashTest {
  private static final BigInteger M = BigInteger.ONE.shiftLeft(61).subtract(BigInteger.ONE);

  /** LONG1 of {@code v}. */
  private static byte[] long1(BigInteger v) {
    byte[] be = v.toByteArray();
    byte[] le = new byte[be.length];
    for (int i = 0; i < be.length; i++) {
      le[i] = be[be.length - 1 - i];
    }
    return of(0x8a, le.length, le);
  }

  /** {@code {k: None}} for each key. */
  private static byte[] dictOf(BigInteger... keys) {
    byte[] p = of(0x80, 2, "}(");
    for (BigInteger k : keys) {
      p = of(p, long1(k), "N");
    }
    return of(p, "u.");
  }

  private static BigInteger times(long k) {
    return M.multiply(BigInteger.valueOf(k));
  }

  @Test
  void keysThatCollideInCpythonsHashAreRefused() {
    assertEquals("PICKLE_LIMIT_EXCEEDED", raw(dictOf(times(0), times(1), times(2), times(3))));
    assertEquals("PICKLE_LIMIT_EXCEEDED", raw(dictOf(M)));
    assertEquals("PICKLE_LIMIT_EXCEEDED", raw(dictOf(M.negate())));
    assertEquals("PICKLE_LIMIT_EXCEEDED", raw(dictOf(BigInteger.ONE.shiftLeft(63).negate())));
    // in a checkpoint's data.pkl (SETITEM), and as set items (builtins.set, ADDITEMS)
    assertEquals("PICKLE_LIMIT_EXCEEDED", torch(of(0x80, 2, "}", long1(times(2)), "Ns.")));
    assertEquals(
        "PICKLE_LIMIT_EXCEEDED",
        raw(of(0x80, 2, "cbuiltins\nset\n](", long1(times(1)), long1(times(2)), "e", 0x85, "R.")));
    assertEquals("PICKLE_LIMIT_EXCEEDED", raw(of(0x80, 4, 0x8f, "(", long1(times(5)), 0x90, ".")));
  }

  /** (k * (2**61-1),) all hash alike too, at any depth; a tuple that cannot be a key stays so. */
  @Test
  void tupleKeysHoldingSuchIntsAreRefused() {
    assertEquals(
        "PICKLE_LIMIT_EXCEEDED",
        raw(of(0x80, 2, "}(", long1(times(1)), 0x85, "NK", 1, long1(times(2)), 0x86, 0x85, "Nu.")));
    assertEquals("PICKLE_LIMIT_EXCEEDED", raw(of(0x80, 2, "}(K", 1, long1(times(3)), 0x86, "Nu.")));
    // an unhashable item wins: a list inside the tuple, whatever else it holds
    assertEquals("PICKLE_MALFORMED", raw(of(0x80, 2, "}(", long1(times(1)), "]", 0x86, "Nu.")));
    assertEquals("PICKLE_MALFORMED", raw(of(0x80, 2, "}(]", long1(times(1)), 0x86, "Nu.")));
    accepted(of(0x80, 2, "}(K", 1, "K", 2, 0x86, 0x85, "Nu."));
  }

  @Test
  void keysWithinTheModulusAreAccepted() {
    BigInteger top = M.subtract(BigInteger.ONE); // 2**61-2
    accepted(dictOf(BigInteger.ZERO, BigInteger.ONE, top, top.negate(), BigInteger.valueOf(-1)));
    // values are never hashed: any int may be one
    accepted(of(0x80, 2, "}K", 1, long1(times(7)), "s."));
  }
}
