package dev.safeload.formats.onnx;

import static dev.safeload.formats.onnx.Proto.field;
import static dev.safeload.formats.onnx.Proto.graph;
import static dev.safeload.formats.onnx.Proto.node;
import static dev.safeload.formats.onnx.Proto.opset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.ScanReport;
import dev.safeload.formats.Scans;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime given bytes reads a buffer whose bytes 4 to 7 are "ORTM" as an ORT-format
 * flatbuffer, never as ONNX (checked with onnxruntime 1.30: the same model.onnx loads from its path
 * and fails "ORT model verification" from its bytes). An ONNX model whose producer_name starts with
 * those four letters puts them exactly there, and an attacker can point the flatbuffer's root
 * offset (bytes 0 to 3) into an initializer: two models in one file. Built end to end with
 * onnxruntime 1.30: a 68 MB model.onnx (ir_version 8, producer_name "ORTM", so the root offset is
 * 0x04120808) whose unused initializer holds an ORT-format model of y = x + 100 at that offset;
 * safeload accepted it, ORT ran y = x from its path and y = x + 100 from its bytes. Refused since.
 */
class OrtFormatPolyglotTest {
  @TempDir Path dir;

  private static byte[] identityModel(String producer) {
    return Proto.of()
        .varint(1, 8)
        .str(2, producer)
        .msg(7, graph(field(1, node("Identity", null, "x", "y"))))
        .msg(8, opset("", 13))
        .build();
  }

  @Test
  void anOnnxModelThatOnnxRuntimeReadsAsAnOrtFormatModelIsAPolyglot() {
    byte[] model = identityModel("ORTM-exporter");
    assertEquals(
        "ORTM",
        new String(Arrays.copyOfRange(model, 4, 8), StandardCharsets.US_ASCII),
        "the identifier lands at offset 4");
    ScanReport r = Scans.scanBytes(dir, "model.onnx", model);
    assertEquals(Set.of("POLYGLOT"), Scans.reasons(r), r.findings().toString());
    assertTrue(r.findings().get(0).message().contains("onnxruntime"), r.findings().toString());
  }

  @Test
  void theSameModelWithAnotherProducerIsAccepted() {
    ScanReport r = Scans.scanBytes(dir, "model.onnx", identityModel("ORT-exporter"));
    assertEquals(Set.of(), Scans.reasons(r), r.findings().toString());
  }
}
