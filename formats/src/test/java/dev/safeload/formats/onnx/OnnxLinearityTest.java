package dev.safeload.formats.onnx;

import static dev.safeload.formats.onnx.Proto.externalTensor;
import static dev.safeload.formats.onnx.Proto.field;
import static dev.safeload.formats.onnx.Proto.graph;
import static dev.safeload.formats.onnx.Proto.model;
import static dev.safeload.formats.onnx.Proto.node;
import static dev.safeload.formats.onnx.Proto.opset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Work bounds of the ONNX handler, counted (never timed): hostile models are built at two sizes and
 * the handler's work units (protobuf fields visited, string bytes checked, cross-reference and
 * cross-file steps) must grow linearly with the input, with a small constant per input byte.
 */
class OnnxLinearityTest {

  private static final LoadPolicy LOCAL =
      LoadPolicy.strict().toBuilder()
          .set(Onnx.ALLOWED_DOMAINS, OperatorDomains.standardPlus("local"))
          .build();

  /** Work and input size of one run. */
  private record Run(long work, long inputBytes) {}

  private static void assertLinear(IntFunction<Run> run, int n) {
    Run a = run.apply(n);
    Run b = run.apply(2 * n);
    assertTrue(b.inputBytes() > 1.9 * a.inputBytes(), "the input must double: " + a + " " + b);
    assertTrue(b.work() > 1.5 * a.work(), "the counter must see the work: " + a + " " + b);
    assertTrue(
        b.work() <= 2.2 * a.work() + 1000, "work grows faster than the input: " + a + " " + b);
    assertTrue(b.work() <= 4 * b.inputBytes(), "more than 4 work units per input byte: " + b);
  }

  // ---------------------------------------------------------------- external data files

  /**
   * Issue 10: a model naming n external data files was walked once per file (validateReferenced)
   * and once more for validateModel, n + 2 walks of a model that grows with n.
   */
  @Test
  void manyExternalDataFiles() {
    assertLinear(OnnxLinearityTest::externalFiles, 500);
  }

  private static Run externalFiles(int n) {
    Proto g = graph(field(1, node("Relu", null, "X", "Y")));
    Map<String, byte[]> data = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      g.msg(
          5,
          externalTensor("w" + i, 4, "location", "d" + i + ".bin", "offset", "0", "length", "16"));
      data.put("d" + i + ".bin", new byte[16]);
    }
    byte[] m = model(g).build();
    CrossFile x = new CrossFile(new OnnxHandler());
    CrossFile.File model = x.model("model.onnx", m, data);
    x.acrossFiles(model, true);
    x.assertNoFindings();
    assertEquals(n + 1, x.files.size());
    assertEquals(OnnxHandler.EXTERNAL_DATA_FORMAT, x.files.get("d0.bin").format());
    return new Run(x.handler.work(), m.length + 16L * n);
  }

  /** Many tensors in one data file: the range and overlap checks are per tensor, not per pair. */
  @Test
  void manyTensorsInOneDataFile() {
    assertLinear(
        n -> {
          Proto g = graph(field(1, node("Relu", null, "X", "Y")));
          for (int i = 0; i < n; i++) {
            // written in reverse offset order: the check sorts once instead of searching per tensor
            g.msg(
                5,
                externalTensor(
                    "w" + i, 4, "location", "w.bin", "offset", Integer.toString(16 * (n - 1 - i))));
          }
          byte[] m = model(g).build();
          CrossFile x = new CrossFile(new OnnxHandler());
          CrossFile.File model = x.model("model.onnx", m, Map.of("w.bin", new byte[16 * n]));
          x.acrossFiles(model, true);
          x.assertNoFindings();
          assertEquals(n, x.files.get("w.bin").description().tensors().size());
          return new Run(x.handler.work(), m.length + 16L * n);
        },
        1000);
  }

  // ---------------------------------------------------------------- functions and subgraphs

  /** A node whose attribute holds a subgraph (as If/Loop/Scan do). */
  private static Proto nodeWithSubgraph() {
    Proto body = graph(field(1, node("Relu", null, "a", "b")));
    Proto attr = Proto.of().str(1, "body").varint(20, 5).msg(6, body);
    return node("Relu", null, "X", "Y").msg(5, attr);
  }

  private static Proto function(String name) {
    return Proto.of()
        .str(1, name)
        .str(4, "a")
        .str(5, "b")
        .str(10, "local")
        .msg(9, opset("", 13))
        .msg(7, nodeWithSubgraph());
  }

  /**
   * Issue 10: every subgraph inside a function searched all function scopes for its own, so n
   * functions with a subgraph each cost n^2.
   */
  @Test
  void manyFunctionsWithSubgraphs() {
    assertLinear(
        n -> {
          Proto m =
              model(graph(field(1, node("f0", "local", "X", "Y")), field(1, nodeWithSubgraph())))
                  .msg(8, opset("local", 1));
          for (int i = 0; i < n; i++) {
            m.msg(25, function("f" + i));
          }
          return validate(m.build(), LOCAL);
        },
        1000);
  }

  /** Subgraphs in the main graph and in training graphs, beside many functions. */
  @Test
  void manySubgraphsBesideManyFunctions() {
    assertLinear(
        n -> {
          Proto g = graph();
          for (int i = 0; i < n; i++) {
            g.msg(1, nodeWithSubgraph());
          }
          Proto m = model(g).msg(8, opset("local", 1));
          for (int i = 0; i < n; i++) {
            m.msg(25, function("f" + i));
          }
          m.msg(20, Proto.of().msg(1, graph(field(1, nodeWithSubgraph()))));
          return validate(m.build(), LOCAL);
        },
        1000);
  }

  /**
   * Call-cycle and depth checks are a memoised search: a ladder of functions each calling the next
   * one twice has 2^depth call paths but only 2 * depth call edges.
   */
  @Test
  void functionCallLadder() {
    assertLinear(
        depth -> {
          Proto m = model(graph(field(1, node("f0", "local", "X", "Y")))).msg(8, opset("local", 1));
          for (int i = 0; i < depth; i++) {
            Proto f =
                Proto.of()
                    .str(1, "f" + i)
                    .str(4, "a")
                    .str(5, "b")
                    .str(10, "local")
                    .msg(9, opset("", 13));
            if (i + 1 < depth) {
              f.msg(9, opset("local", 1))
                  .msg(7, node("f" + (i + 1), "local", "a", "t"))
                  .msg(7, node("f" + (i + 1), "local", "t", "b"));
            } else {
              f.msg(7, node("Relu", null, "a", "b"));
            }
            m.msg(25, f);
          }
          return validate(m.build(), LOCAL);
        },
        45);
  }

  /** Subgraphs nested in subgraphs, to the depth limit: each level is walked once. */
  @Test
  void nestedSubgraphs() {
    assertLinear(
        levels -> {
          Proto g = graph(field(1, node("Relu", null, "a", "b")));
          for (int i = 0; i < levels; i++) {
            Proto attr = Proto.of().str(1, "body").varint(20, 5).msg(6, g);
            g = graph(field(1, node("Relu", null, "X", "Y").msg(5, attr)));
          }
          return validate(
              model(g).build(), LoadPolicy.strict().toBuilder().set(Onnx.MAX_DEPTH, 1000L).build());
        },
        100);
  }

  /**
   * Sparse tensor indices are read once each: n coordinate pairs, in raw_data and in packed
   * int64_data (the second read of the indices tensor skips its other fields).
   */
  @Test
  void sparseIndices() {
    for (boolean raw : new boolean[] {true, false}) {
      assertLinear(
          n -> {
            Proto indices = Proto.of().varint(1, n).varint(1, 2).varint(2, 7).str(8, "i");
            java.nio.ByteBuffer b =
                java.nio.ByteBuffer.allocate(16 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            Proto packed = Proto.of();
            for (int i = 0; i < n; i++) {
              b.putLong(i).putLong(i);
              packed.rawVarint(i).rawVarint(i);
            }
            indices = raw ? indices.bytes(9, b.array()) : indices.msg(7, packed);
            Proto sparse =
                Proto.of()
                    .msg(1, Proto.floatTensor("W", n))
                    .msg(2, indices)
                    .varint(3, n)
                    .varint(3, n);
            return validate(
                model(graph(field(1, node("Relu", null, "W", "Y")), field(15, sparse))).build(),
                // an n x n tensor: over the default dense-size limit, which is not the point here
                LoadPolicy.strict().toBuilder()
                    .set(Onnx.MAX_SPARSE_DENSE_BYTES, Long.MAX_VALUE)
                    .build());
          },
          20_000);
    }
  }

  private static Run validate(byte[] m, LoadPolicy policy) {
    OnnxHandler h = new OnnxHandler();
    CrossFile x = new CrossFile(h, policy);
    h.validate(CrossFile.bytes(m), x.ctx("model.onnx"));
    x.assertNoFindings();
    return new Run(h.work(), m.length);
  }
}
