package dev.safeload.formats.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.ReasonCode;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.safetensors.SafetensorsIndexHandler;
import dev.safeload.spi.Confidence;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pytorch_model.bin.index.json against its shards, written by torch.save; each rule with its code.
 */
class PyTorchIndexTest {
  private static final SafeModelLoader SCANNER = SafeModelLoader.builder().build();
  private static final String S1 = "pytorch_model-00001-of-00002.bin";
  private static final String S2 = "pytorch_model-00002-of-00002.bin";
  private static final String INDEX = "pytorch_model.bin.index.json";

  @TempDir Path dir;
  String index;

  @BeforeEach
  void copyFixture() throws IOException {
    for (String f : List.of(S1, S2, INDEX)) {
      Files.write(dir.resolve(f), resource("pytorch-sharded/" + f));
    }
    index = Files.readString(dir.resolve(INDEX));
  }

  @Test
  void goodShardedCheckpointIsAccepted() throws IOException {
    ScanReport r = SCANNER.scan(dir);
    assertEquals(List.of(), r.findings());
    assertEquals(
        Map.of(INDEX, "pytorch-index", S1, "pytorch", S2, "pytorch"),
        r.files().stream().collect(Collectors.toMap(FileReport::name, FileReport::format)));
  }

  @Test
  void nameSuffixes() {
    assertEquals(Set.of(".bin.index.json"), new PyTorchIndexHandler().nameSuffixes());
    assertEquals(Set.of(".safetensors.index.json"), new SafetensorsIndexHandler().nameSuffixes());
  }

  @Test
  void detectionTellsTheTwoIndexesApart() throws IOException {
    ByteBuffer pt = ByteBuffer.wrap(resource("pytorch-sharded/" + INDEX));
    ByteBuffer st = ByteBuffer.wrap(resource("safetensors/sharded/model.safetensors.index.json"));
    assertEquals(
        Confidence.STRONG, new PyTorchIndexHandler().detect(pt.duplicate(), pt.remaining()));
    assertEquals(
        Confidence.NONE, new SafetensorsIndexHandler().detect(pt.duplicate(), pt.remaining()));
    assertEquals(Confidence.NONE, new PyTorchIndexHandler().detect(st.duplicate(), st.remaining()));
    assertEquals(
        Confidence.STRONG, new SafetensorsIndexHandler().detect(st.duplicate(), st.remaining()));
  }

  @Test
  void missingShard() throws IOException {
    Files.delete(dir.resolve(S2));
    assertFindings(FormatReason.PYTORCH_INDEX_SHARD_MISSING);
  }

  @Test
  void shardThatIsNotACheckpoint() throws IOException {
    Files.write(dir.resolve(S2), resource("safetensors/tiny.safetensors"));
    List<ReasonCode> r = reasons(SCANNER.scan(dir));
    assertEquals(FormatReason.PYTORCH_INDEX_SHARD_MISSING, r.get(r.size() - 1), r.toString());
  }

  @Test
  void tensorInAnotherShardThanTheIndexSays() throws IOException {
    writeIndex(index.replace("\"model.2.bias\": \"" + S2, "\"model.2.bias\": \"" + S1));
    assertFindings(
        FormatReason.PYTORCH_INDEX_TENSOR_MISMATCH, FormatReason.PYTORCH_INDEX_TENSOR_MISMATCH);
  }

  @Test
  void indexNamesATensorNoShardHolds() throws IOException {
    writeIndex(
        index.replace("\"weight_map\": {", "\"weight_map\": {\n    \"ghost\": \"" + S1 + "\","));
    assertFindings(FormatReason.PYTORCH_INDEX_TENSOR_MISMATCH);
  }

  @Test
  void shardHoldsATensorTheIndexLacks() throws IOException {
    writeIndex(index.replace("    \"model.0.bias\": \"" + S1 + "\",\n", ""));
    assertFindings(FormatReason.PYTORCH_INDEX_TENSOR_MISMATCH);
  }

  @Test
  void unreferencedCheckpoint() throws IOException {
    Files.copy(dir.resolve(S1), dir.resolve("pytorch_model-extra.bin"));
    assertFindings(FormatReason.PYTORCH_INDEX_SHARD_UNREFERENCED);
  }

  @Test
  void shardNamesMustBeBareBinNames() throws IOException {
    for (String bad :
        List.of("../" + S1, "sub/" + S1, "model.safetensors", ".bin", "a b.bin", "x.BIN")) {
      writeIndex(index.replace("\"model.0.weight\": \"" + S1, "\"model.0.weight\": \"" + bad));
      assertFindings(FormatReason.PYTORCH_INDEX_SHARD_NAME_INVALID);
    }
  }

  @Test
  void schemaViolations() throws IOException {
    writeIndex(index.replace("\"metadata\"", "\"extra\": 1, \"metadata\""));
    assertFindings(FormatReason.PYTORCH_INDEX_INVALID);
    writeIndex(index.replace("\"total_size\": 92", "\"total_size\": -1"));
    assertFindings(FormatReason.PYTORCH_INDEX_INVALID);
  }

  private void writeIndex(String s) throws IOException {
    Files.writeString(dir.resolve(INDEX), s);
  }

  private void assertFindings(ReasonCode... expected) throws IOException {
    ScanReport r = SCANNER.scan(dir);
    assertEquals(List.of(expected), reasons(r), r.toString());
  }

  private static List<ReasonCode> reasons(ScanReport r) {
    return r.findings().stream().map(Finding::reason).toList();
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = PyTorchIndexTest.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return in.readAllBytes();
    }
  }
}
