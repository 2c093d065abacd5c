package dev.safeload.formats.pickle;

import static dev.safeload.formats.Pickles.le32;
import static dev.safeload.formats.Pickles.of;
import static dev.safeload.formats.Pickles.sstr;
import static dev.safeload.formats.Pickles.str;
import static dev.safeload.formats.pickle.PickleMachineTest.raw;
import static dev.safeload.formats.pickle.PickleMachineTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.formats.Pickles;
import dev.safeload.formats.internal.pickle.PickleLimits;
import dev.safeload.formats.internal.pickle.PickleMachine;
import dev.safeload.formats.internal.pickle.Value;
import dev.safeload.formats.pytorch.PyTorchHandler;
import dev.safeload.formats.zip.TestZip;
import dev.safeload.spi.Confidence;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Findings of the adversarial review (issues 10 and 11): values changed after their rule was
 * checked, super-linear work on shared values, inflating a small archive into a large pickle,
 * detection giving up inside the head. Each test asserts the exact reason, or counts work against
 * the input size.
 */
class PickleHardeningTest {

  /** A torch archive holding data.pkl and nothing else but the records the pickle names. */
  static String torchArchive(byte[] dataPkl, int floatRecords, LoadPolicy policy) {
    TestZip z = new TestZip();
    z.add("archive/data.pkl", dataPkl);
    if (floatRecords > 0) {
      z.add("archive/data/0", new byte[4 * floatRecords]);
    }
    z.add("archive/version", "3\n".getBytes());
    List<Finding> f = run(new PyTorchHandler(), z.build(), policy);
    return f.isEmpty() ? "ACCEPTED" : f.get(0).reason().code();
  }

  static String torch(byte[] dataPkl) {
    return torchArchive(dataPkl, 2, LoadPolicy.strict());
  }

  /**
   * _rebuild_tensor_v2 over 2 floats of storage '0' whose hooks OrderedDict is memoised at index 0.
   */
  static byte[] tensorWithMemoHooks() {
    return of(
        "ctorch._utils\n_rebuild_tensor_v2\n(",
        Pickles.floatStorage("0", 2),
        "K",
        0,
        "K",
        2,
        0x85,
        "K",
        1,
        0x85,
        0x89,
        "ccollections\nOrderedDict\n)R",
        "q",
        0,
        "tR");
  }

  // ------------------------------------------------------------------ issue 10 item 5: checked
  // means final

  @Test
  void hooksAreEmptyWhenCheckedAndThenEmpty() {
    // the benign shape: hooks memoised but never touched again
    assertEquals("ACCEPTED", torch(of(0x80, 2, "(", tensorWithMemoHooks(), "t.")));
  }

  @Test
  void setitemIntoTheHooksAfterTheCall() {
    // torch would return a tensor with a backward hook set: the rule held only at the moment of the
    // call
    assertEquals(
        "PICKLE_MUTATED_AFTER_CHECK",
        torch(of(0x80, 2, "(", tensorWithMemoHooks(), "h", 0, str("k"), "ctorch\nSize\ns", "t.")));
  }

  @Test
  void setitemsIntoTheHooksAfterTheCall() {
    assertEquals(
        "PICKLE_MUTATED_AFTER_CHECK",
        torch(of(0x80, 2, "(", tensorWithMemoHooks(), "h", 0, "(", str("k"), "Nu", "t.")));
  }

  @Test
  void buildOnTheHooksAfterTheCall() {
    assertEquals(
        "PICKLE_MUTATED_AFTER_CHECK",
        torch(of(0x80, 2, "(", tensorWithMemoHooks(), "h", 0, "}", str("_metadata"), "}sb", "t.")));
  }

  @Test
  void nestedMetadataChangedAfterTheCall() {
    // metadata {'m': {}} is plain data when checked; the inner dict, memoised, later gets a
    // tensor-ish value
    byte[] t =
        of(
            "ctorch._utils\n_rebuild_tensor_v2\n(",
            Pickles.floatStorage("0", 2),
            "K",
            0,
            "K",
            2,
            0x85,
            "K",
            1,
            0x85,
            0x89,
            "ccollections\nOrderedDict\n)R",
            "}",
            str("m"),
            "}q",
            1,
            "stR");
    assertEquals("ACCEPTED", torch(of(0x80, 2, "(", t, "t.")));
    assertEquals(
        "PICKLE_MUTATED_AFTER_CHECK",
        torch(
            of(
                0x80,
                2,
                "(",
                t,
                "h",
                1,
                str("x"),
                "ctorch\ndevice\n",
                str("cpu"),
                0x85,
                "Rs",
                "t.")));
  }

  @Test
  void appendToAListAfterSetReceivedIt() {
    byte[] set = of("c__builtin__\nset\n]q", 0, "K", 1, "a", 0x85, "R");
    accepted(of(0x80, 2, "(", set, "t."));
    assertEquals(
        "PICKLE_MUTATED_AFTER_CHECK", raw(of(0x80, 2, "(", set, "h", 0, "K", 2, "a", "t.")));
  }

  @Test
  void appendsToAListAfterSetReceivedIt() {
    byte[] set = of("c__builtin__\nset\n]q", 0, 0x85, "R");
    assertEquals(
        "PICKLE_MUTATED_AFTER_CHECK",
        raw(of(0x80, 2, "(", set, "h", 0, "(K", 2, "K", 3, "e", "t.")));
  }

  @Test
  void additemsToASetInsideACheckedBuildState() {
    // OrderedDict state {'_metadata': {'s': set()}}: plain data when BUILD checked it
    byte[] od =
        of("ccollections\nOrderedDict\n)R}", sstr("_metadata"), "}", sstr("s"), 0x8f, 0x94, "ssb");
    accepted(of(0x80, 4, "(", od, "t."));
    assertEquals(
        "PICKLE_MUTATED_AFTER_CHECK", raw(of(0x80, 4, "(", od, "h", 0, "(K", 1, 0x90, "t.")));
  }

  @Test
  void counterValuesStayNumbers() {
    byte[] counter = of("ccollections\nCounter\n}", str("a"), "K", 3, "s", 0x85, "R");
    accepted(of(0x80, 2, counter, "."));
    assertEquals("PICKLE_MALFORMED", raw(of(0x80, 2, counter, str("b"), str("x"), "s.")));
    // the dict handed to Counter is frozen like any other argument
    byte[] memoArg = of("ccollections\nCounter\n}q", 0, str("a"), "K", 3, "s", 0x85, "R");
    assertEquals(
        "PICKLE_MUTATED_AFTER_CHECK",
        raw(of(0x80, 2, "(", memoArg, "h", 0, str("b"), "K", 1, "st.")));
  }

  static void accepted(byte[] pickle) {
    PickleMachineTest.accepted(pickle);
  }

  // ------------------------------------------------------------------ item 7: linear work on
  // shared values

  /**
   * {@code {t_depth: None}} where t_i = (t_{i-1}, t_{i-1}): 2^depth leaves, a few bytes per level.
   */
  static byte[] dagKey(int depth) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(of(0x80, 2, "}(N", "q", 0));
    for (int i = 1; i <= depth; i++) {
      b.writeBytes(of("h", i - 1, "h", i - 1, 0x86, "q", i));
    }
    b.writeBytes(of("tNs."));
    return b.toByteArray();
  }

  @Test
  void dictKeyThatIsADagOfSharedTuplesCostsItsSize() {
    byte[] p = dagKey(32); // a few hundred bytes, 2^32 leaves when unfolded
    accepted(p);
    PickleMachine.Result r =
        PickleMachine.run(
            ByteBuffer.wrap(p),
            0,
            PickleProfile.torchWeightsStrict(),
            PickleLimits.defaults(),
            null);
    assertTrue(r.work() <= 4L * p.length, "work " + r.work() + " for " + p.length + " bytes");
    // same key inside a .pt
    assertEquals("ACCEPTED", torchArchive(dagKey(32), 0, LoadPolicy.strict()));
  }

  @Test
  void aSharedArgumentIsCheckedOnce() {
    // one 2000-item list handed to 2000 calls: each call must not re-walk it
    PickleProfile p =
        PickleProfile.torchWeightsExtended().toBuilder()
            .name("calls")
            .allowGlobal("fractions", "Fraction", GlobalRule.plainDataCall())
            .build();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(of(0x80, 2, "(]q", 0, "("));
    for (int i = 0; i < 2000; i++) {
      b.writeBytes(of("K", i & 0xff));
    }
    b.writeBytes(of("e("));
    for (int i = 0; i < 2000; i++) {
      b.writeBytes(of("cfractions\nFraction\nh", 0, 0x85, "R"));
    }
    b.writeBytes(of("tt."));
    byte[] pickle = b.toByteArray();
    PickleMachine.Result r =
        PickleMachine.run(ByteBuffer.wrap(pickle), 0, p, PickleLimits.defaults(), null);
    assertTrue(
        r.work() <= 2L * pickle.length, "work " + r.work() + " for " + pickle.length + " bytes");
  }

  @Test
  void aRepeatedRebuildOnOneArgumentTupleIsCheckedAndBuiltOnce() {
    // args (storage, 0, size of rank 64, stride of rank 64, False, hooks) memoised, then 5000 x
    // BINGET callable, BINGET args, REDUCE: 5 bytes per tensor must not cost a rank-64 check each
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(
        of(
            0x80,
            2,
            "](ctorch._utils\n_rebuild_tensor_v2\nq",
            0,
            "(",
            Pickles.floatStorage("0", 2),
            "K",
            0));
    for (int k = 0; k < 2; k++) {
      b.writeBytes(of("("));
      for (int i = 0; i < 64; i++) {
        b.writeBytes(of("K", 1));
      }
      b.writeBytes(of("t"));
    }
    b.writeBytes(of(0x89, "ccollections\nOrderedDict\n)Rtq", 1, "R"));
    for (int i = 0; i < 5000; i++) {
      b.writeBytes(of("h", 0, "h", 1, "R"));
    }
    b.writeBytes(of("e."));
    byte[] pickle = b.toByteArray();
    PickleMachine.Result r =
        PickleMachine.run(
            ByteBuffer.wrap(pickle),
            0,
            PickleProfile.torchWeightsStrict(),
            PickleLimits.defaults(),
            (pid, at) -> new Value.StorageV("0", "float32", 4, 2, "cpu"));
    assertEquals(5001, ((Value.ListV) r.value()).items.size());
    assertTrue(r.work() <= pickle.length, "work " + r.work() + " for " + pickle.length + " bytes");
  }

  @Test
  void aLongStringEncodedManyTimesIsScannedOnce() {
    byte[] big = new byte[100_000];
    Arrays.fill(big, (byte) 'a');
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(
        of(
            0x80,
            2,
            "](X",
            le32(big.length),
            big,
            "q",
            0,
            str("latin1"),
            "q",
            1,
            "0c_codecs\nencode\nq",
            2));
    for (int i = 0; i < 1000; i++) {
      b.writeBytes(of("h", 2, "h", 0, "h", 1, 0x86, "R"));
    }
    b.writeBytes(of("e."));
    byte[] pickle = b.toByteArray();
    PickleMachine.Result r =
        PickleMachine.run(
            ByteBuffer.wrap(pickle),
            0,
            PickleProfile.torchWeightsExtended(),
            PickleLimits.defaults(),
            null);
    assertTrue(
        r.work() <= 2L * pickle.length, "work " + r.work() + " for " + pickle.length + " bytes");
  }

  // ------------------------------------------------------------------ item 8: inflating a small
  // archive

  @Test
  void deflatedDataPklIsBoundedBeforeInflating() {
    // the review's shape: an 11 MB archive whose data.pkl declares 1 GiB inflated (ratio under the
    // zip
    // limit); the check comes before any byte is inflated, so the (bogus) deflate stream is never
    // read
    byte[] noise = new byte[11 << 20];
    new Random(1).nextBytes(noise);
    TestZip z = new TestZip();
    TestZip.Entry e = z.addDeflated("archive/data.pkl", noise);
    e.declaredSize = 1L << 30;
    z.add("archive/version", "3\n".getBytes());
    List<Finding> f = run(new PyTorchHandler(), z.build(), LoadPolicy.strict());
    assertEquals("PICKLE_LIMIT_EXCEEDED", f.get(0).reason().code(), f::toString);
    assertEquals(0, f.get(0).offset());
  }

  @Test
  void inflatedPickleLimitIsASetting() {
    byte[] pkl = Pickles.benignStateDict();
    TestZip z = new TestZip();
    z.addDeflated("archive/data.pkl", pkl);
    z.add("archive/data/0", new byte[8]);
    z.add("archive/version", "3\n".getBytes());
    byte[] zip = z.build();
    assertEquals(List.of(), run(new PyTorchHandler(), zip, LoadPolicy.strict()));
    LoadPolicy tight =
        LoadPolicy.strict().toBuilder()
            .set(Pickle.MAX_INFLATED_BYTES, (long) pkl.length - 1)
            .build();
    assertEquals(
        "PICKLE_LIMIT_EXCEEDED", run(new PyTorchHandler(), zip, tight).get(0).reason().code());
  }

  // ------------------------------------------------------------------ detection reads on past the
  // head

  static Confidence detect(byte[] file) {
    ByteBuffer head = ByteBuffer.wrap(file, 0, Math.min(file.length, 64 * 1024)).slice();
    return new PickleHandler().detect(head, file.length);
  }

  @Test
  void firstOpcodeWithAnArgumentLongerThanTheHead() {
    byte[] text = new byte[70_000];
    Arrays.fill(text, (byte) 'a');
    // protocol 1 BINUNICODE, protocol 0 UNICODE, protocol 1 BINBYTES-like BINSTRING: all run past
    // 64 KiB
    assertEquals(Confidence.STRUCTURAL, detect(of("X", le32(text.length), text, ".")));
    assertEquals(Confidence.STRUCTURAL, detect(of("V", text, "\n.")));
    assertEquals(Confidence.STRUCTURAL, detect(of("T", le32(text.length), text, ".")));
    // a GLOBAL whose module name alone is longer than the head
    assertEquals(Confidence.STRUCTURAL, detect(of("c", text, "\nsystem\n.")));
    // still not a pickle: an argument longer than the file, or a text INT that is not a number
    assertEquals(Confidence.NONE, detect(of("X", le32(200_000), text, ".")));
    assertEquals(Confidence.NONE, detect(of("I", "12x", text, "\n.")));
  }

  @Test
  void brokenPickleThatImportsIsAPickle() {
    // INST os system runs before the stream breaks (nullifAI): fewer than 8 opcodes, no STOP
    assertEquals(Confidence.STRUCTURAL, detect(of("(S'id'\nios\nsystem\n")));
  }
}
