package dev.safeload.formats.pickle;

import static dev.safeload.formats.Pickles.le32;
import static dev.safeload.formats.Pickles.of;
import static dev.safeload.formats.Pickles.str;
import static dev.safeload.formats.pickle.PickleMachineTest.accepted;
import static dev.safeload.formats.pickle.PickleMachineTest.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.safeload.LoadPolicy;
import dev.safeload.formats.internal.pickle.PickleLimits;
import dev.safeload.formats.internal.pickle.PickleMachine;
import dev.safeload.formats.internal.pickle.Value;
import dev.safeload.spi.FormatException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The machine's own storage (issue 14, session 4): the memo in pages, the stack as an array whose
 * marked items are read in place, tuples over arrays, the reused freeze work list and the short
 * text scratch. Each keeps the rules and reason codes of the general path; these tests pin the
 * edges of the new layout (page and array boundaries, growth, the fast text path's fallbacks).
 */
class PickleMachineValueModelTest {

  private static Value run(byte[] pickle) {
    return PickleMachine.run(
            ByteBuffer.wrap(pickle).asReadOnlyBuffer(),
            0,
            PickleProfile.torchWeightsExtended(),
            PickleLimits.defaults(),
            null)
        .value();
  }

  /** The reason code the machine (extended profile) rejects {@code pickle} with. */
  private static String reason(byte[] pickle) {
    return assertThrows(FormatException.class, () -> run(pickle)).reason().code();
  }

  private static long intAt(Value list, int i) {
    return ((Value.IntV) ((Value.ListV) list).items.get(i)).value();
  }

  /**
   * BININT of {@code v}, memoised at {@code index} with LONG_BINPUT, appended to the list below.
   */
  private static byte[] appendMemoised(int v, int index) {
    return of("J", le32(v), "r", le32(index), "a");
  }

  @Test
  void memoEntriesAcrossPagesAndPastTheDenseSlotsReadBack() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(of(0x80, 2, "]"));
    int n = 70_000; // past the 65,536 slots every run has, into slots earned by entries written
    for (int i = 0; i < n; i++) {
      b.writeBytes(appendMemoised(1_000_000 + i, i));
    }
    // the slots earned reach 2 * (n + 1); an index far past them is refused (PickleMemoIndexTest)
    assertEquals(
        "PICKLE_MEMO_INVALID", raw(of(b.toByteArray(), appendMemoised(7, 1_000_000_000), ".")));
    b.writeBytes(appendMemoised(7, 2 * n + 1)); // the last slot earned
    for (int i : new int[] {0, 1023, 1024, 65_535, 65_536, n - 1, 2 * n + 1}) {
      b.writeBytes(of("j", le32(i), "a"));
    }
    b.writeBytes(of("."));
    Value list = run(b.toByteArray());
    List<Value> items = ((Value.ListV) list).items;
    assertEquals(n + 1 + 7, items.size());
    assertEquals(1_000_000, intAt(list, n + 1));
    assertEquals(1_001_023, intAt(list, n + 2));
    assertEquals(1_001_024, intAt(list, n + 3));
    assertEquals(1_065_535, intAt(list, n + 4));
    assertEquals(1_065_536, intAt(list, n + 5));
    assertEquals(1_000_000 + n - 1, intAt(list, n + 6));
    assertEquals(7, intAt(list, n + 7));
    assertSame(items.get(n - 1), items.get(n + 6)); // the memo hands out the value, not a copy
  }

  @Test
  void memoSlotsNeverWrittenAndSlotsWrittenTwiceAreRejected() {
    byte[] one = of(0x80, 2, "]", appendMemoised(5, 0));
    // unwritten slot on a page that holds another entry, on a page never written, past the slots
    assertEquals("PICKLE_MEMO_INVALID", raw(of(one, "j", le32(1), "a.")));
    assertEquals("PICKLE_MEMO_INVALID", raw(of(one, "j", le32(50_000), "a.")));
    assertEquals("PICKLE_MEMO_INVALID", raw(of(one, "j", le32(2_000_000), "a.")));
    // written twice: on a page, and on a page of the slots every run has
    assertEquals("PICKLE_MEMO_INVALID", raw(of(one, appendMemoised(6, 0), ".")));
    byte[] far = of(one, appendMemoised(6, 60_000));
    accepted(of(far, "."));
    assertEquals("PICKLE_MEMO_INVALID", raw(of(far, appendMemoised(7, 60_000), ".")));
    // past the slots: refused when written, before any reader sizes a memo by it
    assertEquals("PICKLE_MEMO_INVALID", raw(of(one, appendMemoised(6, 2_000_000), ".")));
  }

  @Test
  void dictItemsReadInPlaceFromTheStack() {
    Value.DictV d = (Value.DictV) run(of(0x80, 2, "}(K", 1, "K", 2, "K", 3, "K", 4, "u."));
    assertEquals(2, d.size());
    assertEquals(4L, ((Value.IntV) d.items.get(3)).value());
    Value.DictV single = (Value.DictV) run(of(0x80, 2, "}K", 1, "K", 2, "s."));
    assertEquals(1, single.size());
    Value.DictV built = (Value.DictV) run(of(0x80, 2, "(K", 1, "K", 2, "d."));
    assertEquals(1, built.size());
    assertEquals("PICKLE_MALFORMED", raw(of(0x80, 2, "}(K", 1, "K", 2, "K", 3, "u."))); // odd
    assertEquals("PICKLE_MALFORMED", raw(of(0x80, 2, "}(]K", 2, "u."))); // unhashable key
    assertEquals("PICKLE_MALFORMED", raw(of(0x80, 2, "}K", 1, "K", 2, "u."))); // no MARK
    assertEquals("PICKLE_MALFORMED", raw(of(0x80, 2, "(K", 1, "K", 2, "u."))); // no dict
    assertEquals("PICKLE_MUTATION_NOT_ALLOWED", raw(of(0x80, 2, "](K", 1, "K", 2, "u.")));
    // POP_MARK drops the items above the mark, and the mark
    assertSame(Value.NoneV.INSTANCE, run(of(0x80, 2, "N(K", 1, "K", 2, "1.")));
    assertEquals("PICKLE_MALFORMED", reason(of(0x80, 2, "N1.")));
    // the items above the mark are gone after SETITEMS: only the dict is left for STOP
    assertEquals("PICKLE_STOP_INVALID", raw(of(0x80, 2, "N}(K", 1, "K", 2, "u.")));
  }

  @Test
  void wideTuplesAndADeepStackKeepEveryItemInOrder() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(of(0x80, 2, "("));
    for (int i = 0; i < 1000; i++) {
      b.writeBytes(of("J", le32(5000 + i)));
    }
    b.writeBytes(of("t."));
    Value.TupleV t = (Value.TupleV) run(b.toByteArray());
    assertEquals(1000, t.size());
    assertEquals(1000, t.items().size());
    for (int i = 0; i < 1000; i++) {
      assertEquals(5000L + i, ((Value.IntV) t.get(i)).value());
    }
    assertEquals(1, t.hashHeight());
    assertEquals(-1, ((Value.TupleV) run(of(0x80, 2, "K", 1, "]", 0x86, "."))).hashHeight());
  }

  /** OrderedDict whose BUILD state holds {@code lists} memoised lists (memo 0..lists-1). */
  private static byte[] orderedDictStateOfLists(int lists) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(of(0x80, 2, "ccollections\nOrderedDict\n)R}(", str("_metadata"), "}("));
    for (int i = 0; i < lists; i++) {
      b.writeBytes(of(str("k" + i), "]q", i));
    }
    b.writeBytes(of("uub"));
    return b.toByteArray();
  }

  @Test
  void freezingReachesEveryContainerOfAWideState() {
    // more unfrozen containers at once than the freeze work list starts with
    accepted(of(orderedDictStateOfLists(40), "."));
    assertEquals(
        "PICKLE_MUTATED_AFTER_CHECK", raw(of(orderedDictStateOfLists(40), "h", 39, "K", 1, "a.")));
    assertEquals(
        "PICKLE_MUTATED_AFTER_CHECK", raw(of(orderedDictStateOfLists(40), "h", 0, "K", 1, "a.")));
  }

  @Test
  void textOfEveryLengthDecodesAsUtf8() {
    String longText = "x".repeat(300) + "\u00e9";
    Value.TupleV t =
        (Value.TupleV)
            run(of(0x80, 2, "(", str("abc"), str("caf\u00e9"), str(longText), str(""), "t."));
    assertEquals("abc", ((Value.StrV) t.get(0)).value());
    assertEquals("caf\u00e9", ((Value.StrV) t.get(1)).value());
    assertEquals(longText, ((Value.StrV) t.get(2)).value());
    assertEquals("", ((Value.StrV) t.get(3)).value());
    // invalid UTF-8, short (the scratch path) and long
    assertEquals("PICKLE_MALFORMED", raw(of(0x80, 2, "X", le32(2), 0xc3, 0x28, ".")));
    assertEquals("PICKLE_MALFORMED", raw(of(0x80, 2, "X", le32(301), "x".repeat(300), 0xff, ".")));
  }

  @Test
  void aPersistentIdThatIsNoTupleIsRejected() {
    assertEquals(
        "PICKLE_PERSISTENT_ID_INVALID",
        PickleHardeningTest.torchArchive(
            of(0x80, 2, str("storage"), "Q."), 0, LoadPolicy.strict()));
  }
}
