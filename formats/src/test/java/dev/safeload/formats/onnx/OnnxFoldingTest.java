package dev.safeload.formats.onnx;

import static dev.safeload.formats.onnx.OnnxTesting.assertRejected;
import static dev.safeload.formats.onnx.OnnxTesting.describe;
import static dev.safeload.formats.onnx.Proto.field;
import static dev.safeload.formats.onnx.Proto.graph;
import static dev.safeload.formats.onnx.Proto.model;
import static dev.safeload.formats.onnx.Proto.node;

import dev.safeload.LoadPolicy;
import dev.safeload.formats.FormatReason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime 1.22 folds constants when it creates a session: a ConstantOfShape, Expand or Tile
 * whose inputs are all constants is run then, so a shape of a few bytes in the file is memory the
 * application allocates at load. Measured (ORT Java 1.22, session from bytes, default options): 95
 * to 136-byte models whose ConstantOfShape, Expand or Tile made a tensor of 2^28 floats from an
 * initializer or a Constant's value_ints took it to 3.2 GB resident, 18 to 47 s. The elements
 * folding makes are bounded by onnx.maxFoldedElements (2^26 by default, over the model).
 */
class OnnxFoldingTest {

  private static Proto int64(String name, long... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      b.putLong(x);
    }
    return Proto.of().varint(1, v.length).varint(2, 7).str(8, name).bytes(9, b.array());
  }

  /** A node with two inputs. */
  private static Proto node2(String op, String a, String b, String out) {
    return Proto.of().str(1, a).str(1, b).str(2, out).str(4, op);
  }

  private static byte[] withInit(Proto node, Proto... inits) {
    Proto[] parts = new Proto[inits.length + 1];
    parts[0] = field(1, node);
    for (int i = 0; i < inits.length; i++) {
      parts[i + 1] = field(5, inits[i]);
    }
    return model(graph(parts)).build();
  }

  @Test
  void constantOfShapeFromAnInitializer() {
    assertRejected(
        FormatReason.ONNX_LIMIT_EXCEEDED,
        withInit(node("ConstantOfShape", null, "s", "y"), int64("s", 1L << 28)));
    assertRejected(
        FormatReason.ONNX_LIMIT_EXCEEDED,
        withInit(node("ConstantOfShape", null, "s", "y"), int64("s", 1 << 14, 1 << 14)));
    // the initializer may follow the node on the wire
    assertRejected(
        FormatReason.ONNX_LIMIT_EXCEEDED,
        model(
                graph(
                    field(5, int64("s", 1L << 28)),
                    field(1, node("ConstantOfShape", null, "s", "y"))))
            .build());
    // what real exports make (torch.zeros of a fixed size): accepted
    describe(withInit(node("ConstantOfShape", null, "s", "y"), int64("s", 1, 1, 4096, 4096)));
    // a shape that is not a constant is not folded
    describe(model(graph(field(1, node("ConstantOfShape", null, "x", "y")))).build());
  }

  @Test
  void constantOfShapeFromAConstantNode() {
    Proto ints = Proto.of().str(1, "value_ints").varint(20, 7).varint(8, 1L << 28);
    Proto constant = node("Constant", null, "", "s").msg(5, ints);
    assertRejected(
        FormatReason.ONNX_LIMIT_EXCEEDED,
        model(graph(field(1, constant), field(1, node("ConstantOfShape", null, "s", "y"))))
            .build());
    Proto tensor = Proto.of().str(1, "value").varint(20, 4).msg(5, int64("t", 1L << 28));
    assertRejected(
        FormatReason.ONNX_LIMIT_EXCEEDED,
        model(
                graph(
                    field(1, node("Constant", null, "", "s").msg(5, tensor)),
                    field(1, node("ConstantOfShape", null, "s", "y"))))
            .build());
  }

  @Test
  void expandAndTileOfConstants() {
    Proto one = Proto.floatTensor("x", 1);
    assertRejected(
        FormatReason.ONNX_LIMIT_EXCEEDED,
        withInit(node2("Expand", "x", "s", "y"), one, int64("s", 1L << 28)));
    assertRejected(
        FormatReason.ONNX_LIMIT_EXCEEDED,
        withInit(node2("Tile", "x", "s", "y"), one, int64("s", 1L << 28)));
    describe(withInit(node2("Expand", "x", "s", "y"), one, int64("s", 1 << 20)));
    describe(withInit(node2("Tile", "x", "s", "y"), one, int64("s", 1 << 20)));
    // Expand of a graph input (not a constant) is not folded
    describe(
        model(graph(field(1, node2("Expand", "in", "s", "y")), field(5, int64("s", 1L << 28))))
            .build());
  }

  /** An initializer of FLOAT zeros of shape {@code dims}. */
  private static Proto floats(String name, long... dims) {
    Proto t = Proto.of();
    long n = 1;
    for (long d : dims) {
      t = t.varint(1, d);
      n *= d;
    }
    return t.varint(2, 1).str(8, name).bytes(9, new byte[(int) (4 * n)]);
  }

  /**
   * Two constants broadcast together: ORT 1.22 folded Mul([16384, 1], [1, 16384]) of a 131 KB model
   * into 2^28 floats, 3.2 GB resident in 18 s. Where broadcasts three, Sum any number (a fourth
   * constant still counts); an input that is not a constant leaves the node unfolded; a name of any
   * length is followed (one longer than a description keeps must not hide a constant).
   */
  @Test
  void broadcastingOfConstants() {
    assertRejected(
        FormatReason.ONNX_LIMIT_EXCEEDED,
        withInit(node2("Mul", "a", "b", "y"), floats("a", 16384, 1), floats("b", 1, 16384)));
    assertRejected(
        FormatReason.ONNX_LIMIT_EXCEEDED,
        withInit(
            Proto.of().str(1, "c").str(1, "a").str(1, "b").str(2, "y").str(4, "Where"),
            floats("c", 1, 1),
            floats("a", 16384, 1),
            floats("b", 1, 16384)));
    Proto sum4 =
        Proto.of().str(1, "c").str(1, "a").str(1, "d").str(1, "b").str(2, "y").str(4, "Sum");
    assertRejected(
        FormatReason.ONNX_LIMIT_EXCEEDED,
        withInit(
            sum4, floats("c", 1), floats("a", 16384, 1), floats("d", 1), floats("b", 1, 16384)));
    describe(withInit(sum4, floats("c", 1), floats("a", 16384, 1), floats("d", 1))); // b: input
    String longA = "a".repeat(5000);
    String longB = "b".repeat(5000);
    assertRejected(
        FormatReason.ONNX_LIMIT_EXCEEDED,
        withInit(
            node2("Mul", longA, longB, "y"), floats(longA, 16384, 1), floats(longB, 1, 16384)));
    // what real models fold: a bias of a few thousand elements
    describe(withInit(node2("Add", "a", "b", "y"), floats("a", 1, 4096), floats("b", 4096)));
    // a graph input on one side: not folded
    describe(withInit(node2("Mul", "x", "b", "y"), floats("b", 1, 16384)));
    // shapes that do not broadcast are ONNX Runtime's error, not a tensor
    describe(withInit(node2("Mul", "a", "b", "y"), floats("a", 3, 1), floats("b", 2, 16384, 4)));
  }

  /** Two tensors of 2^25 + 1 elements each: each alone fits in 2^26, both do not. */
  private static Proto floatScalar(String name, float v) {
    return Proto.of()
        .varint(2, 1)
        .str(8, name)
        .bytes(9, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
  }

  /** Range(0, 2^28, 1): the element count comes from three scalars, raw or typed. */
  @Test
  void rangeOfConstants() {
    Proto range = Proto.of().str(1, "a").str(1, "b").str(1, "c").str(2, "y").str(4, "Range");
    assertRejected(
        FormatReason.ONNX_LIMIT_EXCEEDED,
        withInit(
            range, floatScalar("a", 0), floatScalar("b", (float) (1L << 28)), floatScalar("c", 1)));
    // int64_data and float_data instead of raw_data
    Proto a = Proto.of().varint(2, 7).str(8, "a").varint(7, 0);
    Proto b = Proto.of().varint(2, 7).str(8, "b").varint(7, 1L << 28);
    Proto c = Proto.of().varint(2, 7).str(8, "c").varint(7, 1);
    assertRejected(FormatReason.ONNX_LIMIT_EXCEEDED, withInit(range, a, b, c));
    Proto fb =
        Proto.of()
            .varint(2, 1)
            .str(8, "b")
            .bytes(
                4,
                ByteBuffer.allocate(4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putFloat((float) (1L << 28))
                    .array());
    assertRejected(
        FormatReason.ONNX_LIMIT_EXCEEDED,
        withInit(range, floatScalar("a", 0), fb, floatScalar("c", 1)));
    // a step of 2^10 over the same span, and a negative count: small
    describe(
        withInit(
            range,
            floatScalar("a", 0),
            floatScalar("b", (float) (1L << 28)),
            floatScalar("c", 1 << 10)));
    describe(
        withInit(
            range,
            floatScalar("a", 0),
            floatScalar("b", (float) (1L << 28)),
            floatScalar("c", -1)));
  }

  @Test
  void theLimitIsTheModelsTotalAndAPolicyMayRaiseIt() {
    byte[] two =
        model(
                graph(
                    field(1, node("ConstantOfShape", null, "s", "y")),
                    field(1, node("ConstantOfShape", null, "s", "z")),
                    field(5, int64("s", (1L << 25) + 1))))
            .build();
    assertRejected(FormatReason.ONNX_LIMIT_EXCEEDED, two);
    describe(two, LoadPolicy.strict().toBuilder().set(Onnx.MAX_FOLDED_ELEMENTS, 1L << 27).build());
    byte[] big = withInit(node("ConstantOfShape", null, "s", "y"), int64("s", 1L << 28));
    describe(big, LoadPolicy.strict().toBuilder().set(Onnx.MAX_FOLDED_ELEMENTS, 1L << 28).build());
  }

  /** ONNX Runtime inlines a model-local function's body and folds its constants too. */
  @Test
  void insideAFunctionBody() {
    Proto function =
        Proto.of()
            .str(1, "F")
            .str(10, "custom")
            .str(4, "y")
            .msg(7, node("ConstantOfShape", null, "s", "y"))
            .msg(
                7,
                node("Constant", null, "", "s")
                    .msg(5, Proto.of().str(1, "value_ints").varint(20, 7).varint(8, 1L << 28)))
            .msg(9, Proto.opset("", 13));
    byte[] m =
        model(graph(field(1, node("F", "custom", "", "out"))))
            .msg(8, Proto.opset("custom", 1))
            .msg(25, function)
            .build();
    assertRejected(FormatReason.ONNX_LIMIT_EXCEEDED, m);
  }
}
