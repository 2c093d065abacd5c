package dev.safeload.formats.onnx;

import static dev.safeload.formats.onnx.Proto.externalTensor;
import static dev.safeload.formats.onnx.Proto.field;
import static dev.safeload.formats.onnx.Proto.graph;
import static dev.safeload.formats.onnx.Proto.model;
import static dev.safeload.formats.onnx.Proto.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.FileReport;
import dev.safeload.LoadPolicy;
import dev.safeload.ScanReport;
import dev.safeload.formats.Pickles;
import dev.safeload.formats.Scans;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file that no handler recognises may be served as ONNX external data only if its name says
 * nothing and no second reader would open it: a pickle, a checkpoint name or code cannot be
 * laundered as data by being referenced.
 */
class LaunderedDataTest {
  @TempDir Path dir;

  private static final LoadPolicy UNPINNED =
      LoadPolicy.strict().toBuilder().allowUnpinnedFiles().build();

  private static Set<String> reasons(ScanReport r, String file) {
    return r.findings().stream()
        .filter(f -> file.equals(f.file()))
        .map(f -> f.reason().code())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * A pickle that imports os.system, whose first opcode carries a 70 KB string (past any sniffing).
   */
  static byte[] longFirstStringPickle() {
    return Pickles.of(
        Pickles.str("x".repeat(70_000)), "0", "cos\nsystem\n", Pickles.str("id"), 0x85, "R.");
  }

  private void onnxReferencing(String location, byte[] data) throws IOException {
    Files.write(
        dir.resolve("model.onnx"),
        model(
                graph(
                    field(1, node("Relu", null, "X", "Y")),
                    field(5, externalTensor("w", 4, "location", location))))
            .build());
    Path p = dir.resolve(location);
    Files.createDirectories(p.getParent());
    Files.write(p, data);
  }

  @Test
  void aPickleLaunderedAsExternalDataIsRefused() throws IOException {
    onnxReferencing("weights.dat", longFirstStringPickle());
    ScanReport r = Scans.scan(dir, UNPINNED);
    assertEquals(Set.of("POLYGLOT"), reasons(r, "weights.dat"), r.findings().toString());
  }

  @Test
  void aCheckpointNameReferencedAsDataMustStillBeACheckpoint() throws IOException {
    onnxReferencing("pytorch_model.bin", longFirstStringPickle());
    ScanReport r = Scans.scan(dir, UNPINNED);
    FileReport f =
        r.files().stream()
            .filter(x -> x.name().equals("pytorch_model.bin"))
            .findFirst()
            .orElseThrow();
    // The name says PyTorch, the content is a pickle that imports os.system: judged as what it is.
    assertEquals(
        Set.of("EXTENSION_MISMATCH", "PICKLE_GLOBAL_NOT_ALLOWED"),
        reasons(r, "pytorch_model.bin"),
        r.findings().toString());
    assertFalse("onnx-external-data".equals(f.format()), "never served as ONNX data");
  }

  @Test
  void codeReferencedAsDataIsRefusedAsCode() throws IOException {
    onnxReferencing(
        "modeling_evil.py", "import os\nos.system('id')\n".getBytes(StandardCharsets.UTF_8));
    ScanReport r = Scans.scan(dir, UNPINNED);
    assertEquals(Set.of("CODE_FILE"), reasons(r, "modeling_evil.py"), r.findings().toString());
  }

  @Test
  void externalDataThatLooksLikeJsonOrAPickleIsStillData() throws IOException {
    byte[] looksLikeJson = new byte[16];
    looksLikeJson[0] = '{';
    looksLikeJson[1] = '"';
    onnxReferencing("w1.data", looksLikeJson);
    ScanReport r = Scans.scan(dir, UNPINNED);
    assertTrue(r.accepted(), r.findings().toString());
    byte[] looksLikePickle = new byte[16];
    looksLikePickle[0] = (byte) 0x80; // an int64 128 starts with PROTO 0
    Files.write(dir.resolve("w1.data"), looksLikePickle);
    r = Scans.scan(dir, UNPINNED);
    assertTrue(r.accepted(), r.findings().toString());
  }
}
