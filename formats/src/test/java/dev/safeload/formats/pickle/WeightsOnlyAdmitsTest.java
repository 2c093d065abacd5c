package dev.safeload.formats.pickle;

import static dev.safeload.formats.Pickles.of;
import static dev.safeload.formats.Pickles.str;
import static dev.safeload.formats.pickle.PickleMachineTest.raw;
import static dev.safeload.formats.pickle.PickleMachineTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ScanReport;
import dev.safeload.formats.Scans;
import dev.safeload.formats.pytorch.PyTorch;
import dev.safeload.formats.pytorch.PyTorchHandler;
import dev.safeload.formats.zip.TestZip;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code torch.load(weights_only=True)} admits beyond dense tensors (issue 11): quantized and
 * sparse COO tensors, complex numbers, bytearrays, Counters, and torch 2.x's 40-digit serialization
 * id. Real files from {@code resources/pytorch/generate_weights_only.py} are accepted under
 * torch-weights-strict; crafted ones show each callable's argument rule with its exact reason.
 */
class WeightsOnlyAdmitsTest {
  static final LoadPolicy STRICT =
      LoadPolicy.strict().toBuilder()
          .set(PyTorch.PROFILE, PickleProfile.torchWeightsStrict())
          .build();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pytorch/quantized_state_dict.pt",
        "pytorch/sparse_coo.pt",
        "pytorch/complex_bytearray_counter.pt",
        "pytorch/serialization_id_40.pt",
        "pytorch/sparse_coo_legacy.pt"
      })
  void realFilesAreAccepted(String fixture) throws Exception {
    byte[] file = Scans.read(Scans.resource(fixture));
    assertEquals(List.of(), run(new PyTorchHandler(), file, STRICT), fixture);
    ScanReport r = Scans.scan(Scans.resource(fixture), STRICT);
    assertTrue(r.accepted(), () -> fixture + ": " + Scans.describe(r));
  }

  // ------------------------------------------------------------------ crafted archives

  /** data.pkl plus data/0, data/1, ... holding the given byte counts. */
  static String archive(byte[] dataPkl, int... recordBytes) {
    TestZip z = new TestZip();
    z.add("archive/data.pkl", dataPkl);
    for (int i = 0; i < recordBytes.length; i++) {
      z.add("archive/data/" + i, new byte[recordBytes[i]]);
    }
    z.add("archive/version", "3\n".getBytes());
    List<Finding> f = run(new PyTorchHandler(), z.build(), STRICT);
    return f.isEmpty() ? "ACCEPTED" : f.get(0).reason().code();
  }

  /** data.pkl plus data/0, data/1, ... with the given contents. */
  static String archiveWith(byte[] dataPkl, byte[]... records) {
    TestZip z = new TestZip();
    z.add("archive/data.pkl", dataPkl);
    for (int i = 0; i < records.length; i++) {
      z.add("archive/data/" + i, records[i]);
    }
    z.add("archive/version", "3\n".getBytes());
    List<Finding> f = run(new PyTorchHandler(), z.build(), STRICT);
    return f.isEmpty() ? "ACCEPTED" : f.get(0).reason().code();
  }

  static byte[] longs(long... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      b.putLong(x);
    }
    return b.array();
  }

  static byte[] storage(String type, String key, int numel) {
    return of(
        "(", str("storage"), "ctorch\n" + type + "\n", str(key), str("cpu"), "K", numel, "tQ");
  }

  static byte[] ints(int... v) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(of("("));
    for (int x : v) {
      b.writeBytes(of("K", x));
    }
    b.writeBytes(of("t"));
    return b.toByteArray();
  }

  static byte[] dbl(double d) {
    return of("G", ByteBuffer.allocate(8).putDouble(d).array());
  }

  static final byte[] HOOKS = of("ccollections\nOrderedDict\n)R");

  static byte[] tensor(byte[] storage, int[] size, int[] stride) {
    return of(
        "ctorch._utils\n_rebuild_tensor_v2\n(",
        storage,
        "K",
        0,
        ints(size),
        ints(stride),
        0x89,
        HOOKS,
        "tR");
  }

  static byte[] qtensor(byte[] storage, int[] size, int[] stride, byte[] qparams) {
    return of(
        "ctorch._utils\n_rebuild_qtensor\n(",
        storage,
        "K",
        0,
        ints(size),
        ints(stride),
        qparams,
        0x89,
        HOOKS,
        "tR");
  }

  static final byte[] PER_TENSOR = of("(ctorch\nper_tensor_affine\n", dbl(0.1), "K", 10, "t");

  static byte[] perChannel(int channels, int axis) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(of("(ctorch\nper_channel_affine\n](")); // scales as a list
    for (int i = 0; i < channels; i++) {
      b.writeBytes(dbl(0.1));
    }
    b.writeBytes(of("e](")); // zero points as a list
    for (int i = 0; i < channels; i++) {
      b.writeBytes(of("K", 0));
    }
    b.writeBytes(of("eK", axis, "t"));
    return b.toByteArray();
  }

  @Test
  void quantizedTensorRules() {
    byte[] q6 = storage("QUInt8Storage", "0", 6);
    assertEquals(
        "ACCEPTED",
        archive(of(0x80, 2, qtensor(q6, new int[] {2, 3}, new int[] {3, 1}, PER_TENSOR), "."), 6));
    assertEquals(
        "ACCEPTED",
        archive(
            of(0x80, 2, qtensor(q6, new int[] {2, 3}, new int[] {3, 1}, perChannel(2, 0)), "."),
            6));
    // GHSA-jg6j-8w4h-2pg2: strides reaching past the storage
    assertEquals(
        "PYTORCH_TENSOR_OUT_OF_BOUNDS",
        archive(
            of(0x80, 2, qtensor(q6, new int[] {2, 3}, new int[] {100, 1}, PER_TENSOR), "."), 6));
    // one scale per slice along the axis
    assertEquals(
        "PICKLE_CALL_NOT_ALLOWED",
        archive(
            of(0x80, 2, qtensor(q6, new int[] {2, 3}, new int[] {3, 1}, perChannel(3, 0)), "."),
            6));
    assertEquals(
        "PICKLE_CALL_NOT_ALLOWED",
        archive(
            of(0x80, 2, qtensor(q6, new int[] {2, 3}, new int[] {3, 1}, perChannel(2, 2)), "."),
            6));
    // quantized storages only through _rebuild_qtensor, dense ones never through it
    assertEquals(
        "PICKLE_CALL_NOT_ALLOWED",
        archive(of(0x80, 2, tensor(q6, new int[] {6}, new int[] {1}), "."), 6));
    assertEquals(
        "PICKLE_CALL_NOT_ALLOWED",
        archive(
            of(
                0x80,
                2,
                qtensor(storage("FloatStorage", "0", 6), new int[] {6}, new int[] {1}, PER_TENSOR),
                "."),
            24));
    // a scheme _rebuild_qtensor cannot rebuild
    assertEquals(
        "PICKLE_GLOBAL_NOT_ALLOWED",
        archive(
            of(
                0x80,
                2,
                qtensor(
                    q6,
                    new int[] {6},
                    new int[] {1},
                    of("(ctorch\nper_tensor_symmetric\n", dbl(0.1), "K", 0, "t")),
                "."),
            6));
  }

  static byte[] sparse(int[] size) {
    return sparse(size, 2, new int[] {2, 1});
  }

  static byte[] sparse(int[] size, int indexElements, int[] indexStride) {
    byte[] indices =
        tensor(storage("LongStorage", "0", indexElements), new int[] {1, 2}, indexStride);
    byte[] values = tensor(storage("FloatStorage", "1", 2), new int[] {2}, new int[] {1});
    return of(
        0x80,
        2,
        "ctorch._utils\n_rebuild_sparse_tensor\nctorch.serialization\n_get_layout\n",
        str("torch.sparse_coo"),
        0x85,
        "R(",
        indices,
        values,
        "ctorch\nSize\n",
        ints(size),
        0x85,
        "Rt",
        0x86,
        "R.");
  }

  @Test
  void sparseTensorRules() {
    assertEquals("ACCEPTED", archive(sparse(new int[] {3}), 16, 8));
    // indices say one sparse dimension, values none dense: the size must have exactly one dimension
    assertEquals("PICKLE_CALL_NOT_ALLOWED", archive(sparse(new int[] {3, 4}), 16, 8));
    // index values are checked against the size (torch checks them only with sparse invariants on)
    byte[] values = new byte[8];
    assertEquals("ACCEPTED", archiveWith(sparse(new int[] {3}), longs(0, 2), values));
    assertEquals(
        "PYTORCH_SPARSE_INDEX_INVALID", archiveWith(sparse(new int[] {3}), longs(0, 3), values));
    assertEquals(
        "PYTORCH_SPARSE_INDEX_INVALID", archiveWith(sparse(new int[] {3}), longs(-1, 0), values));
    // a stride-0 indices view reading one 8-byte element nnz times
    assertEquals(
        "PYTORCH_SPARSE_INDEX_INVALID",
        archiveWith(sparse(new int[] {3}, 1, new int[] {0, 0}), longs(0), values));
    // only the COO layout is rebuilt
    assertEquals(
        "PICKLE_CALL_NOT_ALLOWED",
        raw(
            of(
                0x80,
                2,
                "ctorch.serialization\n_get_layout\n",
                str("torch.sparse_csr"),
                0x85,
                "R.")));
  }

  @Test
  void manySparseTensorsOverOneIndicesStorageAreBounded() {
    // indices (1, 20000) and values (20000,): 240 KB of records; the same data handed to
    // _rebuild_sparse_tensor through new argument tuples costs 20000 index reads each time
    int nnz = 20000;
    for (int reps : new int[] {2, 100}) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      // everything stays inside one MARK (the strict profile has no POP): fn, layout, data, results
      b.writeBytes(
          of(
              0x80,
              2,
              "(ctorch._utils\n_rebuild_sparse_tensor\nq",
              0,
              "ctorch.serialization\n_get_layout\n",
              str("torch.sparse_coo"),
              0x85,
              "Rq",
              1));
      b.writeBytes(
          of(
              "(",
              storageIndices(nnz),
              storageValues(nnz),
              "ctorch\nSize\n(K",
              5,
              "t",
              0x85,
              "Rtq",
              2));
      for (int i = 0; i < reps; i++) {
        b.writeBytes(of("h", 0, "h", 1, "h", 2, 0x86, "R"));
      }
      b.writeBytes(of("t."));
      String verdict = archiveWith(b.toByteArray(), new byte[8 * nnz], new byte[4 * nnz]);
      assertEquals(
          reps == 2 ? "ACCEPTED" : "PYTORCH_SPARSE_INDEX_INVALID", verdict, "reps " + reps);
    }
  }

  static byte[] bigStorage(String type, String key, int numel) {
    return of(
        "(",
        str("storage"),
        "ctorch\n" + type + "\n",
        str(key),
        str("cpu"),
        "M",
        numel & 0xff,
        numel >> 8,
        "tQ");
  }

  static byte[] storageIndices(int nnz) {
    byte[] m = of("M", nnz & 0xff, nnz >> 8);
    return of(
        "ctorch._utils\n_rebuild_tensor_v2\n(",
        bigStorage("LongStorage", "0", nnz),
        "K",
        0,
        "(K",
        1,
        m,
        "t(",
        m,
        "K",
        1,
        "t",
        0x89,
        HOOKS,
        "tR");
  }

  static byte[] storageValues(int nnz) {
    byte[] m = of("M", nnz & 0xff, nnz >> 8);
    return of(
        "ctorch._utils\n_rebuild_tensor_v2\n(",
        bigStorage("FloatStorage", "1", nnz),
        "K",
        0,
        "(",
        m,
        "t(K",
        1,
        "t",
        0x89,
        HOOKS,
        "tR");
  }

  @Test
  void complexBytearrayCounterRules() {
    assertEquals(
        "PICKLE_CALL_NOT_ALLOWED",
        raw(of(0x80, 2, "c__builtin__\ncomplex\n", str("1+2j"), 0x85, "R.")));
    assertEquals(
        "PICKLE_CALL_NOT_ALLOWED",
        raw(of(0x80, 2, "c__builtin__\nbytearray\n]K", 1, "a", 0x85, "R.")));
    assertEquals(
        "PICKLE_CALL_NOT_ALLOWED",
        raw(of(0x80, 2, "ccollections\nCounter\n", str("abc"), 0x85, "R.")));
    // as a dict key a complex number is hashable, a bytearray is not
    PickleMachineTest.accepted(
        of(0x80, 2, "}c__builtin__\ncomplex\n", dbl(1), dbl(2), 0x86, "RNs."));
    assertEquals("PICKLE_MALFORMED", raw(of(0x80, 2, "}c__builtin__\nbytearray\n)RNs.")));
  }

  @Test
  void serializationIdOfTorch2() throws Exception {
    byte[] file = Scans.read(Scans.resource("pytorch/serialization_id_40.pt"));
    assertEquals(List.of(), run(new PyTorchHandler(), file, STRICT));
    for (String id : new String[] {"1".repeat(65), "12a"}) {
      TestZip z = new TestZip();
      z.add("archive/data.pkl", of(0x80, 2, "}."));
      z.add("archive/.data/serialization_id", id.getBytes());
      z.add("archive/version", "3\n".getBytes());
      assertEquals(
          "PYTORCH_RECORD_INVALID",
          run(new PyTorchHandler(), z.build(), STRICT).get(0).reason().code(),
          id);
    }
  }
}
