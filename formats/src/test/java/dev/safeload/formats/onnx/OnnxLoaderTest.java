package dev.safeload.formats.onnx;

import static dev.safeload.formats.onnx.OnnxTesting.fixture;
import static dev.safeload.formats.onnx.Proto.externalTensor;
import static dev.safeload.formats.onnx.Proto.field;
import static dev.safeload.formats.onnx.Proto.graph;
import static dev.safeload.formats.onnx.Proto.model;
import static dev.safeload.formats.onnx.Proto.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ModelRejectedException;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.formats.FormatReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External data through the whole loader: the data file is served only because a valid model names
 * it.
 */
class OnnxLoaderTest {
  @TempDir Path dir;

  private static final SafeModelLoader LOADER =
      SafeModelLoader.builder()
          .policy(LoadPolicy.strict().toBuilder().allowUnpinnedFiles().build())
          .build();

  private Path externalModel() throws Exception {
    Path m = dir.resolve("model");
    Files.createDirectories(m);
    Files.write(m.resolve("model.onnx"), fixture("external/model.onnx"));
    Files.write(m.resolve("weights.data"), fixture("external/weights.data"));
    return m;
  }

  private static Set<ReasonCode> reasons(ScanReport r) {
    return r.findings().stream().map(f -> (ReasonCode) f.reason()).collect(Collectors.toSet());
  }

  @Test
  void externalDataIsServedAsPartOfTheVerifiedSet() throws Exception {
    try (VerifiedModel vm = LOADER.load(externalModel())) {
      assertEquals(
          List.of("model.onnx", "weights.data"),
          vm.files().stream().map(VerifiedModel.VerifiedFile::name).toList());
      assertEquals("onnx", vm.file("model.onnx").format());
      assertEquals(OnnxHandler.EXTERNAL_DATA_FORMAT, vm.file("weights.data").format());
      assertEquals(List.of("weights.data"), vm.file("model.onnx").description().references());
      List<dev.safeload.spi.TensorInfo> ts = vm.file("weights.data").description().tensors();
      assertEquals(List.of("W", "B"), ts.stream().map(dev.safeload.spi.TensorInfo::name).toList());
      assertEquals(
          List.of(0L, 4096L), ts.stream().map(dev.safeload.spi.TensorInfo::offset).toList());
      assertEquals(List.of(3L, 2L), ts.get(0).shape());
      assertEquals("FLOAT", ts.get(0).dtype());
      Path copy = vm.materialize();
      assertTrue(
          Arrays.equals(
              fixture("external/weights.data"), Files.readAllBytes(copy.resolve("weights.data"))));
    }
  }

  @Test
  void singleFileLoadCannotReachExternalData() throws Exception {
    Path m = externalModel();
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class, () -> LOADER.load(m.resolve("model.onnx")).close());
    assertEquals(
        List.of(FormatReason.ONNX_EXTERNAL_DATA_MISSING),
        e.findings().stream().map(Finding::reason).distinct().toList());
  }

  @Test
  void missingDataFile() throws Exception {
    Path m = externalModel();
    Files.delete(m.resolve("weights.data"));
    assertEquals(Set.of(FormatReason.ONNX_EXTERNAL_DATA_MISSING), reasons(LOADER.scan(m)));
  }

  /** GHSA-538c-55jv-c5g9: offset + length past the file. */
  @Test
  void truncatedDataFile() throws Exception {
    Path m = externalModel();
    Files.write(m.resolve("weights.data"), Arrays.copyOf(fixture("external/weights.data"), 4100));
    assertEquals(Set.of(FormatReason.ONNX_EXTERNAL_DATA_OUT_OF_RANGE), reasons(LOADER.scan(m)));
  }

  @Test
  void unreferencedDataFileIsUnknown() throws Exception {
    Path m = externalModel();
    Files.write(m.resolve("extra.data"), new byte[] {1, 2, 3});
    ScanReport r = LOADER.scan(m);
    assertEquals(Set.of(Reason.UNKNOWN_FORMAT), reasons(r));
    assertEquals("extra.data", r.findings().get(0).file());
  }

  /**
   * CVE-2026-27489 / CVE-2026-34447: external data followed a symlink out of the model directory.
   */
  @Test
  void symlinkedDataFileIsNotServed() throws Exception {
    Path m = externalModel();
    Path outside = dir.resolve("elsewhere.data");
    Files.move(m.resolve("weights.data"), outside);
    Files.createSymbolicLink(m.resolve("weights.data"), outside);
    Set<ReasonCode> got = reasons(LOADER.scan(m));
    assertEquals(Set.of(Reason.SYMLINK, FormatReason.ONNX_EXTERNAL_DATA_MISSING), got);
  }

  /** CVE-2026-34446: a hard-linked external data file (still loaded by onnxruntime 1.26). */
  @Test
  void hardLinkedDataFileIsNotServed() throws Exception {
    Path m = externalModel();
    Files.createLink(dir.resolve("other-name.data"), m.resolve("weights.data"));
    assertEquals(
        Set.of(Reason.HARDLINK, FormatReason.ONNX_EXTERNAL_DATA_MISSING), reasons(LOADER.scan(m)));
  }

  @Test
  void dataFileNamedLikeAModelFormatIsAMismatch() throws Exception {
    Path m = dir.resolve("m");
    Files.createDirectories(m);
    writeReluModel(m, "location", "w.gguf");
    Files.write(m.resolve("w.gguf"), new byte[16]);
    // The name says GGUF: being referenced as data does not make it data.
    assertEquals(
        Set.of(Reason.UNKNOWN_FORMAT, FormatReason.ONNX_EXTERNAL_DATA_MISSING),
        reasons(LOADER.scan(m)));
  }

  /**
   * {@code .bin} names PyTorch checkpoints and, as often, ONNX external data ({@code
   * onnx.save_model( ..., location="w.bin")}; ONNX Runtime 1.22 runs such a model). PyTorch does
   * not claim it as its own ({@code exclusiveExtensions}), so a {@code .bin} that is no checkpoint
   * is served as the data a valid model references; unreferenced it is still unknown, and one a
   * pickle reader would open is still judged as one. It was {@code UNKNOWN_FORMAT} and the model
   * {@code ONNX_EXTERNAL_DATA_MISSING}.
   */
  @Test
  void binDataFileIsServedAsExternalData() throws Exception {
    Path m = dir.resolve("m");
    Files.createDirectories(m);
    writeReluModel(m, "location", "w.bin");
    Files.write(m.resolve("w.bin"), new byte[16]);
    ScanReport r = LOADER.scan(m);
    assertEquals(List.of(), r.findings());
    assertEquals(OnnxHandler.EXTERNAL_DATA_FORMAT, formatOf(r, "w.bin"));
    Files.write(m.resolve("other.bin"), new byte[16]);
    assertEquals(Set.of(Reason.UNKNOWN_FORMAT), reasons(LOADER.scan(m)));
    Files.delete(m.resolve("other.bin"));
    // 16 bytes of protocol-2 pickle: cos system (builtins.print via GLOBAL), REDUCE, STOP.
    byte[] pickle = "\u0080\u0002cos\nsystem\n)R.".getBytes(StandardCharsets.ISO_8859_1);
    Files.write(m.resolve("w.bin"), java.util.Arrays.copyOf(pickle, 16));
    assertEquals(
        Set.of(
            FormatReason.ONNX_EXTERNAL_DATA_MISSING,
            Reason.EXTENSION_MISMATCH,
            FormatReason.PICKLE_GLOBAL_NOT_ALLOWED),
        reasons(LOADER.scan(m)));
  }

  /**
   * A file named {@code .py} is Python source to transformers: the {@code auto_map} entry {@code
   * ".C"} names module {@code ""}, file {@code ".py"}, which {@code trust_remote_code} imports. It
   * had no extension to safeload, so a model could serve it as ONNX external data (any bytes are
   * uint8 data) beside a {@code config.json} whose {@code auto_map} names no path: all accepted.
   */
  @Test
  void dotPyIsCodeEvenWhenAModelReferencesItAsData() throws Exception {
    Path m = dir.resolve("m");
    Files.createDirectories(m);
    byte[] code = "import os\nos.system('id')\n".getBytes(StandardCharsets.US_ASCII);
    Files.write(
        m.resolve("model.onnx"),
        model(
                graph(
                    field(1, node("Relu", null, "X", "Y")),
                    field(
                        5,
                        Proto.of()
                            .varint(1, code.length)
                            .varint(2, 2) // UINT8
                            .str(8, "w")
                            .msg(13, Proto.entry("location", ".py"))
                            .varint(14, 1))))
            .build());
    Files.write(m.resolve(".py"), code);
    Files.writeString(m.resolve("config.json"), "{\"auto_map\": {\"AutoConfig\": \".C\"}}");
    ScanReport r = LOADER.scan(m);
    assertEquals(
        Set.of(Reason.CODE_FILE, FormatReason.ONNX_EXTERNAL_DATA_MISSING),
        reasons(r),
        r.toString());
    assertEquals(
        List.of(Reason.CODE_FILE),
        r.findings().stream().filter(f -> f.file().equals(".py")).map(Finding::reason).toList());
  }

  /**
   * transformers 5.17 globs {@code additional_chat_templates/*.jinja}, which takes the dotfile
   * {@code .jinja}, and renders it as the chat template named "". safeload saw no extension, so a
   * model could serve it as ONNX external data, a template nobody judged.
   */
  @Test
  void dotJinjaIsATemplateEvenWhenAModelReferencesItAsData() throws Exception {
    Path m = dir.resolve("m");
    Files.createDirectories(m.resolve("additional_chat_templates"));
    byte[] template = "{{ cycler.__init__.__globals__ }}".getBytes(StandardCharsets.US_ASCII);
    Files.write(
        m.resolve("model.onnx"),
        model(
                graph(
                    field(1, node("Relu", null, "X", "Y")),
                    field(
                        5,
                        Proto.of()
                            .varint(1, template.length)
                            .varint(2, 2) // UINT8
                            .str(8, "w")
                            .msg(13, Proto.entry("location", "additional_chat_templates/.jinja"))
                            .varint(14, 1))))
            .build());
    Files.write(m.resolve("additional_chat_templates/.jinja"), template);
    ScanReport r = LOADER.scan(m);
    assertEquals(
        List.of(FormatReason.TEMPLATE_CONTAINER_INVALID),
        r.findings().stream()
            .filter(f -> f.file().equals("additional_chat_templates/.jinja"))
            .map(Finding::reason)
            .toList());
    assertEquals(
        Set.of(FormatReason.TEMPLATE_CONTAINER_INVALID, FormatReason.ONNX_EXTERNAL_DATA_MISSING),
        reasons(r));
  }

  @Test
  void dataInASubdirectory() throws Exception {
    Path m = dir.resolve("m");
    Files.createDirectories(m.resolve("data"));
    writeReluModel(m, "location", "data/w.data", "offset", "16");
    Files.write(m.resolve("data/w.data"), new byte[32]);
    ScanReport r = LOADER.scan(m);
    assertEquals(List.of(), r.findings());
    assertEquals(OnnxHandler.EXTERNAL_DATA_FORMAT, formatOf(r, "data/w.data"));
  }

  /**
   * {@code ./data/w.data}, as ONNX Runtime 1.22 and onnx 1.12 read it: the file {@code data/w.data}
   * of the model's folder. It was {@code ONNX_EXTERNAL_DATA_INVALID}.
   */
  @Test
  void dotSlashLocationServesTheFileTheKernelOpens() throws Exception {
    Path m = dir.resolve("m");
    Files.createDirectories(m.resolve("data"));
    writeReluModel(m, "location", "./data/./w.data");
    Files.write(m.resolve("data/w.data"), new byte[16]);
    ScanReport r = LOADER.scan(m);
    assertEquals(List.of(), r.findings());
    assertEquals(OnnxHandler.EXTERNAL_DATA_FORMAT, formatOf(r, "data/w.data"));
  }

  /**
   * Issue 10 through the real engine: a model naming n data files costs one walk, not n + 2. The
   * handler remembers the walk by the identity of the model's bytes, so this also checks that the
   * engine hands the same bytes to validate, validateReferenced and validateModel.
   */
  @Test
  void manyDataFilesCostOneWalk() throws Exception {
    long[] work = new long[2];
    long[] size = new long[2];
    for (int k = 0; k < 2; k++) {
      int n = 150 << k;
      Path m = dir.resolve("many" + n);
      Files.createDirectories(m);
      Proto g = graph(field(1, node("Relu", null, "X", "Y")));
      for (int i = 0; i < n; i++) {
        g.raw(field(5, externalTensor("w" + i, 4, "location", "d" + i + ".data")).build());
        Files.write(m.resolve("d" + i + ".data"), new byte[16]);
      }
      byte[] model = model(g).build();
      Files.write(m.resolve("model.onnx"), model);
      OnnxHandler h = new OnnxHandler();
      SafeModelLoader loader =
          SafeModelLoader.builder()
              .policy(LoadPolicy.strict().toBuilder().allowUnpinnedFiles().build())
              .handler(h)
              .build();
      ScanReport r = loader.scan(m);
      assertEquals(List.of(), r.findings());
      assertEquals(n + 1, r.files().size());
      work[k] = h.work();
      size[k] = model.length + 16L * n;
    }
    assertTrue(work[1] > 1.5 * work[0], Arrays.toString(work));
    assertTrue(
        work[1] <= 2.2 * work[0] + 1000,
        "work grows faster than the input: " + Arrays.toString(work));
    assertTrue(work[1] <= 4 * size[1], Arrays.toString(work) + " for " + Arrays.toString(size));
  }

  @Test
  void customDomainRejectedThroughTheLoader() throws Exception {
    Path f = dir.resolve("custom.onnx");
    Files.write(f, fixture("custom_domain.onnx"));
    assertEquals(Set.of(FormatReason.ONNX_DOMAIN_NOT_ALLOWED), reasons(LOADER.scan(f)));
  }

  @Test
  void wrongExtension() throws Exception {
    Path f = dir.resolve("model.bin");
    Files.write(f, fixture("matmul_add.onnx"));
    assertEquals(Set.of(Reason.EXTENSION_MISMATCH), reasons(LOADER.scan(f)));
  }

  /**
   * Real-producer (python3-onnx) models with hostile locations: rejected before any engine sees
   * them.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"traversal.onnx", "mem_addr.onnx"})
  void hostileLocationsFromARealProducer(String name) throws Exception {
    Path m = dir.resolve("m");
    Files.createDirectories(m);
    Files.write(m.resolve("model.onnx"), fixture("hostile/" + name));
    Files.write(
        dir.resolve("weights.bin"), fixture("external/weights.data")); // the "../" target exists
    assertEquals(Set.of(FormatReason.ONNX_EXTERNAL_DATA_INVALID), reasons(LOADER.scan(m)));
  }

  /**
   * Writes {@code m/model.onnx}: Y = Relu(X), and one initializer {@code w} of 4 floats whose
   * external data entries are {@code kv} (location first).
   */
  private static void writeReluModel(Path m, String... kv) throws IOException {
    Files.write(
        m.resolve("model.onnx"),
        model(graph(field(1, node("Relu", null, "X", "Y")), field(5, externalTensor("w", 4, kv))))
            .build());
  }

  /** The format the scan gave the file {@code name}. */
  private static String formatOf(ScanReport r, String name) {
    return r.files().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow().format();
  }
}
