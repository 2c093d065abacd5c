package dev.safeload.formats.onnx;

import static dev.safeload.formats.onnx.OnnxTesting.assertRejected;
import static dev.safeload.formats.onnx.OnnxTesting.findings;
import static dev.safeload.formats.onnx.Proto.entry;
import static dev.safeload.formats.onnx.Proto.externalTensor;
import static dev.safeload.formats.onnx.Proto.field;
import static dev.safeload.formats.onnx.Proto.graph;
import static dev.safeload.formats.onnx.Proto.model;
import static dev.safeload.formats.onnx.Proto.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.formats.FormatReason;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * External data across files, as the engine drives it: {@code validateReferenced} claims the raw
 * data files a valid model names (whatever their bytes look like), {@code validateModel} checks
 * each file's ranges.
 */
class OnnxExternalDataTest {

  /**
   * A tensor of {@code dtype} and shape [n] in {@code location} at {@code offset}, length given.
   */
  private static Proto tensor(
      String name, int dtype, int n, String location, long offset, long length) {
    return Proto.of()
        .varint(1, n)
        .varint(2, dtype)
        .str(8, name)
        .msg(13, entry("location", location))
        .msg(13, entry("offset", Long.toString(offset)))
        .msg(13, entry("length", Long.toString(length)))
        .varint(14, 1);
  }

  private static byte[] modelWith(Proto... tensors) {
    Proto g = graph(field(1, node("Relu", null, "X", "Y")));
    for (Proto t : tensors) {
      g.msg(5, t);
    }
    return model(g).build();
  }

  private static final int FLOAT = 1;
  private static final int INT64 = 7;
  private static final int INT4 = 22;

  /** float32 values whose bytes start like a JSON object: {"a": ... */
  private static byte[] floatsLikeJson() {
    byte[] b = new byte[16];
    byte[] json = "{\"a\": [1, 2]}   ".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(json, 0, b, 0, 16);
    return b; // 0x2261227b is an ordinary float (about 3.05e-18)
  }

  /** int64 [128, 2]: 80 00 ... reads as pickle's PROTO opcode. */
  private static byte[] int64sLikePickle() {
    return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(128).putLong(2).array();
  }

  /** int64 [640, 3]: 80 02 00 ... is PROTO 2, the header torch.save's legacy pickles begin with. */
  private static byte[] int64sLikePickleProtocol2() {
    return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(640).putLong(3).array();
  }

  /** float32 values starting 78 9c, a zlib header. */
  private static byte[] floatsLikeZlib() {
    return ByteBuffer.allocate(16)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(0x3f009c78)
        .putFloat(1f)
        .putFloat(2f)
        .putFloat(3f)
        .array();
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "pickle", "pickle2", "zlib"})
  void dataLookingLikeAnotherFormatIsStillTensorData(String kind) {
    byte[] data =
        switch (kind) {
          case "json" -> floatsLikeJson();
          case "pickle" -> int64sLikePickle();
          case "pickle2" -> int64sLikePickleProtocol2();
          default -> floatsLikeZlib();
        };
    int dtype = kind.startsWith("pickle") ? INT64 : FLOAT;
    int n = dtype == INT64 ? 2 : 4;
    byte[] m = modelWith(tensor("w", dtype, n, "w.bin", 0, 16));
    CrossFile x = new CrossFile(new OnnxHandler());
    CrossFile.File model = x.model("model.onnx", m, Map.of("w.bin", data));
    x.acrossFiles(model, true);
    x.assertNoFindings();
    ModelDescription d = x.files.get("w.bin").description();
    assertEquals(OnnxHandler.EXTERNAL_DATA_FORMAT, d.format());
    assertEquals(
        List.of(new TensorInfo("w", dtype == INT64 ? "INT64" : "FLOAT", List.of((long) n), 0, 16)),
        d.tensors());
    assertEquals("model.onnx", d.metadata().get("referenced_by"));
  }

  @Test
  void referencedFileListsItsTensorsByOffset() {
    byte[] m =
        modelWith(
            tensor("b", FLOAT, 2, "d/w.bin", 64, 8),
            tensor("a", FLOAT, 4, "d/w.bin", 0, 16),
            tensor("c", INT4, 3, "d/x.bin", 0, 2));
    CrossFile x = new CrossFile(new OnnxHandler());
    CrossFile.File model =
        x.model(
            "sub/model.onnx", m, Map.of("sub/d/w.bin", new byte[72], "sub/d/x.bin", new byte[2]));
    x.acrossFiles(model, true);
    x.assertNoFindings();
    assertEquals(List.of("d/w.bin", "d/x.bin"), model.description().references());
    assertEquals(
        List.of("a", "b"),
        x.files.get("sub/d/w.bin").description().tensors().stream().map(TensorInfo::name).toList());
    assertEquals(
        List.of(new TensorInfo("c", "INT4", List.of(3L), 0, 2)),
        x.files.get("sub/d/x.bin").description().tensors());
  }

  /** The handler keeps no state a caller must set up: a fresh handler walks the model itself. */
  @Test
  void referencedFileWithoutAPriorValidate() {
    byte[] m = modelWith(tensor("w", FLOAT, 4, "w.bin", 0, 16));
    CrossFile first = new CrossFile(new OnnxHandler());
    CrossFile.File model = first.model("model.onnx", m, Map.of());
    OnnxHandler fresh = new OnnxHandler();
    ModelDescription d =
        fresh.validateReferenced(model, "w.bin", CrossFile.bytes(new byte[16]), first.ctx("w.bin"));
    assertNotNull(d);
    assertEquals(1, d.tensors().size());
    assertTrue(fresh.work() > 0);
  }

  @Test
  void fileTheModelDoesNotNameIsNotClaimed() {
    byte[] m = modelWith(tensor("w", FLOAT, 4, "w.bin", 0, 16));
    CrossFile x = new CrossFile(new OnnxHandler());
    CrossFile.File model = x.model("model.onnx", m, Map.of());
    assertNull(
        x.handler.validateReferenced(
            model, "other.bin", CrossFile.bytes(new byte[16]), x.ctx("other.bin")));
    assertNull(
        x.handler.validateReferenced(
            model, "a/w.bin", CrossFile.bytes(new byte[16]), x.ctx("a/w.bin")));
  }

  /** The declared length must be what dtype x shape needs (sub-byte types packed, rounded up). */
  @Test
  void lengthMatchesTypeAndShape() {
    assertEquals(
        List.of(), findings(modelWith(tensor("w", INT64, 2, "w.bin", 0, 16)), LoadPolicy.strict()));
    assertRejected(
        FormatReason.ONNX_EXTERNAL_DATA_INVALID, modelWith(tensor("w", INT64, 2, "w.bin", 0, 15)));
    assertRejected(
        FormatReason.ONNX_EXTERNAL_DATA_INVALID, modelWith(tensor("w", INT64, 2, "w.bin", 0, 17)));
    assertEquals(
        List.of(), findings(modelWith(tensor("w", INT4, 3, "w.bin", 0, 2)), LoadPolicy.strict()));
    assertRejected(
        FormatReason.ONNX_EXTERNAL_DATA_INVALID, modelWith(tensor("w", INT4, 3, "w.bin", 0, 1)));
  }

  /** Strict: no byte of a data file has two readings, in one graph or across subgraphs. */
  @Test
  void rangesOfOneModelDoNotOverlap() {
    assertRejected(
        FormatReason.ONNX_EXTERNAL_DATA_OVERLAP,
        modelWith(tensor("a", FLOAT, 4, "w.bin", 0, 16), tensor("b", FLOAT, 1, "w.bin", 12, 4)));
    assertRejected(
        FormatReason.ONNX_EXTERNAL_DATA_OVERLAP,
        modelWith(tensor("a", FLOAT, 4, "w.bin", 16, 16), tensor("b", FLOAT, 8, "w.bin", 0, 32)));
    // adjacent ranges, the same offset in two files, and empty tensors anywhere are fine
    assertEquals(
        List.of(),
        findings(
            modelWith(
                tensor("a", FLOAT, 4, "w.bin", 0, 16),
                tensor("b", FLOAT, 1, "w.bin", 16, 4),
                tensor("c", FLOAT, 4, "v.bin", 0, 16),
                tensor("e", FLOAT, 0, "w.bin", 4, 0)),
            LoadPolicy.strict()));
  }

  /**
   * GHSA-538c-55jv-c5g9: offset + length past the file; one finding per file, however many tensors.
   */
  @Test
  void rangesMustFitTheFile() {
    byte[] m =
        modelWith(
            tensor("a", FLOAT, 4, "w.bin", 0, 16),
            tensor("b", FLOAT, 4, "w.bin", 16, 16),
            tensor("c", FLOAT, 4, "w.bin", 1L << 40, 16));
    CrossFile x = new CrossFile(new OnnxHandler());
    CrossFile.File model = x.model("model.onnx", m, Map.of("w.bin", new byte[20]));
    x.findings.clear();
    x.acrossFiles(model, true);
    assertEquals(1, x.findings.size(), x.findings::toString);
    Finding f = x.findings.get(0);
    assertEquals(FormatReason.ONNX_EXTERNAL_DATA_OUT_OF_RANGE, f.reason());
    assertTrue(f.message().contains("'b'") && f.message().contains("1 more"), f.message());
  }

  @Test
  void dataFileMustBeServed() {
    byte[] m =
        modelWith(tensor("a", FLOAT, 4, "w.bin", 0, 16), tensor("b", FLOAT, 4, "w.bin", 16, 16));
    CrossFile x = new CrossFile(new OnnxHandler());
    CrossFile.File model = x.model("model.onnx", m, Map.of());
    x.acrossFiles(model, false);
    assertEquals(1, x.findings.size(), x.findings::toString);
    assertEquals(FormatReason.ONNX_EXTERNAL_DATA_MISSING, x.findings.get(0).reason());
    assertTrue(x.findings.get(0).message().contains("load the model's directory"));
  }

  /** A file another handler validated (here: claimed as GGUF) is not raw data of this model. */
  @Test
  void dataFileOfAnotherFormatIsMissing() {
    byte[] m = modelWith(tensor("a", FLOAT, 4, "w.bin", 0, 16));
    CrossFile x = new CrossFile(new OnnxHandler());
    CrossFile.File model = x.model("model.onnx", m, Map.of());
    x.files.put(
        "w.bin",
        new CrossFile.File(
            "w.bin", "gguf", ModelDescription.empty("gguf"), CrossFile.bytes(new byte[16])));
    x.acrossFiles(model, true);
    assertEquals(
        List.of(FormatReason.ONNX_EXTERNAL_DATA_MISSING),
        x.findings.stream().map(Finding::reason).toList());
  }

  /**
   * External data pointing into an ONNX model (its own file or another one) would read protobuf
   * bytes as weights: two readings of one byte.
   */
  @Test
  void dataInsideAnOnnxModelIsRefused() {
    byte[] self = modelWith(tensor("a", FLOAT, 4, "model.onnx", 0, 16));
    CrossFile x = new CrossFile(new OnnxHandler());
    CrossFile.File model = x.model("model.onnx", self, Map.of());
    x.acrossFiles(model, true);
    assertEquals(
        List.of(FormatReason.ONNX_EXTERNAL_DATA_INVALID),
        x.findings.stream().map(Finding::reason).toList());

    byte[] other = modelWith(tensor("a", FLOAT, 4, "other.onnx", 0, 16));
    CrossFile y = new CrossFile(new OnnxHandler());
    y.model("other.onnx", OnnxTesting.fixture("matmul_add.onnx"), Map.of());
    CrossFile.File m2 = y.model("model.onnx", other, Map.of());
    y.acrossFiles(m2, true);
    assertEquals(
        List.of(FormatReason.ONNX_EXTERNAL_DATA_INVALID),
        y.findings.stream().map(Finding::reason).toList());
  }

  /**
   * Two models may share a data file: the second one finds it already claimed and checks its
   * ranges.
   */
  @Test
  void twoModelsShareADataFile() {
    byte[] a = modelWith(tensor("w", FLOAT, 4, "w.bin", 0, 16));
    byte[] b = modelWith(tensor("w", FLOAT, 2, "w.bin", 8, 8));
    CrossFile x = new CrossFile(new OnnxHandler());
    CrossFile.File ma = x.model("a.onnx", a, Map.of("w.bin", new byte[16]));
    CrossFile.File mb = x.model("b.onnx", b, Map.of());
    x.acrossFiles(ma, true);
    x.acrossFiles(mb, true);
    x.assertNoFindings();
  }

  @Test
  void lengthMayBeOmitted() {
    // only a location: offset 0, and the length its dtype and shape need
    assertEquals(
        List.of(),
        findings(
            model(
                    graph(
                        field(1, node("Relu", null, "X", "Y")),
                        field(5, externalTensor("w", 4, "location", "w.bin"))))
                .build(),
            LoadPolicy.strict()));
  }
}
