package dev.safeload.bom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.bom.Proof.Technique;
import dev.safeload.testing.SharedVectors;
import dev.safeload.verify.PinSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** What the writer puts into a BOM, value by value, for real scans and loads; every BOM is schema-checked. */
class AiBomTest {
  static final UUID SERIAL = UUID.fromString("3e671687-395b-41f5-a30f-a58921a69b79");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T12:00:00.500Z"), ZoneOffset.UTC);
  static final String ARCH_META = "{\"format\":\"pt\",\"modelspec.architecture\":\"stable-diffusion-xl-v1-base\"}";

  @TempDir Path tmp;

  static AiBom.Builder fixed() {
    return AiBom.builder().clock(CLOCK).serialNumber(SERIAL);
  }

  /** Writes, validates against the official schema, and returns the tree. */
  static JsonNode written(AiBom bom) {
    byte[] json = bom.toByteArray();
    BomSchema.assertValid(json);
    return Fixtures.tree(json);
  }

  static Map<String, List<String>> properties(JsonNode component) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (JsonNode p : component.path("properties")) {
      out.computeIfAbsent(p.get("name").asString(), k -> new ArrayList<>()).add(p.get("value").asString());
    }
    return out;
  }

  @Test
  void aRejectedScanKeepsEveryFileWithItsDigestAndFindings() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("llama"));
    byte[] good = Fixtures.oneTensor(ARCH_META);
    byte[] bad = java.util.Arrays.copyOf(Fixtures.oneTensor(""), Fixtures.oneTensor("").length + 1);
    Files.write(dir.resolve("model.safetensors"), good);
    Files.write(dir.resolve("bad.safetensors"), bad);
    ScanReport report = SafeModelLoader.builder().build().scan(dir);
    assertFalse(report.accepted());

    JsonNode bom = written(fixed().add(report).build());
    assertEquals("CycloneDX", bom.get("bomFormat").asString());
    assertEquals("1.6", bom.get("specVersion").asString());
    assertEquals("urn:uuid:" + SERIAL, bom.get("serialNumber").asString());
    assertEquals(1, bom.get("version").asInt());
    assertEquals("2026-12-01T12:00:00Z", bom.at("/metadata/timestamp").asString());
    assertEquals("operations", bom.at("/metadata/lifecycles/0/phase").asString());
    assertEquals("safeload", bom.at("/metadata/tools/components/0/name").asString());
    assertEquals(1, bom.get("components").size());

    JsonNode model = bom.at("/components/0");
    assertEquals("machine-learning-model", model.get("type").asString());
    assertEquals("llama", model.get("name").asString());
    assertEquals(Map.of("safeload:verdict", List.of("rejected")), properties(model));
    assertTrue(model.path("modelCard").isMissingNode(), "a scan keeps no metadata, so no model card");

    JsonNode files = model.get("components");
    assertEquals(2, files.size());
    FileReport badReport = report.files().get(0);
    assertEquals("bad.safetensors", badReport.name());
    Finding trailing = badReport.findings().get(0);
    assertEquals(Reason.SAFETENSORS_TRAILING_BYTES, trailing.reason());

    JsonNode b = files.get(0);
    assertEquals("file", b.get("type").asString());
    assertEquals("bad.safetensors", b.get("name").asString());
    String badHex = Fixtures.sha256(bad).hex();
    assertEquals("SHA-256", b.at("/hashes/0/alg").asString());
    assertEquals(badHex, b.at("/hashes/0/content").asString());
    assertEquals("file:sha256:" + badHex, b.get("bom-ref").asString());
    assertTrue(b.path("evidence").isMissingNode(), "nothing proved this file");
    Map<String, List<String>> bp = properties(b);
    assertEquals(List.of("safetensors"), bp.get("safeload:format"));
    assertEquals(List.of(Integer.toString(bad.length)), bp.get("safeload:size"));
    assertEquals(List.of("rejected"), bp.get("safeload:verdict"));
    assertEquals(badReport.findings().size(), bp.get("safeload:finding").size());
    assertEquals("SAFETENSORS_TRAILING_BYTES@" + trailing.offset() + ": " + trailing.message(),
        bp.get("safeload:finding").get(0));

    JsonNode m = files.get(1);
    assertEquals("model.safetensors", m.get("name").asString());
    assertEquals(Fixtures.sha256(good).hex(), m.at("/hashes/0/content").asString());
    assertEquals(List.of("accepted"), properties(m).get("safeload:verdict"));
    assertFalse(properties(m).containsKey("safeload:finding"));
  }

  @Test
  void pinsThatProveALoadedFileBecomeHashComparisonEvidence() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("sdxl"));
    byte[] good = Fixtures.oneTensor(ARCH_META);
    Files.write(dir.resolve("model.safetensors"), good);
    PinSet pins = PinSet.builder().source("sdxl.pins.json")
        .pin("model.safetensors", good.length, Fixtures.sha256(good)).build();
    AiBom bom;
    List<String> provenance;
    Proof proof;
    try (VerifiedModel model = SafeModelLoader.builder().pins(pins).build().load(dir)) {
      proof = Proof.check(Technique.HASH_COMPARISON, pins, model);
      provenance = model.provenance();
      bom = fixed().add(model, proof).build();
    }
    assertEquals(java.util.Set.of("model.safetensors"), proof.files());
    assertTrue(bom.accepted());
    JsonNode tree = written(bom);
    JsonNode model = tree.at("/components/0");
    assertEquals(List.of("accepted"), properties(model).get("safeload:verdict"));
    assertEquals(1, provenance.size());
    assertEquals(provenance, properties(model).get("safeload:provenance"));

    JsonNode file = model.at("/components/0");
    String hex = Fixtures.sha256(good).hex();
    assertEquals(hex, file.at("/hashes/0/content").asString());
    JsonNode identity = file.at("/evidence/identity/0");
    assertEquals("hash", identity.get("field").asString());
    assertEquals(1.0, identity.get("confidence").asDouble());
    assertEquals(hex, identity.get("concludedValue").asString());
    assertEquals(1, identity.get("methods").size());
    assertEquals("hash-comparison", identity.at("/methods/0/technique").asString());
    assertEquals("pinned by sdxl.pins.json (sha256, 1 file)", identity.at("/methods/0/value").asString());

    // What the file says about itself: copied as claims, and the model card says whose claim it is.
    Map<String, List<String>> fp = properties(file);
    assertEquals(List.of("pt"), fp.get("safeload:claim:format"));
    assertEquals(List.of("stable-diffusion-xl-v1-base"), fp.get("safeload:claim:modelspec.architecture"));
    assertEquals("stable-diffusion-xl-v1-base", model.at("/modelCard/modelParameters/modelArchitecture").asString());
    assertEquals(Map.of("safeload:claimed-by", List.of("model.safetensors metadata; declared by the file, not verified")),
        properties(model.get("modelCard")));
  }

  @Test
  void aFileWhosePinDiffersGetsNoEvidenceAndKeepsTheMismatch() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("m"));
    byte[] good = Fixtures.oneTensor("");
    Files.write(dir.resolve("model.safetensors"), good);
    byte[] other = Fixtures.oneTensor("{\"a\":\"b\"}");
    PinSet pins = PinSet.builder().source("m.pins.json")
        .pin("model.safetensors", good.length, Fixtures.sha256(other)).build();
    ScanReport report = SafeModelLoader.builder().pins(pins).build().scan(dir);
    Proof proof = Proof.check(Technique.HASH_COMPARISON, pins, report);
    assertEquals(java.util.Set.of(), proof.files());
    JsonNode file = written(fixed().add(report, proof).build()).at("/components/0/components/0");
    assertTrue(file.path("evidence").isMissingNode());
    List<String> findings = properties(file).get("safeload:finding");
    assertEquals(1, findings.size());
    assertTrue(findings.get(0).startsWith("PIN_DIGEST_MISMATCH: sha256 " + Fixtures.sha256(good).hex()), findings.get(0));
  }

  @Test
  void ggufMetadataBecomesModelCardClaimsAndBaseModels() {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("gguf:version", "3");
    meta.put("general.architecture", "llama");
    meta.put("general.size_label", "8B");
    meta.put("llama.context_length", "131072");
    meta.put("general.base_model.count", "1");
    meta.put("general.base_model.0.name", "Llama 3.1 8B");
    meta.put("general.base_model.0.organization", "Meta Llama");
    meta.put("general.base_model.0.repo_url", "https://huggingface.co/meta-llama/Llama-3.1-8B");
    meta.put("tokenizer.chat_template", "x".repeat(5000)); // too long to copy: counted, not written
    meta.put("opset_import.ai.onnx", ""); // an empty value is still a statement: copied
    FakeModel model = new FakeModel(Path.of("/models/llama-gguf"),
        List.of(FakeModel.file("model.gguf", "gguf", meta)), List.of("pinned by fleet.pins.json (sha256, 1 file)"));
    Proof proof = new Proof(Technique.ATTESTATION, "OMS signature by key sha256:ab", java.util.Set.of("model.gguf"));
    JsonNode c = written(fixed().add(model, proof).build()).at("/components/0");
    assertEquals("llama-gguf", c.get("name").asString());
    assertEquals("llama", c.at("/modelCard/modelParameters/architectureFamily").asString());
    assertTrue(c.at("/modelCard/modelParameters/modelArchitecture").isMissingNode());
    Map<String, List<String>> card = properties(c.get("modelCard"));
    assertEquals(List.of("8B"), card.get("cdx:ai-ml:model:parameter:count"));
    assertEquals(List.of("131072"), card.get("cdx:ai-ml:model:hyperparameter:context_length"));
    assertEquals(List.of("model.gguf metadata; declared by the file, not verified"), card.get("safeload:claimed-by"));

    JsonNode base = c.at("/pedigree/ancestors/0");
    assertEquals(1, c.at("/pedigree/ancestors").size());
    assertEquals("machine-learning-model", base.get("type").asString());
    assertEquals("Llama 3.1 8B", base.get("name").asString());
    assertEquals("Meta Llama", base.get("group").asString());
    assertEquals("https://huggingface.co/meta-llama/Llama-3.1-8B", base.at("/externalReferences/0/url").asString());
    assertEquals("declared by model.gguf (general.base_model.*); not verified", c.at("/pedigree/notes").asString());

    JsonNode file = c.at("/components/0");
    assertEquals("attestation", file.at("/evidence/identity/0/methods/0/technique").asString());
    assertEquals("OMS signature by key sha256:ab", file.at("/evidence/identity/0/methods/0/value").asString());
    Map<String, List<String>> fp = properties(file);
    assertEquals(List.of("gguf"), fp.get("safeload:format"));
    assertEquals(List.of("llama"), fp.get("safeload:claim:general.architecture"));
    assertFalse(fp.containsKey("safeload:claim:tokenizer.chat_template"));
    assertEquals(List.of("1"), fp.get("safeload:claims-omitted"));
    assertEquals(List.of(""), fp.get("safeload:claim:opset_import.ai.onnx"));
  }

  @Test
  void equalInputGivesEqualBytesAndRepeatedFilesGetDistinctRefs() {
    FakeModel a = new FakeModel(Path.of("a"), List.of(FakeModel.file("w.bin", "numpy", Map.of())), List.of());
    FakeModel b = new FakeModel(Path.of("b"), List.of(FakeModel.file("w.bin", "numpy", Map.of())), List.of());
    AiBom one = fixed().add(a).add(b).build();
    assertArrayEquals(one.toByteArray(), fixed().add(a).add(b).build().toByteArray());
    JsonNode tree = written(one);
    String ref = "file:sha256:" + FakeModel.DIGEST.hex();
    assertEquals(ref, tree.at("/components/0/components/0/bom-ref").asString());
    assertEquals(ref + "#2", tree.at("/components/1/components/0/bom-ref").asString());
    assertEquals("model:1:a", tree.at("/components/0/bom-ref").asString());
    assertNotEquals(AiBom.builder().build().serialNumber(), AiBom.builder().build().serialNumber());
  }

  @Test
  void theSchemaCheckIsLive() {
    // Guards the tests above: a validator that accepted anything would make them pass on any output.
    SharedVectors.dir("cyclonedx/schema"); // skipped, visibly, without the schema
    FakeModel a = new FakeModel(Path.of("a"), List.of(FakeModel.file("w.bin", "numpy", Map.of())), List.of());
    JsonNode tree = Fixtures.tree(fixed().add(a).build().toByteArray());
    ((tools.jackson.databind.node.ObjectNode) tree.at("/components/0/components/0/hashes/0")).put("alg", "SHA256");
    org.opentest4j.AssertionFailedError e = org.junit.jupiter.api.Assertions.assertThrows(
        org.opentest4j.AssertionFailedError.class, () -> BomSchema.assertValid(Fixtures.bytes(tree)));
    assertTrue(e.getMessage().contains("/components/0/components/0/hashes/0/alg"), e.getMessage());
  }
}
