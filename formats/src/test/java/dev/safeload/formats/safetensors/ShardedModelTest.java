package dev.safeload.formats.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.FileReport;
import dev.safeload.LoadPolicy;
import dev.safeload.ReasonCode;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.formats.FormatReason;
import dev.safeload.spi.Confidence;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sharded model: the index against its shards, good and each bad case. */
class ShardedModelTest {
  private static final SafeModelLoader SCANNER = SafeModelLoader.builder().build();
  private static final String S1 = "model-00001-of-00002.safetensors";
  private static final String S2 = "model-00002-of-00002.safetensors";
  private static final String INDEX = "model.safetensors.index.json";

  @TempDir Path dir;
  String index;

  @BeforeEach
  void copyFixture() throws IOException {
    for (String f : List.of(S1, S2, INDEX, "config.json")) {
      Files.write(dir.resolve(f), SafetensorsLoaderTest.resource("sharded/" + f));
    }
    index = Files.readString(dir.resolve(INDEX));
  }

  @Test
  void goodShardedModelIsAccepted() throws Exception {
    ScanReport r = SCANNER.scan(dir);
    assertEquals(List.of(), r.findings());
    assertEquals(
        Map.of(
            "config.json",
            "json",
            INDEX,
            "safetensors-index",
            S1,
            "safetensors",
            S2,
            "safetensors"),
        r.files().stream()
            .collect(java.util.stream.Collectors.toMap(FileReport::name, FileReport::format)));
    SafeModelLoader loader =
        SafeModelLoader.builder()
            .policy(LoadPolicy.strict().toBuilder().allowUnpinnedFiles().build())
            .build();
    try (VerifiedModel m = loader.load(dir)) {
      assertEquals(List.of(S1, S2), m.file(INDEX).description().references());
      assertEquals("384", m.file(INDEX).description().metadata().get("total_size"));
    }
  }

  @Test
  void missingShard() throws IOException {
    Files.delete(dir.resolve(S2));
    assertFindings(FormatReason.SAFETENSORS_INDEX_SHARD_MISSING);
  }

  @Test
  void invalidShardCountsAsMissing() throws IOException {
    byte[] b = Files.readAllBytes(dir.resolve(S2));
    Files.write(dir.resolve(S2), java.util.Arrays.copyOf(b, b.length + 1)); // a trailing byte
    assertFindings(
        FormatReason.SAFETENSORS_TRAILING_BYTES, FormatReason.SAFETENSORS_INDEX_SHARD_MISSING);
  }

  @Test
  void tensorInAnotherShardThanTheIndexSays() throws IOException {
    writeIndex(index.replace("\"model.layers.1.w\": \"" + S2, "\"model.layers.1.w\": \"" + S1));
    // the tensor found in S2 is placed in S1 by the index, and S1 lacks it
    assertFindings(
        FormatReason.SAFETENSORS_INDEX_TENSOR_MISMATCH,
        FormatReason.SAFETENSORS_INDEX_TENSOR_MISMATCH);
  }

  @Test
  void indexNamesATensorNoShardHolds() throws IOException {
    writeIndex(
        index.replace("\"weight_map\": {", "\"weight_map\": {\n    \"ghost\": \"" + S1 + "\","));
    assertFindings(FormatReason.SAFETENSORS_INDEX_TENSOR_MISMATCH);
  }

  @Test
  void shardHoldsATensorTheIndexLacks() throws IOException {
    writeIndex(index.replace("    \"lm_head.weight\": \"" + S2 + "\",\n", ""));
    assertFindings(FormatReason.SAFETENSORS_INDEX_TENSOR_MISMATCH);
  }

  @Test
  void unreferencedShard() throws IOException {
    Files.write(
        dir.resolve("extra.safetensors"), SafetensorsLoaderTest.resource("tiny.safetensors"));
    assertFindings(FormatReason.SAFETENSORS_INDEX_SHARD_UNREFERENCED);
  }

  @Test
  void shardNamesMustBeBareSafetensorsNames() throws IOException {
    for (String bad :
        List.of(
            "../" + S1,
            "sub/" + S1,
            "/abs/" + S1,
            "model.bin",
            ".safetensors",
            "a b.safetensors",
            "x.SAFETENSORS")) {
      writeIndex(
          index.replace("\"model.embed.weight\": \"" + S1, "\"model.embed.weight\": \"" + bad));
      assertFindings(FormatReason.SAFETENSORS_INDEX_SHARD_NAME_INVALID);
    }
  }

  @Test
  void schemaViolations() throws IOException {
    writeIndex(index.replace("\"metadata\"", "\"extra\": 1, \"metadata\""));
    assertFindings(FormatReason.SAFETENSORS_INDEX_INVALID);
    writeIndex(index.replace("\"total_size\": 384", "\"total_size\": 384.0"));
    assertFindings(FormatReason.SAFETENSORS_INDEX_INVALID);
    writeIndex(index.replace("\"total_size\": 384", "\"total_size\": \"384\""));
    assertFindings(FormatReason.SAFETENSORS_INDEX_INVALID);
    writeIndex(index.replace("\"lm_head.weight\"", "\"\""));
    assertFindings(FormatReason.SAFETENSORS_INDEX_INVALID);
    writeIndex(index.replace("\"lm_head.weight\"", "\"lm\\u0000head\""));
    assertFindings(FormatReason.SAFETENSORS_INDEX_INVALID);
    writeIndex(index.replace("\"lm_head.weight\": \"" + S2 + "\"", "\"lm_head.weight\": 2"));
    assertFindings(FormatReason.SAFETENSORS_INDEX_SHARD_NAME_INVALID);
  }

  @Test
  void jsonViolationsInTheIndex() throws IOException {
    writeIndex(
        index.replace(
            "\"weight_map\": {", "\"weight_map\": {\n    \"lm_head.weight\": \"" + S2 + "\","));
    assertFindings(FormatReason.JSON_DUPLICATE_KEY);
    writeIndex(
        index.replace(
            "\"weight_map\": {", "\"weight_map\": {\n    \"lm_head.weight\": \"" + S2 + "\",,"));
    assertFindings(FormatReason.JSON_INVALID);
  }

  @Test
  void extraMetadataIsKeptAsText() throws IOException {
    writeIndex(
        index.replace(
            "\"total_size\": 384",
            "\"total_size\": 384, \"total_parameters\": 96, \"q\": {\"bits\": 4}"));
    ScanReport r = SCANNER.scan(dir);
    assertEquals(List.of(), r.findings());
  }

  @Test
  void indexLoadedAloneLacksItsShards() throws IOException {
    ScanReport r = SCANNER.scan(dir.resolve(INDEX));
    assertEquals(
        List.of(
            FormatReason.SAFETENSORS_INDEX_SHARD_MISSING,
            FormatReason.SAFETENSORS_INDEX_SHARD_MISSING),
        SafetensorsLoaderTest.reasons(r));
  }

  @Test
  void weightMapOutsideTheDetectionWindowIsNotLeftUnchecked() throws IOException {
    String padding = "\"padding\": \"" + "x".repeat(70_000) + "\", ";
    writeIndex(index.replace("\"total_size\": 384", padding + "\"total_size\": 384"));
    ScanReport r = SCANNER.scan(dir);
    assertTrue(
        SafetensorsLoaderTest.reasons(r).contains(FormatReason.SAFETENSORS_INDEX_INVALID),
        r.toString());
    assertEquals(
        "json",
        r.files().stream().filter(f -> f.name().equals(INDEX)).findFirst().orElseThrow().format());
  }

  @Test
  void indexHandlerDirectly() {
    SafetensorsIndexHandler h = new SafetensorsIndexHandler();
    assertEquals(
        Confidence.STRONG,
        h.detect(ByteBuffer.wrap(index.getBytes(StandardCharsets.UTF_8)), index.length()));
    assertEquals(Confidence.NONE, h.detect(ByteBuffer.wrap("{\"weight_map\": []}".getBytes()), 18));
    assertEquals(
        Confidence.NONE, h.detect(ByteBuffer.wrap("{\"a\": {\"weight_map\": {}}}".getBytes()), 25));
    assertEquals(
        List.of(FormatReason.SAFETENSORS_INDEX_INVALID),
        St.reasons(St.findings(h, "{\"metadata\": {}}".getBytes(), LoadPolicy.strict())));
    assertEquals(
        List.of(FormatReason.JSON_LIMIT_EXCEEDED),
        St.reasons(
            St.findings(
                h,
                index.getBytes(),
                LoadPolicy.strict().toBuilder().set(Safetensors.MAX_INDEX_ENTRIES, 3L).build())));
  }

  private void writeIndex(String text) throws IOException {
    Files.writeString(dir.resolve(INDEX), text);
  }

  private void assertFindings(ReasonCode... expected) throws IOException {
    ScanReport r = SCANNER.scan(dir);
    assertEquals(List.of(expected), SafetensorsLoaderTest.reasons(r), r.findings().toString());
  }
}
