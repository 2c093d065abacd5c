package dev.safeload.formats.onnx;

import static dev.safeload.formats.onnx.OnnxTesting.assertRejected;
import static dev.safeload.formats.onnx.OnnxTesting.describe;
import static dev.safeload.formats.onnx.OnnxTesting.fixture;
import static dev.safeload.formats.onnx.Proto.field;
import static dev.safeload.formats.onnx.Proto.graph;
import static dev.safeload.formats.onnx.Proto.model;
import static dev.safeload.formats.onnx.Proto.node;

import dev.safeload.LoadPolicy;
import dev.safeload.formats.FormatReason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sparse tensors (GraphProto.sparse_initializer, AttributeProto.sparse_tensor) against
 * onnx.checker's check_sparse_tensor. The fixtures in resources/onnx/sparse come from python3-onnx
 * (generate.py there); the checker accepts the valid ones and refuses every other one.
 */
class OnnxSparseTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "valid_linear.onnx",
        "valid_coo.onnx",
        "valid_int64_data.onnx",
        "valid_constant.onnx"
      })
  void acceptsWhatTheCheckerAccepts(String name) {
    describe(fixture("sparse/" + name));
  }

  @ParameterizedTest
  @CsvSource({
    "oob_linear.onnx, ONNX_SPARSE_INDEX_INVALID",
    "negative_linear.onnx, ONNX_SPARSE_INDEX_INVALID",
    "oob_coo.onnx, ONNX_SPARSE_INDEX_INVALID",
    "oob_int64_data.onnx, ONNX_SPARSE_INDEX_INVALID",
    "oob_constant.onnx, ONNX_SPARSE_INDEX_INVALID",
    "unsorted_linear.onnx, ONNX_SPARSE_INDEX_INVALID",
    "repeated_linear.onnx, ONNX_SPARSE_INDEX_INVALID",
    "unsorted_coo.onnx, ONNX_SPARSE_INDEX_INVALID",
    "count_mismatch.onnx, ONNX_TENSOR_INVALID"
  })
  void refusesWhatTheCheckerRefuses(String name, FormatReason reason) {
    assertRejected(reason, fixture("sparse/" + name));
  }

  // ---------------------------------------------------------------- crafted: what python cannot
  // write

  /** FLOAT values of shape [n], raw. */
  private static Proto values(int n) {
    return Proto.floatTensor("W", n);
  }

  private static byte[] raw(long... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      b.putLong(x);
    }
    return b.array();
  }

  private static byte[] sparseModel(Proto sparse) {
    return model(graph(field(1, node("Relu", null, "W", "Y")), field(15, sparse))).build();
  }

  /** int64_data written unpacked, one varint field per value, and split over two packed runs. */
  @Test
  void int64DataUnpackedOrSplitIsRead() {
    Proto unpacked = Proto.of().varint(1, 3).varint(2, 7).str(8, "i");
    Proto split = Proto.of().varint(1, 3).varint(2, 7).str(8, "i");
    for (long v : new long[] {1, 6, 11}) {
      unpacked.varint(7, v);
    }
    split.msg(7, Proto.of().rawVarint(1)).msg(7, Proto.of().rawVarint(6).rawVarint(11));
    describe(sparseModel(Proto.of().msg(1, values(3)).msg(2, unpacked).varint(3, 3).varint(3, 4)));
    describe(sparseModel(Proto.of().msg(1, values(3)).msg(2, split).varint(3, 3).varint(3, 4)));
    Proto late = Proto.of().varint(1, 3).varint(2, 7).str(8, "i");
    late.msg(7, Proto.of().rawVarint(1)).msg(7, Proto.of().rawVarint(6).rawVarint(12));
    assertRejected(
        FormatReason.ONNX_SPARSE_INDEX_INVALID,
        sparseModel(Proto.of().msg(1, values(3)).msg(2, late).varint(3, 3).varint(3, 4)));
  }

  @Test
  void externalIndicesAreRefused() {
    Proto indices =
        Proto.of()
            .varint(1, 3)
            .varint(2, 7)
            .str(8, "i")
            .msg(13, Proto.entry("location", "w.bin"))
            .msg(13, Proto.entry("length", "24"))
            .varint(14, 1);
    assertRejected(
        FormatReason.ONNX_SPARSE_INDEX_INVALID,
        sparseModel(Proto.of().msg(1, values(3)).msg(2, indices).varint(3, 3).varint(3, 4)));
  }

  @Test
  void structureFollowsTheChecker() {
    Proto ok = Proto.of().varint(1, 3).varint(2, 7).str(8, "i").bytes(9, raw(1, 6, 11));
    describe(sparseModel(Proto.of().msg(1, values(3)).msg(2, ok).varint(3, 3).varint(3, 4)));
    // no values; values of rank 2; no dims; a zero dimension; NNZ values but no indices
    assertRejected(
        FormatReason.ONNX_TENSOR_INVALID,
        sparseModel(Proto.of().msg(2, ok).varint(3, 3).varint(3, 4)));
    Proto values2d =
        Proto.of().varint(1, 3).varint(1, 1).varint(2, 1).str(8, "W").bytes(9, new byte[12]);
    assertRejected(
        FormatReason.ONNX_TENSOR_INVALID,
        sparseModel(Proto.of().msg(1, values2d).msg(2, ok).varint(3, 3).varint(3, 4)));
    assertRejected(
        FormatReason.ONNX_TENSOR_INVALID, sparseModel(Proto.of().msg(1, values(3)).msg(2, ok)));
    assertRejected(
        FormatReason.ONNX_TENSOR_INVALID,
        sparseModel(Proto.of().msg(1, values(3)).msg(2, ok).varint(3, 3).varint(3, 0)));
    assertRejected(
        FormatReason.ONNX_TENSOR_INVALID,
        sparseModel(Proto.of().msg(1, values(3)).varint(3, 3).varint(3, 4)));
    // indices INT32 rather than INT64; of rank 3; [NNZ, 3] for a rank-2 tensor
    Proto int32 = Proto.of().varint(1, 3).varint(2, 6).str(8, "i").bytes(9, new byte[12]);
    assertRejected(
        FormatReason.ONNX_TENSOR_INVALID,
        sparseModel(Proto.of().msg(1, values(3)).msg(2, int32).varint(3, 3).varint(3, 4)));
    Proto rank3 =
        Proto.of().varint(1, 3).varint(1, 1).varint(1, 1).varint(2, 7).bytes(9, raw(1, 6, 11));
    assertRejected(
        FormatReason.ONNX_TENSOR_INVALID,
        sparseModel(Proto.of().msg(1, values(3)).msg(2, rank3).varint(3, 3).varint(3, 4)));
    Proto wide =
        Proto.of().varint(1, 3).varint(1, 3).varint(2, 7).bytes(9, raw(0, 0, 0, 0, 0, 1, 0, 0, 2));
    assertRejected(
        FormatReason.ONNX_TENSOR_INVALID,
        sparseModel(Proto.of().msg(1, values(3)).msg(2, wide).varint(3, 3).varint(3, 4)));
    // the dense size overflows 64 bits: refused, not wrapped around
    assertRejected(
        FormatReason.ONNX_TENSOR_INVALID,
        sparseModel(
            Proto.of().msg(1, values(3)).msg(2, ok).varint(3, 1L << 40).varint(3, 1L << 40)));
    // the largest linear index of a dense size near 2^63 passes the index rule (the tensor is then
    // refused for its dense size), and one past it does not
    long big = Long.MAX_VALUE / 2;
    Proto edge = Proto.of().varint(1, 1).varint(2, 7).bytes(9, raw(2 * big - 1));
    assertRejected(
        FormatReason.ONNX_LIMIT_EXCEEDED,
        sparseModel(Proto.of().msg(1, values(1)).msg(2, edge).varint(3, big).varint(3, 2)));
    Proto past = Proto.of().varint(1, 1).varint(2, 7).bytes(9, raw(2 * big));
    assertRejected(
        FormatReason.ONNX_SPARSE_INDEX_INVALID,
        sparseModel(Proto.of().msg(1, values(1)).msg(2, past).varint(3, big).varint(3, 2)));
  }

  // ------------------------------------------------------------ dense size: what ORT allocates

  /**
   * A sparse FLOAT tensor of these dims holding nothing: values of shape [0], INT64 indices of
   * shape [0].
   */
  private static Proto empty(String name, long... dims) {
    Proto sparse =
        Proto.of()
            .msg(1, Proto.floatTensor(name, 0))
            .msg(2, Proto.of().varint(1, 0).varint(2, 7).str(8, "i").bytes(9, new byte[0]));
    for (long d : dims) {
      sparse.varint(3, d);
    }
    return sparse;
  }

  /**
   * ONNX Runtime 1.22 makes sparse initializers and sparse Constants dense when it creates a
   * session: a 101-byte model (onnx.checker accepts it) whose sparse initializer declares 2^28
   * floats and stores none took ORT to 2.2 GB resident. The dense size counts against
   * onnx.maxSparseDenseBytes (256 MiB by default, summed over the model).
   */
  @Test
  void denseSizeIsBoundedByThePolicy() {
    assertRejected(FormatReason.ONNX_LIMIT_EXCEEDED, sparseModel(empty("W", 1L << 28)));
    assertRejected(FormatReason.ONNX_LIMIT_EXCEEDED, sparseModel(empty("W", 1L << 16, 1L << 16)));
    // the same as a Constant node's sparse_value (AttributeProto type SPARSE_TENSOR = 11)
    Proto constant =
        node("Constant", null, "", "W")
            .msg(5, Proto.of().str(1, "sparse_value").varint(20, 11).msg(22, empty("v", 1L << 28)));
    assertRejected(FormatReason.ONNX_LIMIT_EXCEEDED, model(graph(field(1, constant))).build());
    // two tensors of 128 MiB each fit; a third 4 bytes more does not: the limit is the model's
    // total
    Proto relu = field(1, node("Relu", null, "W", "Y"));
    describe(
        model(graph(relu, field(15, empty("W", 1L << 25)), field(15, empty("V", 1L << 25))))
            .build());
    assertRejected(
        FormatReason.ONNX_LIMIT_EXCEEDED,
        model(
                graph(
                    relu,
                    field(15, empty("W", 1L << 25)),
                    field(15, empty("V", 1L << 25)),
                    field(15, empty("U", 1))))
            .build());
    // a policy that says so admits more
    describe(
        sparseModel(empty("W", 1L << 28)),
        LoadPolicy.strict().toBuilder().set(Onnx.MAX_SPARSE_DENSE_BYTES, 1L << 30).build());
  }
}
