package dev.safeload.formats.pickle;

import static dev.safeload.formats.Pickles.le32;
import static dev.safeload.formats.Pickles.le64;
import static dev.safeload.formats.Pickles.of;
import static dev.safeload.formats.Pickles.sstr;
import static dev.safeload.formats.Pickles.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.formats.Pickles;
import dev.safeload.formats.pytorch.PyTorch;
import dev.safeload.formats.pytorch.PyTorchHandler;
import dev.safeload.formats.zip.TestZip;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pickle machine through the handlers, one crafted stream per rule (research/pickle.md §4.8,
 * §6.3, §6.4), each asserting the exact reason and, where it matters, the offset and the global
 * named.
 */
class PickleMachineTest {

  static List<Finding> run(FormatHandler h, byte[] bytes, LoadPolicy policy) {
    List<Finding> out = new ArrayList<>();
    ValidationContext ctx = ValidationContext.collecting("f", policy, out);
    try {
      h.validate(ModelBytes.of(ByteBuffer.wrap(bytes)), ctx);
    } catch (FormatException e) {
      ctx.report(e.reason(), e.offset(), e.getMessage());
    }
    return out;
  }

  static Finding rawFinding(byte[] pickle) {
    List<Finding> f = run(new PickleHandler(), pickle, LoadPolicy.strict());
    assertEquals(1, f.size(), f::toString);
    return f.get(0);
  }

  static String raw(byte[] pickle) {
    return rawFinding(pickle).reason().code();
  }

  static void accepted(byte[] pickle) {
    assertEquals(List.of(), run(new PickleHandler(), pickle, LoadPolicy.strict()));
  }

  /** data.pkl inside a minimal torch archive with one 8-byte record data/0, strict profile. */
  static String torch(byte[] dataPkl) {
    return torch(dataPkl, 8, LoadPolicy.strict());
  }

  static String torch(byte[] dataPkl, int recordBytes, LoadPolicy policy) {
    TestZip z = new TestZip();
    z.add("archive/data.pkl", dataPkl);
    z.add("archive/data/0", new byte[recordBytes]);
    z.add("archive/version", "3\n".getBytes());
    List<Finding> f = run(new PyTorchHandler(), z.build(), policy);
    return f.isEmpty() ? "ACCEPTED" : f.get(0).reason().code();
  }

  @Test
  void globalFindingNamesModuleNameAndOffset() {
    Finding f = rawFinding(of(0x80, 2, "}", "cos\nsystem\n", str("id"), 0x85, "R."));
    assertEquals("PICKLE_GLOBAL_NOT_ALLOWED", f.reason().code());
    assertEquals(3, f.offset());
    assertTrue(f.message().contains("os.system"), f.message());
  }

  @Test
  void plainDataOfEveryProtocolIsAccepted() {
    accepted(of("(lp0\nVa\np1\naI1\naF0.5\naL12345678901234567890L\na."));
    accepted(of(0x80, 4, 0x95, le64(11), "]", 0x94, "(", sstr("a"), 0x94, "K", 1, "e."));
    accepted(of(0x80, 2, "c_codecs\nencode\n", str("\u00ff"), str("latin1"), 0x86, "R."));
    accepted(of(0x80, 2, "c__builtin__\nset\n]K", 1, "a", 0x85, "R."));
  }

  @Test
  void unknownOpcode() {
    assertEquals("PICKLE_UNKNOWN_OPCODE", raw(of(0x80, 2, 0xff, ".")));
  }

  @Test
  void truncation() {
    assertEquals("PICKLE_TRUNCATED", raw(of(0x80, 2, "X", le32(100), "abc")));
    assertEquals("PICKLE_TRUNCATED", raw(of(0x80, 2, "N")));
  }

  @Test
  void hostileLengthsNeverAllocate() {
    // 4 GiB and 2^63 string lengths, a 2^32-1 memo index, a frame of 2^62 bytes: rejected from the
    // header.
    assertEquals("PICKLE_LIMIT_EXCEEDED", raw(of(0x80, 2, "X", le32(-1), ".")));
    assertEquals("PICKLE_LIMIT_EXCEEDED", raw(of(0x80, 4, 0x8d, le64(Long.MAX_VALUE), ".")));
    assertEquals("PICKLE_MEMO_INVALID", raw(of(0x80, 2, "j", le32(-1), ".")));
    assertEquals("PICKLE_FRAME_INVALID", raw(of(0x80, 4, 0x95, le64(1L << 62), "N.")));
    assertEquals("PICKLE_LIMIT_EXCEEDED", raw(of(0x80, 2, 0x8b, le32(1 << 30), ".")));
  }

  @Test
  void markAndStackLimits() {
    byte[] marks = new byte[2000];
    java.util.Arrays.fill(marks, (byte) '(');
    assertEquals("PICKLE_LIMIT_EXCEEDED", raw(of(0x80, 2, marks, ".")));
    LoadPolicy small = LoadPolicy.strict().toBuilder().set(Pickle.MAX_STACK_DEPTH, 10L).build();
    byte[] nones = new byte[20];
    java.util.Arrays.fill(nones, (byte) 'N');
    assertEquals(
        "PICKLE_LIMIT_EXCEEDED",
        run(new PickleHandler(), of(0x80, 2, nones, "."), small).get(0).reason().code());
  }

  @Test
  void nestingDepthIsBounded() {
    // a dict key that is a tuple nested 300 deep: hashability is checked to the nesting limit only
    byte[] open = new byte[300];
    byte[] close = new byte[300];
    java.util.Arrays.fill(close, (byte) 0x85);
    byte[] key = of("N", close);
    assertEquals("PICKLE_LIMIT_EXCEEDED", raw(of(0x80, 2, "}", key, "Ns.")));
    // and a pickle over the size limit is a limit, not a truncation
    LoadPolicy tiny = LoadPolicy.strict().toBuilder().set(Pickle.MAX_PICKLE_BYTES, 4L).build();
    assertEquals(
        "PICKLE_LIMIT_EXCEEDED",
        run(new PickleHandler(), of(0x80, 2, "NNNN0000."), tiny).get(0).reason().code());
    assertTrue(open.length > 0);
  }

  @Test
  void frameRules() {
    // fickling's frame-straddle: an argument that runs past its frame's end (cpython#154848)
    assertEquals("PICKLE_FRAME_INVALID", raw(of(0x80, 4, 0x95, le64(3), "X", le32(2), "ab.")));
    // FRAME inside a frame
    assertEquals("PICKLE_FRAME_INVALID", raw(of(0x80, 4, 0x95, le64(20), 0x95, le64(1), "N.")));
    // a text line crossing the frame end
    assertEquals("PICKLE_FRAME_INVALID", raw(of(0x80, 4, 0x95, le64(3), "I12", "3\n.")));
  }

  @Test
  void protocolRules() {
    assertEquals("PICKLE_PROTOCOL_INVALID", raw(of(0x80, 2, 0x80, 4, "N.")));
    assertEquals("PICKLE_PROTOCOL_INVALID", raw(of(0x80, 6, "N.")));
    assertEquals("PICKLE_PROTOCOL_INVALID", raw(of("N", 0x80, 2, ".")));
    // SHORT_BINUNICODE (protocol 4) in a stream that declares protocol 2
    assertEquals("PICKLE_PROTOCOL_INVALID", raw(of(0x80, 2, sstr("a"), ".")));
  }

  @Test
  void stopRules() {
    assertEquals("PICKLE_STOP_INVALID", raw(of(0x80, 2, "NN.")));
    assertEquals("PICKLE_STOP_INVALID", raw(of(0x80, 2, "N(.")));
    assertEquals("PICKLE_TRAILING_BYTES", raw(of(0x80, 2, "N.", "junk")));
  }

  @Test
  void stackedPicklesAreEachAnalysed() {
    Finding f = rawFinding(of(0x80, 2, "N.", Pickles.evil()));
    assertEquals("PICKLE_GLOBAL_NOT_ALLOWED", f.reason().code());
    assertTrue(f.message().contains("builtins.print"));
    assertEquals("PICKLE_TRAILING_BYTES", raw(of(0x80, 2, "N.", 0x80, 2, "N.")));
  }

  @Test
  void memoRules() {
    assertEquals("PICKLE_MEMO_INVALID", raw(of(0x80, 2, "h", 3, ".")));
    assertEquals("PICKLE_MEMO_INVALID", raw(of(0x80, 2, "Nq", 0, "Nq", 0, "0.")));
    assertEquals("PICKLE_MEMO_INVALID", raw(of(0x80, 4, "Nq", 0, "N", 0x94, "0.")));
    // MEMOIZE numbers by memo size, exactly like CPython: the value at index 1 is the second one
    // memoised
    accepted(of(0x80, 4, sstr("a"), 0x94, sstr("b"), 0x94, "0", "h", 1, 0x86, "."));
  }

  @Test
  void dottedAndMalformedGlobalNames() {
    assertEquals(
        "PICKLE_GLOBAL_NAME_INVALID",
        raw(of(0x80, 4, sstr("pathlib"), sstr("os.system"), 0x93, ".")));
    assertEquals("PICKLE_GLOBAL_NAME_INVALID", raw(of(0x80, 2, "cbuiltins\ndict.get\n.")));
    assertEquals("PICKLE_GLOBAL_NAME_INVALID", raw(of(0x80, 2, "ctorch\n_utils \n.")));
  }

  /**
   * A module name of many dotted parts is judged by a loop: the names were matched by a {@code
   * java.util.regex} group repeated per part, whose matcher recurses once per repetition, so a 6 KB
   * STACK_GLOBAL module ({@code a.a.a...}) overflowed the stack instead of being refused.
   */
  @Test
  void manyPartModuleNamesDoNotOverflow() {
    String module = "a" + ".a".repeat(50_000);
    assertEquals("PICKLE_GLOBAL_NOT_ALLOWED", raw(of(0x80, 4, str(module), sstr("b"), 0x93, ".")));
    assertEquals(
        "PICKLE_GLOBAL_NAME_INVALID", raw(of(0x80, 4, str(module + "."), sstr("b"), 0x93, ".")));
  }

  @Test
  void stackGlobalOperandsMustBeStrings() {
    assertEquals("PICKLE_MALFORMED", raw(of(0x80, 4, "C", 2, "os", sstr("system"), 0x93, ".")));
    assertEquals("PICKLE_MALFORMED", raw(of(0x80, 4, "K", 42, sstr("system"), 0x93, ".")));
  }

  @Test
  void capabilityOpcodesNeverAllowed() {
    assertEquals("PICKLE_OPCODE_NOT_ALLOWED", raw(of(0x80, 2, 0x82, 1, str("id"), 0x85, "R.")));
    assertEquals("PICKLE_OPCODE_NOT_ALLOWED", raw(of(0x80, 2, 0x83, 1, 0, ".")));
    assertEquals("PICKLE_OPCODE_NOT_ALLOWED", raw(of(0x80, 2, 0x84, le32(1), ".")));
    assertEquals("PICKLE_OPCODE_NOT_ALLOWED", raw(of("(S'id'\nios\nsystem\n.")));
    assertEquals("PICKLE_GLOBAL_NOT_ALLOWED", raw(of(0x80, 2, "(cos\nsystem\nU", 2, "ido.")));
    assertEquals("PICKLE_OPCODE_NOT_ALLOWED", raw(of(0x80, 2, "(ccollections\nOrderedDict\no.")));
    assertEquals("PICKLE_OPCODE_NOT_ALLOWED", raw(of("Pfoo\n.")));
    assertEquals("PICKLE_OPCODE_NOT_ALLOWED", raw(of(0x80, 5, 0x97, ".")));
    assertEquals("PICKLE_OPCODE_NOT_ALLOWED", raw(of(0x80, 5, 0x98, ".")));
    assertEquals("PICKLE_OPCODE_NOT_ALLOWED", raw(of(0x80, 2, "N2.")));
  }

  @Test
  void sourPicklesChainOfBuiltinsIsRejectedAtTheFirstImport() {
    // research N1: dict.get / vars / __import__ chain - only builtins, no "dangerous" name
    Finding f = rawFinding(of(0x80, 4, "cbuiltins\nvars\n.")); // first unknown global
    assertEquals("PICKLE_GLOBAL_NOT_ALLOWED", f.reason().code());
    assertTrue(f.message().contains("builtins.vars"));
  }

  @Test
  void buildOnAGlobalIsRejected() {
    assertEquals(
        "PICKLE_BUILD_NOT_ALLOWED",
        raw(of(0x80, 2, "ctorch\nFloatStorage\nN}", str("a"), str("os"), "s", 0x86, "b.")));
    assertEquals("PICKLE_BUILD_NOT_ALLOWED", raw(of(0x80, 2, "]}b.")));
  }

  @Test
  void mutationOnlyOfContainersThePickleBuilt() {
    assertEquals("PICKLE_MUTATION_NOT_ALLOWED", raw(of(0x80, 2, "ctorch\nSize\nNa.")));
    assertEquals("PICKLE_MUTATION_NOT_ALLOWED", raw(of(0x80, 2, ")NNs.")));
    assertEquals("PICKLE_MALFORMED", raw(of(0x80, 2, "}]Ns.")));
  }

  @Test
  void callRules() {
    assertEquals("PICKLE_CALL_NOT_ALLOWED", raw(of(0x80, 2, "ctorch\nFloatStorage\n)R.")));
    assertEquals(
        "PICKLE_CALL_NOT_ALLOWED", raw(of(0x80, 2, "ccollections\nOrderedDict\nK", 1, 0x85, "R.")));
    assertEquals(
        "PICKLE_CALL_NOT_ALLOWED",
        raw(of(0x80, 2, "c_codecs\nencode\n", str("x"), str("utf-8"), 0x86, "R.")));
    assertEquals(
        "PICKLE_CALL_NOT_ALLOWED", raw(of(0x80, 2, "ctorch\ndevice\n", str("$(id)"), 0x85, "R.")));
    assertEquals("PICKLE_CALL_NOT_ALLOWED", raw(of(0x80, 2, "N)R.")));
    assertEquals("PICKLE_MALFORMED", raw(of(0x80, 2, "ctorch\nSize\nNR.")));
  }

  @Test
  void realStateDictIsAcceptedInAnArchive() {
    assertEquals("ACCEPTED", torch(Pickles.benignStateDict()));
  }

  @Test
  void setItemOnATensorCve202624747() {
    byte[] t = Pickles.tensor(Pickles.floatStorage("0", 2), 0, 2, 1);
    assertEquals("PICKLE_MUTATION_NOT_ALLOWED", torch(of(0x80, 2, t, "K", 0, "K", 1, "s.")));
  }

  @Test
  void storageSizeMustMatchItsRecord() {
    byte[] big =
        of(0x80, 2, "}", str("w"), Pickles.tensor(Pickles.floatStorage("0", 250), 0, 2, 1), "s.");
    assertEquals("PYTORCH_STORAGE_SIZE_MISMATCH", torch(big));
    assertEquals(
        "PYTORCH_STORAGE_SIZE_MISMATCH", torch(Pickles.benignStateDict(), 4, LoadPolicy.strict()));
  }

  @Test
  void tensorMustStayInsideItsStorage() {
    assertEquals(
        "PYTORCH_TENSOR_OUT_OF_BOUNDS",
        torch(of(0x80, 2, Pickles.tensor(Pickles.floatStorage("0", 2), 1, 2, 1), ".")));
    assertEquals(
        "PYTORCH_TENSOR_OUT_OF_BOUNDS",
        torch(of(0x80, 2, Pickles.tensor(Pickles.floatStorage("0", 2), 0, 2, 100), ".")));
  }

  @Test
  void storagesAndRecordsMustMatchOneToOne() {
    assertEquals("PYTORCH_UNREFERENCED_RECORD", torch(of(0x80, 2, "}.")));
    byte[] missing = of(0x80, 2, Pickles.tensor(Pickles.floatStorage("7", 2), 0, 2, 1), ".");
    assertEquals("PYTORCH_MISSING_RECORD", torch(missing));
    byte[] inconsistent =
        of(
            0x80,
            2,
            "(",
            Pickles.tensor(Pickles.floatStorage("0", 2), 0, 2, 1),
            Pickles.tensor(Pickles.floatStorage("0", 1), 0, 1, 1),
            "t.");
    assertEquals("PYTORCH_STORAGE_INCONSISTENT", torch(inconsistent));
    // torch reads the record by the key's text: "00" is data/00, not the data/0 beside it
    byte[] leadingZero =
        of(
            0x80,
            2,
            "(",
            Pickles.tensor(Pickles.floatStorage("0", 2), 0, 2, 1),
            Pickles.tensor(Pickles.floatStorage("00", 2), 0, 2, 1),
            "t.");
    assertEquals("PICKLE_PERSISTENT_ID_INVALID", torch(leadingZero));
    byte[] badPid = of(0x80, 2, "(", str("module"), "N", "tQ.");
    assertEquals("PICKLE_PERSISTENT_ID_INVALID", torch(badPid));
    assertEquals("PICKLE_PERSISTENT_ID_INVALID", raw(of(0x80, 2, "NQ.")));
  }

  @Test
  void trailingBytesAfterDataPkl() {
    assertEquals("PICKLE_TRAILING_BYTES", torch(of(Pickles.benignStateDict(), "x")));
  }

  @Test
  void profilesAreExtensibleData() {
    byte[] ns =
        of(
            0x80,
            2,
            "}",
            str("w"),
            Pickles.tensor(Pickles.floatStorage("0", 2), 0, 2, 1),
            "s",
            str("hparams"),
            "cargparse\nNamespace\n)",
            0x81,
            "}",
            str("lr"),
            "G",
            new byte[] {
              0x3f,
              (byte) 0xb9,
              (byte) 0x99,
              (byte) 0x99,
              (byte) 0x99,
              (byte) 0x99,
              (byte) 0x99,
              (byte) 0x9a
            },
            "sbs.");
    assertEquals("PICKLE_GLOBAL_NOT_ALLOWED", torch(ns));
    LoadPolicy lightning =
        LoadPolicy.strict().toBuilder()
            .set(PyTorch.PROFILE, PickleProfile.torchTrainingCheckpoint())
            .build();
    assertEquals("ACCEPTED", torch(ns, 8, lightning));
    PickleProfile custom =
        PickleProfile.torchWeightsStrict().toBuilder()
            .name("mine")
            .allowGlobal("argparse", "Namespace", GlobalRule.dataClass())
            .build();
    assertEquals(
        "ACCEPTED",
        torch(ns, 8, LoadPolicy.strict().toBuilder().set(PyTorch.PROFILE, custom).build()));
    // a data class's state must be plain data, not an object
    byte[] evilState =
        of(
            0x80,
            2,
            "cargparse\nNamespace\n)",
            0x81,
            "}",
            str("x"),
            "ctorch\ndevice\n",
            str("cpu"),
            0x85,
            "Rsb.");
    assertEquals("PICKLE_BUILD_NOT_ALLOWED", torch(evilState, 8, lightning));
  }

  @Test
  void joblibArrayWrapperIsNotAdmitted() {
    // joblib writes raw numpy bytes after a NumpyArrayWrapper's BUILD; no built-in profile admits
    // it
    Finding f =
        rawFinding(
            of(
                0x80,
                4,
                0x95,
                le64(47),
                sstr("joblib.numpy_pickle"),
                0x94,
                sstr("NumpyArrayWrapper"),
                0x94,
                0x93,
                0x94,
                ")",
                0x81,
                "."));
    assertEquals("PICKLE_GLOBAL_NOT_ALLOWED", f.reason().code());
    assertTrue(f.message().contains("joblib.numpy_pickle.NumpyArrayWrapper"), f.message());
  }

  @Test
  void dangerousGlobalsCannotBeAddedToAProfile() {
    for (String[] g :
        new String[][] {
          {"os", "system"},
          {"builtins", "eval"},
          {"sys", "modules"},
          {"subprocess", "run"},
          {"posix", "system"}
        }) {
      org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class,
          () -> PickleProfile.builder("x").allowGlobal(g[0], g[1], GlobalRule.plainDataCall()));
    }
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> PickleProfile.builder("x").allowOpcodes(java.util.Set.of(PickleOpcode.EXT1)));
  }
}
