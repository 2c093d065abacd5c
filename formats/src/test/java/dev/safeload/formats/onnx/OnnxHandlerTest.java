package dev.safeload.formats.onnx;

import static dev.safeload.formats.onnx.OnnxTesting.assertRejected;
import static dev.safeload.formats.onnx.OnnxTesting.describe;
import static dev.safeload.formats.onnx.OnnxTesting.findings;
import static dev.safeload.formats.onnx.OnnxTesting.fixture;
import static dev.safeload.formats.onnx.Proto.entry;
import static dev.safeload.formats.onnx.Proto.externalTensor;
import static dev.safeload.formats.onnx.Proto.field;
import static dev.safeload.formats.onnx.Proto.floatTensor;
import static dev.safeload.formats.onnx.Proto.graph;
import static dev.safeload.formats.onnx.Proto.model;
import static dev.safeload.formats.onnx.Proto.node;
import static dev.safeload.formats.onnx.Proto.opset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.formats.FormatReason;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.TensorInfo;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OnnxHandlerTest {

  private static Proto okNode() {
    return field(1, node("Relu", null, "X", "Y"));
  }

  // ---------------------------------------------------------------- real producer fixtures

  @Test
  void matmulAddFromOnnxIsDescribed() {
    ModelDescription d = describe(fixture("matmul_add.onnx"));
    assertEquals("onnx", d.format());
    assertEquals("7", d.metadata().get("ir_version"));
    assertEquals("safeload-fixtures", d.metadata().get("producer_name"));
    assertEquals("safeload test", d.metadata().get("metadata_props.purpose"));
    assertEquals("ai.onnx", d.metadata().get("operator_domains"));
    TensorInfo w = d.tensors().get(0);
    assertEquals("W", w.name());
    assertEquals("FLOAT", w.dtype());
    assertEquals(List.of(3L, 2L), w.shape());
    assertEquals(24, w.length());
    byte[] b = fixture("matmul_add.onnx");
    ByteBuffer data =
        ByteBuffer.wrap(b, (int) w.offset(), 24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertEquals(1.0f, data.getFloat());
    assertEquals(2.0f, data.getFloat());
    assertEquals(List.of(), d.references());
  }

  @ParameterizedTest
  @ValueSource(strings = {"subgraph_if.onnx", "loop.onnx", "external/model.onnx"})
  void realModelsAccepted(String name) {
    assertEquals(List.of(), findings(fixture(name), LoadPolicy.strict()));
  }

  @Test
  void externalModelListsItsDataFile() {
    assertEquals(List.of("weights.data"), describe(fixture("external/model.onnx")).references());
  }

  @Test
  void detection() {
    OnnxHandler h = new OnnxHandler();
    byte[] m = fixture("matmul_add.onnx");
    assertEquals(Confidence.STRUCTURAL, h.detect(ByteBuffer.wrap(m), m.length));
    assertEquals(Confidence.STRUCTURAL, h.detect(ByteBuffer.wrap(m, 0, 40).slice(), m.length));
    assertEquals(Confidence.NONE, h.detect(ByteBuffer.wrap("GGUF\3\0\0\0".getBytes()), 8));
    assertEquals(Confidence.NONE, h.detect(ByteBuffer.wrap(new byte[] {8, 1, 0x12, 0x7f}), 4));
    byte[] noGraph = Proto.of().varint(1, 7).msg(8, opset("", 13)).build();
    assertEquals(Confidence.NONE, h.detect(ByteBuffer.wrap(noGraph), noGraph.length));
  }

  /**
   * A doc_string larger than the 64 KiB detection head (written by python3-onnx): the head ends
   * inside it, before the graph. The model is still detected, at every cut of the head, and
   * validates.
   */
  @Test
  void detectionReadsPastALongDocString() {
    OnnxHandler h = new OnnxHandler();
    byte[] m = fixture("long_doc_string.onnx");
    assertEquals(true, m.length > 100_000);
    for (int cut = 65536 - 8; cut <= 65536; cut++) { // some cuts fall inside a multi-byte character
      assertEquals(
          Confidence.STRUCTURAL,
          h.detect(ByteBuffer.wrap(m, 0, cut).slice(), m.length),
          "cut " + cut);
    }
    for (int cut :
        new int[] {4, 5, 6, 7, 20, 24, 1000}) { // inside the tag, length, and text of doc_string
      assertEquals(
          Confidence.STRUCTURAL,
          h.detect(ByteBuffer.wrap(m, 0, cut).slice(), m.length),
          "cut " + cut);
    }
    assertEquals(Confidence.STRUCTURAL, h.detect(ByteBuffer.wrap(m), m.length));
    ModelDescription d = describe(m);
    assertEquals("safeload-fixtures", d.metadata().get("producer_name"));
    assertEquals(2, d.tensors().size());
  }

  @Test
  void detectionPastTheHeadStillNeedsAPlausibleModel() {
    OnnxHandler h = new OnnxHandler();
    byte[] doc = new byte[70_000];
    java.util.Arrays.fill(doc, (byte) 'x');
    byte[] ok = Proto.of().varint(1, 7).bytes(6, doc).build();
    assertEquals(
        Confidence.STRUCTURAL, h.detect(ByteBuffer.wrap(ok, 0, 65536).slice(), ok.length + 100));
    // the declared length must fit the file
    assertEquals(Confidence.NONE, h.detect(ByteBuffer.wrap(ok, 0, 65536).slice(), ok.length - 1));
    // text that the head shows must be UTF-8
    byte[] bad = ok.clone();
    bad[1000] = (byte) 0xff;
    assertEquals(Confidence.NONE, h.detect(ByteBuffer.wrap(bad, 0, 65536).slice(), bad.length));
    // the first field is still ir_version, and every field a ModelProto field
    byte[] noIr = Proto.of().bytes(6, doc).build();
    assertEquals(Confidence.NONE, h.detect(ByteBuffer.wrap(noIr, 0, 65536).slice(), noIr.length));
    byte[] unknown = Proto.of().varint(1, 7).bytes(9, doc).build();
    assertEquals(
        Confidence.NONE, h.detect(ByteBuffer.wrap(unknown, 0, 65536).slice(), unknown.length));
    // a head that holds the whole file must end exactly after a field
    assertEquals(Confidence.NONE, h.detect(ByteBuffer.wrap(ok, 0, 1000).slice(), 1000));
  }

  // ---------------------------------------------------------------- domains

  @Test
  void customDomainRejectedByDefault() {
    assertRejected(FormatReason.ONNX_DOMAIN_NOT_ALLOWED, fixture("custom_domain.onnx"));
  }

  @Test
  void customDomainAdmittedByPolicy() {
    LoadPolicy p =
        LoadPolicy.strict().toBuilder()
            .set(Onnx.ALLOWED_DOMAINS, OperatorDomains.standardPlus("com.example.custom"))
            .build();
    assertEquals(List.of(), findings(fixture("custom_domain.onnx"), p));
  }

  /**
   * ONNX Runtime's contrib operators (com.microsoft: optimum's model_O4.onnx, transformers.js's
   * MatMulNBits in model_q4.onnx) stay refused by default, with a message naming the setting that
   * admits them; the policy file can name it ("onnxruntime"), which admits com.microsoft and no
   * custom-op domain.
   */
  @Test
  void onnxRuntimeContribDomainIsNamedInTheRefusalAndAdmittedByName() {
    byte[] m =
        model(graph(field(1, node("MatMulNBits", "com.microsoft", "a", "b"))))
            .msg(8, opset("com.microsoft", 1))
            .build();
    Finding refused = assertRejected(FormatReason.ONNX_DOMAIN_NOT_ALLOWED, m);
    assertTrue(
        refused.message().contains("onnx.allowedDomains = \"onnxruntime\""), refused.message());
    LoadPolicy ort =
        LoadPolicy.strict().toBuilder()
            .set(Onnx.ALLOWED_DOMAINS, OperatorDomains.named("onnxruntime"))
            .build();
    assertEquals(List.of(), findings(m, ort));
    assertEquals(OperatorDomains.standard(), OperatorDomains.named("standard"));
    assertThrows(IllegalArgumentException.class, () -> OperatorDomains.named("com.microsoft"));
    byte[] custom = fixture("custom_domain.onnx");
    assertRejected(FormatReason.ONNX_DOMAIN_NOT_ALLOWED, custom, ort);
    assertFalse(findings(custom, LoadPolicy.strict()).get(0).message().contains("onnxruntime"));
  }

  @Test
  void domainsInsideSubgraphsAndFunctionsAreChecked() {
    Proto sub = graph(field(1, node("Evil", "com.microsoft", "a", "b")));
    Proto ifNode =
        node("If", null, "c", "y")
            .msg(5, Proto.of().str(1, "then_branch").varint(20, 5).msg(6, sub));
    byte[] m = model(graph(field(1, ifNode))).msg(8, opset("com.microsoft", 1)).build();
    assertRejected(FormatReason.ONNX_DOMAIN_NOT_ALLOWED, m);
    Proto fn =
        Proto.of()
            .str(1, "f")
            .str(10, "local")
            .msg(7, node("Evil", "com.microsoft", "a", "b"))
            .msg(9, opset("com.microsoft", 1));
    byte[] withFn = model(graph(okNode())).msg(25, fn).build();
    assertRejected(FormatReason.ONNX_DOMAIN_NOT_ALLOWED, withFn);
  }

  @Test
  void nodeDomainNeedsAnOpsetImport() {
    LoadPolicy p =
        LoadPolicy.strict().toBuilder()
            .set(Onnx.ALLOWED_DOMAINS, OperatorDomains.standardPlus("x.y"))
            .build();
    byte[] m = model(graph(field(1, node("Op", "x.y", "a", "b")))).build();
    assertRejected(FormatReason.ONNX_OPSET_MISSING, m, p);
    byte[] noOpset = Proto.of().varint(1, 7).msg(7, graph(okNode())).build();
    assertRejected(FormatReason.ONNX_OPSET_MISSING, noOpset);
  }

  // ---------------------------------------------------------------- wire format

  @Test
  void groupsAndReservedWireTypesRejected() {
    byte[] good = model(graph(okNode())).build();
    for (int wt : new int[] {3, 4, 6, 7}) {
      byte[] m = Proto.of().raw(good).tag(30, wt).build();
      assertRejected(FormatReason.ONNX_PROTOBUF_INVALID, m);
    }
  }

  @Test
  void fieldZeroAndOverlongVarints() {
    byte[] good = model(graph(okNode())).build();
    assertRejected(
        FormatReason.ONNX_PROTOBUF_INVALID, Proto.of().raw(good).rawVarint(0).rawVarint(0).build());
    byte[] overlong =
        Proto.of()
            .tag(1, 0)
            .raw(
                new byte[] {
                  (byte) 0x80,
                  (byte) 0x80,
                  (byte) 0x80,
                  (byte) 0x80,
                  (byte) 0x80,
                  (byte) 0x80,
                  (byte) 0x80,
                  (byte) 0x80,
                  (byte) 0x80,
                  0x02
                })
            .build();
    assertRejected(FormatReason.ONNX_PROTOBUF_INVALID, overlong);
  }

  @Test
  void lengthsBoundedByEnclosingMessage() {
    byte[] m = Proto.of().varint(1, 7).tag(7, 2).rawVarint(1000).raw(new byte[10]).build();
    assertRejected(FormatReason.ONNX_TRUNCATED, m);
    byte[] huge = Proto.of().varint(1, 7).tag(7, 2).rawVarint(1L << 40).build();
    assertRejected(FormatReason.ONNX_PROTOBUF_INVALID, huge);
    // A node whose length is fine for the file but runs past its graph.
    Proto g = Proto.of().tag(1, 2).rawVarint(50).raw(node("Relu", null, "X", "Y").build());
    byte[] inner = Proto.of().varint(1, 7).msg(7, g).msg(8, opset("", 13)).build();
    assertRejected(FormatReason.ONNX_TRUNCATED, inner);
  }

  @Test
  void unknownAndReservedFieldsRejected() {
    assertRejected(
        FormatReason.ONNX_UNKNOWN_FIELD, model(graph(okNode()).str(3, "old input")).build());
    assertRejected(FormatReason.ONNX_UNKNOWN_FIELD, model(graph(okNode())).varint(99, 1).build());
  }

  @Test
  void wrongWireTypes() {
    byte[] m = Proto.of().str(1, "7").msg(7, graph(okNode())).msg(8, opset("", 13)).build();
    assertRejected(FormatReason.ONNX_FIELD_TYPE_INVALID, m);
  }

  @Test
  void singularFieldsOnce() {
    assertRejected(
        FormatReason.ONNX_DUPLICATE_FIELD, model(graph(okNode())).msg(7, graph(okNode())).build());
    assertRejected(FormatReason.ONNX_DUPLICATE_FIELD, model(graph(okNode())).varint(1, 8).build());
    Proto t = floatTensor("w", 1).varint(2, 1);
    assertRejected(FormatReason.ONNX_DUPLICATE_FIELD, model(graph(okNode(), field(5, t))).build());
  }

  @Test
  void stringsMustBeUtf8() {
    Proto n = Proto.of().str(1, "X").str(2, "Y").str(4, "Relu").bytes(3, new byte[] {(byte) 0xC3});
    assertRejected(FormatReason.ONNX_STRING_NOT_UTF8, model(graph(field(1, n))).build());
  }

  @Test
  void depthIsBounded() {
    LoadPolicy p = LoadPolicy.strict().toBuilder().set(Onnx.MAX_DEPTH, 3L).build();
    assertRejected(FormatReason.ONNX_TOO_DEEP, fixture("subgraph_if.onnx"), p);
    // 100 nested If subgraphs: rejected at the default depth, not by a stack overflow.
    Proto g = graph(okNode());
    for (int i = 0; i < 100; i++) {
      g =
          graph(
              field(
                  1,
                  node("If", null, "c", "y")
                      .msg(5, Proto.of().str(1, "then_branch").varint(20, 5).msg(6, g))));
    }
    assertRejected(FormatReason.ONNX_TOO_DEEP, model(g).build());
  }

  @Test
  void countsAreBounded() {
    LoadPolicy p = LoadPolicy.strict().toBuilder().set(Onnx.MAX_NODES, 1L).build();
    assertRejected(FormatReason.ONNX_LIMIT_EXCEEDED, fixture("matmul_add.onnx"), p);
    LoadPolicy t = LoadPolicy.strict().toBuilder().set(Onnx.MAX_TENSORS, 1L).build();
    assertRejected(FormatReason.ONNX_LIMIT_EXCEEDED, fixture("matmul_add.onnx"), t);
  }

  // ---------------------------------------------------------------- model-level rules

  @Test
  void modelNeedsGraphAndSupportedIr() {
    assertRejected(
        FormatReason.ONNX_NOT_A_MODEL, Proto.of().varint(1, 7).msg(8, opset("", 13)).build());
    assertRejected(
        FormatReason.ONNX_NOT_A_MODEL,
        Proto.of().varint(1, 99).msg(7, graph(okNode())).msg(8, opset("", 13)).build());
    assertRejected(
        FormatReason.ONNX_NOT_A_MODEL,
        Proto.of().msg(7, graph(okNode())).msg(8, opset("", 13)).build());
  }

  @Test
  void duplicateNames() {
    assertRejected(
        FormatReason.ONNX_DUPLICATE_NAME,
        model(graph(okNode(), field(5, floatTensor("w", 1)), field(5, floatTensor("w", 1))))
            .build());
    assertRejected(
        FormatReason.ONNX_DUPLICATE_NAME,
        model(graph(okNode())).msg(14, entry("k", "1")).msg(14, entry("k", "2")).build());
    // "ai.onnx" is the default domain "": imported at 13 and at 12 it has two readings
    Finding twice =
        assertRejected(
            FormatReason.ONNX_DUPLICATE_NAME,
            model(graph(okNode())).msg(8, opset("ai.onnx", 12)).build());
    assertTrue(twice.message().contains("versions 13 and 12"), twice::message);
  }

  /**
   * onnx.compose.merge_models (onnx 1.12) writes the default domain once per merged model, at the
   * one version both share: a single reading, which onnx.checker and ONNX Runtime load.
   */
  @Test
  void domainImportedTwiceAtOneVersionIsOneImport() {
    assertTrue(
        findings(model(graph(okNode())).msg(8, opset("ai.onnx", 13)).build(), LoadPolicy.strict())
            .isEmpty());
    byte[] merged =
        dev.safeload.formats.Scans.read(
            dev.safeload.formats.Scans.resource("realfiles/onnx/r8c_compose_merged.onnx"));
    assertTrue(findings(merged, LoadPolicy.strict()).isEmpty());
  }

  // ---------------------------------------------------------------- tensors

  @Test
  void rawDataMustMatchShape() {
    Proto shortRaw = Proto.of().varint(1, 4).varint(2, 1).str(8, "w").bytes(9, new byte[15]);
    assertRejected(
        FormatReason.ONNX_TENSOR_INVALID, model(graph(okNode(), field(5, shortRaw))).build());
    Proto longRaw = Proto.of().varint(1, 4).varint(2, 1).str(8, "w").bytes(9, new byte[17]);
    assertRejected(
        FormatReason.ONNX_TENSOR_INVALID, model(graph(okNode(), field(5, longRaw))).build());
    Proto int4 = Proto.of().varint(1, 3).varint(2, 22).str(8, "w").bytes(9, new byte[2]);
    assertEquals(
        List.of(), findings(model(graph(okNode(), field(5, int4))).build(), LoadPolicy.strict()));
  }

  @Test
  void tensorTypesAndDims() {
    for (long type : new long[] {0, 27, 1000}) {
      Proto t = Proto.of().varint(1, 1).varint(2, type).str(8, "w").bytes(9, new byte[4]);
      assertRejected(FormatReason.ONNX_TENSOR_INVALID, model(graph(okNode(), field(5, t))).build());
    }
    Proto neg = Proto.of().varint(1, -1).varint(2, 1).str(8, "w");
    assertRejected(FormatReason.ONNX_TENSOR_INVALID, model(graph(okNode(), field(5, neg))).build());
    Proto str = Proto.of().varint(1, 1).varint(2, 8).str(8, "w").bytes(9, new byte[4]);
    assertRejected(FormatReason.ONNX_TENSOR_INVALID, model(graph(okNode(), field(5, str))).build());
    Proto overflow = Proto.of().varint(1, 1L << 40).varint(1, 1L << 40).varint(2, 1).str(8, "w");
    assertRejected(
        FormatReason.ONNX_TENSOR_INVALID, model(graph(okNode(), field(5, overflow))).build());
    Proto segment = floatTensor("w", 1).msg(3, Proto.of().varint(1, 0).varint(2, 1));
    assertRejected(
        FormatReason.ONNX_TENSOR_INVALID, model(graph(okNode(), field(5, segment))).build());
  }

  @Test
  void typedDataCounts() {
    Proto packed = Proto.of().varint(1, 2).varint(2, 1).str(8, "w").bytes(4, new byte[8]);
    assertEquals(
        List.of(), findings(model(graph(okNode(), field(5, packed))).build(), LoadPolicy.strict()));
    Proto wrongCount = Proto.of().varint(1, 3).varint(2, 1).str(8, "w").bytes(4, new byte[8]);
    assertRejected(
        FormatReason.ONNX_TENSOR_INVALID, model(graph(okNode(), field(5, wrongCount))).build());
    Proto wrongField = Proto.of().varint(1, 1).varint(2, 1).str(8, "w").varint(7, 5);
    assertRejected(
        FormatReason.ONNX_TENSOR_INVALID, model(graph(okNode(), field(5, wrongField))).build());
    Proto twoFields =
        Proto.of()
            .varint(1, 1)
            .varint(2, 1)
            .str(8, "w")
            .bytes(4, new byte[4])
            .bytes(9, new byte[4]);
    assertRejected(
        FormatReason.ONNX_TENSOR_INVALID, model(graph(okNode(), field(5, twoFields))).build());
  }

  // ---------------------------------------------------------------- external data

  private static byte[] withExternal(String... kv) {
    return model(graph(okNode(), field(5, externalTensor("w", 4, kv)))).build();
  }

  @Test
  void externalDataIsReferenced() {
    ModelDescription d =
        describe(withExternal("location", "data/w.data", "offset", "4096", "length", "16"));
    assertEquals(List.of("data/w.data"), d.references());
  }

  /**
   * CVE-2022-25882, CVE-2024-27318, ORT #28709 (_ORT_MEM_ADDR_) and the '#' in-memory convention.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "../secret",
        "/etc/passwd",
        "a/../b",
        "a/..",
        "./../w.bin",
        "a\\..\\b",
        "a\\w.bin",
        "C:w.bin",
        "#model",
        "*/_ORT_MEM_ADDR_/*",
        "_ORT_MEM_ADDR_",
        "a/",
        "",
        "a\u0000b",
        "..",
        ".",
        "./",
        "a/.",
        "./."
      })
  void externalLocationMustBeNormalisedAndRelative(String location) {
    assertRejected(FormatReason.ONNX_EXTERNAL_DATA_INVALID, withExternal("location", location));
  }

  /**
   * ONNX Runtime 1.22 and onnx 1.12 join the location to the model's folder and read {@code
   * ./w.bin}, {@code sub/./w.bin} and {@code sub//w.bin} as {@code w.bin} and {@code sub/w.bin}:
   * the reference is that file, and two spellings of one file are one file to the overlap rule.
   */
  @Test
  void externalLocationIsReadInTheFormTheKernelOpens() {
    assertEquals(
        List.of("w.bin"),
        describe(withExternal("location", "./w.bin", "length", "16")).references());
    assertEquals(List.of("w.bin"), describe(withExternal("location", "././w.bin")).references());
    assertEquals(
        List.of("sub/w.bin"), describe(withExternal("location", "sub/./w.bin")).references());
    assertEquals(
        List.of("sub/w.bin"), describe(withExternal("location", "sub//w.bin")).references());
    byte[] twoSpellings =
        model(
                graph(
                    okNode(),
                    field(5, externalTensor("a", 4, "location", "w.bin", "offset", "0")),
                    field(5, externalTensor("b", 4, "location", "./w.bin", "offset", "8"))))
            .build();
    assertRejected(FormatReason.ONNX_EXTERNAL_DATA_OVERLAP, twoSpellings);
  }

  /**
   * GHSA-538c-55jv-c5g9: unknown keys were set as attributes; negative or huge lengths were a DoS.
   */
  @Test
  void externalKeysAndNumbers() {
    assertRejected(
        FormatReason.ONNX_EXTERNAL_DATA_INVALID,
        withExternal("location", "w.bin", "basepath", "/"));
    assertRejected(
        FormatReason.ONNX_EXTERNAL_DATA_INVALID,
        withExternal("location", "w.bin", "__class__", "x"));
    assertRejected(
        FormatReason.ONNX_EXTERNAL_DATA_INVALID,
        withExternal("location", "w.bin", "location", "x.bin"));
    for (String n : new String[] {"-1", "+1", "0x10", "1e3", "", " 1", "99999999999999999999"}) {
      assertRejected(
          FormatReason.ONNX_EXTERNAL_DATA_INVALID, withExternal("location", "w.bin", "offset", n));
    }
    assertRejected(
        FormatReason.ONNX_EXTERNAL_DATA_INVALID,
        withExternal("location", "w.bin", "length", "1000000000000"));
    assertRejected(FormatReason.ONNX_EXTERNAL_DATA_INVALID, withExternal("offset", "0"));
  }

  @Test
  void externalTensorHasNoInlineData() {
    Proto t = externalTensor("w", 4, "location", "w.bin").bytes(9, new byte[16]);
    assertRejected(
        FormatReason.ONNX_EXTERNAL_DATA_INVALID, model(graph(okNode(), field(5, t))).build());
    Proto notExternal = floatTensor("w", 1).msg(13, entry("location", "w.bin"));
    assertRejected(
        FormatReason.ONNX_EXTERNAL_DATA_INVALID,
        model(graph(okNode(), field(5, notExternal))).build());
  }

  @Test
  void externalRangesDoNotOverlap() {
    byte[] m =
        model(
                graph(
                    okNode(),
                    field(5, externalTensor("a", 4, "location", "w.bin", "offset", "0")),
                    field(5, externalTensor("b", 4, "location", "w.bin", "offset", "8"))))
            .build();
    assertRejected(FormatReason.ONNX_EXTERNAL_DATA_OVERLAP, m);
    byte[] ok =
        model(
                graph(
                    okNode(),
                    field(5, externalTensor("a", 4, "location", "w.bin", "offset", "0")),
                    field(5, externalTensor("b", 4, "location", "w.bin", "offset", "16"))))
            .build();
    assertEquals(List.of(), findings(ok, LoadPolicy.strict()));
  }

  // ---------------------------------------------------------------- model-local functions

  private static final LoadPolicy LOCAL =
      LoadPolicy.strict().toBuilder()
          .set(Onnx.ALLOWED_DOMAINS, OperatorDomains.standardPlus("local"))
          .build();

  private static Proto function(String name, String calls) {
    Proto f =
        Proto.of().str(1, name).str(4, "a").str(5, "b").str(10, "local").msg(9, opset("", 13));
    if (calls == null) {
      return f.msg(7, node("Relu", null, "a", "b"));
    }
    return f.msg(7, node(calls, "local", "a", "b")).msg(9, opset("local", 1));
  }

  private static byte[] withFunctions(Proto... fns) {
    Proto m = model(graph(field(1, node("f", "local", "X", "Y")))).msg(8, opset("local", 1));
    for (Proto f : fns) {
      m.msg(25, f);
    }
    return m.build();
  }

  @Test
  void localFunctionsAccepted() {
    assertEquals(
        List.of(), findings(withFunctions(function("f", "g"), function("g", null)), LOCAL));
  }

  /**
   * A node in a domain outside the allowlist that calls a model-local function is admitted by the
   * default policy: the engine inlines the body, whose nodes are checked like any other.
   */
  @Test
  void localFunctionCallsNeedNoDomainPolicy() {
    assertEquals(
        List.of(),
        findings(withFunctions(function("f", "g"), function("g", null)), LoadPolicy.strict()));
  }

  /** Only a call of a function the model defines: any other op of that domain is still refused. */
  @Test
  void undefinedOpInAFunctionDomainIsRefused() {
    assertRejected(FormatReason.ONNX_DOMAIN_NOT_ALLOWED, withFunctions(function("other", null)));
    assertRejected(
        FormatReason.ONNX_DOMAIN_NOT_ALLOWED,
        withFunctions(function("f", "missing"), function("g", null)));
    Proto evilBody =
        Proto.of()
            .str(1, "f")
            .str(4, "a")
            .str(5, "b")
            .str(10, "local")
            .msg(7, node("Evil", "com.microsoft", "a", "b"))
            .msg(9, opset("com.microsoft", 1));
    assertRejected(FormatReason.ONNX_DOMAIN_NOT_ALLOWED, withFunctions(evilBody));
  }

  /**
   * A model-local function in a domain ONNX Runtime serves with its own kernels is no way past the
   * allowlist: ONNX Runtime 1.22 runs the contrib kernel {@code com.microsoft::Gelu} for a call of
   * a function {@code com.microsoft::Gelu} whose body is an Identity (Gelu(1) = 0.841, not 1), so
   * the default policy accepted a contrib operator it refuses. With the domain allowed, the model
   * is accepted as before.
   */
  @ParameterizedTest
  @ValueSource(strings = {"com.microsoft", "com.microsoft.nchwc", "ai.onnx.contrib"})
  void localFunctionInAKernelDomainIsJudgedByTheAllowlist(String domain) {
    Proto gelu =
        Proto.of()
            .str(1, "Gelu")
            .str(4, "a")
            .str(5, "b")
            .str(10, domain)
            .msg(7, node("Identity", null, "a", "b"))
            .msg(9, opset("", 13));
    byte[] m =
        model(graph(field(1, node("Gelu", domain, "X", "Y"))))
            .msg(8, opset(domain, 1))
            .msg(25, gelu)
            .build();
    assertRejected(FormatReason.ONNX_DOMAIN_NOT_ALLOWED, m);
    assertEquals(
        List.of(),
        findings(
            m,
            LoadPolicy.strict().toBuilder()
                .set(Onnx.ALLOWED_DOMAINS, OperatorDomains.standardPlus(domain))
                .build()));
  }

  /** onnx.checker check_function_call_cycles: an inlining engine would recurse without end. */
  @Test
  void functionCallCyclesRejected() {
    assertRejected(FormatReason.ONNX_FUNCTION_INVALID, withFunctions(function("f", "f")), LOCAL);
    assertRejected(
        FormatReason.ONNX_FUNCTION_INVALID,
        withFunctions(function("f", "g"), function("g", "f")),
        LOCAL);
  }

  @Test
  void functionCallDepthBounded() {
    Proto[] chain = new Proto[105];
    for (int i = 0; i < chain.length; i++) {
      chain[i] = function(i == 0 ? "f" : "f" + i, i == chain.length - 1 ? null : "f" + (i + 1));
    }
    assertRejected(FormatReason.ONNX_FUNCTION_INVALID, withFunctions(chain), LOCAL);
  }

  @Test
  void duplicateFunctionIds() {
    assertRejected(
        FormatReason.ONNX_FUNCTION_INVALID,
        withFunctions(function("f", null), function("f", null)),
        LOCAL);
  }
}
