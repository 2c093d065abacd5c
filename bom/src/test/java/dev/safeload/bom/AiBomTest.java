package dev.safeload.bom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.formats.FormatReason;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.Signer;
import dev.safeload.provenance.Technique;
import dev.safeload.testing.SharedVectors;
import dev.safeload.verify.PinSet;
import dev.safeload.verify.signing.ModelSignatureVerifier;
import dev.safeload.verify.signing.ModelSigner;
import dev.safeload.verify.signing.TrustPolicy;
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

/**
 * What the writer puts into a BOM, value by value, for real scans and loads; every BOM is
 * schema-checked.
 */
class AiBomTest {
  static final UUID SERIAL = UUID.fromString("3e671687-395b-41f5-a30f-a58921a69b79");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T12:00:00.500Z"), ZoneOffset.UTC);
  static final String ARCH_META =
      "{\"format\":\"pt\",\"modelspec.architecture\":\"stable-diffusion-xl-v1-base\"}";

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
      out.computeIfAbsent(p.get("name").asString(), k -> new ArrayList<>())
          .add(p.get("value").asString());
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
    // The build's version (root pom), baked into the api jar and written as the tool's version.
    assertEquals(
        System.getProperty("safeload.expectedVersion"),
        bom.at("/metadata/tools/components/0/version").asString());
    assertEquals(1, bom.get("components").size());

    JsonNode model = bom.at("/components/0");
    assertEquals("machine-learning-model", model.get("type").asString());
    assertEquals("llama", model.get("name").asString());
    assertEquals(
        Map.of("safeload:verdict", List.of("rejected"), "safeload:source", List.of(dir.toString())),
        properties(model));
    assertTrue(
        model.path("modelCard").isMissingNode(), "a scan keeps no metadata, so no model card");

    JsonNode files = model.get("components");
    assertEquals(2, files.size());
    FileReport badReport = report.files().get(0);
    assertEquals("bad.safetensors", badReport.name());
    Finding trailing = badReport.findings().get(0);
    assertEquals(FormatReason.SAFETENSORS_TRAILING_BYTES, trailing.reason());

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
    assertEquals(
        "SAFETENSORS_TRAILING_BYTES@" + trailing.offset() + ": " + trailing.message(),
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
    PinSet pins =
        PinSet.builder()
            .source("sdxl.pins.json")
            .pin("model.safetensors", good.length, Fixtures.sha256(good))
            .build();
    AiBom bom;
    List<Proof> proofs;
    try (VerifiedModel model = SafeModelLoader.builder().verifier(pins).build().load(dir)) {
      proofs = model.proofs();
      bom = fixed().add(model).build();
    }
    assertEquals(1, proofs.size());
    assertEquals(java.util.Set.of("model.safetensors"), proofs.get(0).fileNames());
    assertTrue(bom.accepted());
    JsonNode tree = written(bom);
    JsonNode model = tree.at("/components/0");
    assertEquals(List.of("accepted"), properties(model).get("safeload:verdict"));
    assertEquals(
        List.of("pin via pins from sdxl.pins.json, 1 file"),
        properties(model).get("safeload:provenance"));

    JsonNode file = model.at("/components/0");
    String hex = Fixtures.sha256(good).hex();
    assertEquals(hex, file.at("/hashes/0/content").asString());
    JsonNode identity = file.at("/evidence/identity/0");
    assertEquals("hash", identity.get("field").asString());
    assertEquals(1.0, identity.get("confidence").asDouble());
    assertEquals(hex, identity.get("concludedValue").asString());
    assertEquals(1, identity.get("methods").size());
    assertEquals("hash-comparison", identity.at("/methods/0/technique").asString());
    assertEquals(
        "pin via pins from sdxl.pins.json, 1 file", identity.at("/methods/0/value").asString());

    // What the file says about itself: copied as claims, and the model card says whose claim it is.
    Map<String, List<String>> fp = properties(file);
    assertEquals(List.of("pin"), fp.get("safeload:proof:pins:technique"));
    assertEquals(List.of("sdxl.pins.json"), fp.get("safeload:proof:pins:source"));
    assertFalse(fp.containsKey("safeload:proof:pins:signer"), "a pin has no signer");
    assertEquals(List.of("pt"), fp.get("safeload:claim:format"));
    assertEquals(
        List.of("stable-diffusion-xl-v1-base"), fp.get("safeload:claim:modelspec.architecture"));
    assertEquals(
        "stable-diffusion-xl-v1-base",
        model.at("/modelCard/modelParameters/modelArchitecture").asString());
    assertEquals(
        Map.of(
            "safeload:claimed-by",
            List.of("model.safetensors metadata; declared by the file, not verified")),
        properties(model.get("modelCard")));
  }

  @Test
  void aFileProvenByShardsAloneClaimsNoWholeFileHash() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("shards"));
    byte[] good = Fixtures.oneTensor(ARCH_META);
    Files.write(dir.resolve("model.safetensors"), good);
    PinSet pins =
        PinSet.builder()
            .source("s.pins.json")
            .shardSize(1 << 20)
            .pinShards("model.safetensors", good.length, List.of(Fixtures.sha256(good)))
            .build();
    AiBom bom;
    try (VerifiedModel model = SafeModelLoader.builder().verifier(pins).build().load(dir)) {
      assertEquals(null, model.file("model.safetensors").sha256());
      bom = fixed().add(model).build();
    }
    JsonNode file = written(bom).at("/components/0/components/0"); // written() checks the schema
    assertTrue(file.at("/hashes").isMissingNode(), "no whole-file hash: none was computed");
    assertTrue(file.at("/evidence").isMissingNode());
    Map<String, List<String>> fp = properties(file);
    assertEquals(
        List.of("0-" + good.length + " " + Fixtures.sha256(good).hex()),
        fp.get("safeload:shard-sha256"));
    assertEquals(List.of("pin"), fp.get("safeload:proof:pins:technique"));
    String spdx = new String(bom.toSpdxByteArray(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(spdx.contains("safeload:shard-sha256"), spdx);
    assertFalse(spdx.contains("\"hashValue\""), "no whole-file hash in SPDX either");
  }

  @Test
  void aFileWhosePinDiffersGetsNoEvidenceAndKeepsTheMismatch() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("m"));
    byte[] good = Fixtures.oneTensor("");
    Files.write(dir.resolve("model.safetensors"), good);
    byte[] other = Fixtures.oneTensor("{\"a\":\"b\"}");
    PinSet pins =
        PinSet.builder()
            .source("m.pins.json")
            .pin("model.safetensors", good.length, Fixtures.sha256(other))
            .build();
    ScanReport report = SafeModelLoader.builder().verifier(pins).build().scan(dir);
    assertEquals(List.of(), report.proofs());
    assertEquals(List.of(), report.files().get(0).proofs());
    JsonNode file = written(fixed().add(report).build()).at("/components/0/components/0");
    assertTrue(file.path("evidence").isMissingNode());
    List<String> findings = properties(file).get("safeload:finding");
    assertEquals(1, findings.size());
    assertTrue(
        findings.get(0).startsWith("PIN_DIGEST_MISMATCH: sha256 " + Fixtures.sha256(good).hex()),
        findings.get(0));
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
    Proof proof =
        Proof.builder("oms-signature", Technique.SIGNATURE)
            .signer(Signer.publicKey("sha256:ab"))
            .file(new DigestedFile("model.gguf", 1234, FakeModel.DIGEST))
            .source("model.sig")
            .build();
    FakeModel model =
        new FakeModel(
            Path.of("/models/llama-gguf"),
            List.of(FakeModel.file("model.gguf", "gguf", meta, List.of(proof))),
            List.of(proof));
    JsonNode c = written(fixed().add(model).build()).at("/components/0");
    assertEquals("llama-gguf", c.get("name").asString());
    assertEquals("llama", c.at("/modelCard/modelParameters/architectureFamily").asString());
    assertTrue(c.at("/modelCard/modelParameters/modelArchitecture").isMissingNode());
    Map<String, List<String>> card = properties(c.get("modelCard"));
    assertEquals(List.of("8B"), card.get("cdx:ai-ml:model:parameter:count"));
    assertEquals(List.of("131072"), card.get("cdx:ai-ml:model:hyperparameter:context_length"));
    assertEquals(
        List.of("model.gguf metadata; declared by the file, not verified"),
        card.get("safeload:claimed-by"));

    JsonNode base = c.at("/pedigree/ancestors/0");
    assertEquals(1, c.at("/pedigree/ancestors").size());
    assertEquals("machine-learning-model", base.get("type").asString());
    assertEquals("Llama 3.1 8B", base.get("name").asString());
    assertEquals("Meta Llama", base.get("group").asString());
    assertEquals(
        "https://huggingface.co/meta-llama/Llama-3.1-8B",
        base.at("/externalReferences/0/url").asString());
    assertEquals(
        "declared by model.gguf (general.base_model.*); not verified",
        c.at("/pedigree/notes").asString());

    JsonNode file = c.at("/components/0");
    assertEquals("attestation", file.at("/evidence/identity/0/methods/0/technique").asString());
    assertEquals(
        "signature by key sha256:ab via oms-signature from model.sig, 1 file",
        file.at("/evidence/identity/0/methods/0/value").asString());
    Map<String, List<String>> fp = properties(file);
    assertEquals(List.of("gguf"), fp.get("safeload:format"));
    assertEquals(List.of("llama"), fp.get("safeload:claim:general.architecture"));
    assertFalse(fp.containsKey("safeload:claim:tokenizer.chat_template"));
    assertEquals(List.of("1"), fp.get("safeload:claims-omitted"));
    assertEquals(List.of(""), fp.get("safeload:claim:opset_import.ai.onnx"));
  }

  @Test
  void bothWritersWriteAsciiAndPassTheStreamsOwnFailureOn() throws Exception {
    FakeModel m =
        new FakeModel(
            Path.of("mod\u00e8le"), List.of(FakeModel.file("w.bin", "numpy", Map.of())), List.of());
    AiBom bom = fixed().add(m).build();
    for (byte[] json : List.of(bom.toByteArray(), bom.toSpdxByteArray())) {
      for (byte x : json) {
        assertTrue(x >= 0, "non-ASCII byte in the output");
      }
      assertEquals('\n', json[json.length - 1]);
      assertTrue(
          new String(json, java.nio.charset.StandardCharsets.US_ASCII).contains("mod\\u00E8le"),
          "the model's name, escaped");
    }
    java.io.IOException full = new java.io.IOException("disk full");
    java.io.OutputStream failing =
        new java.io.OutputStream() {
          @Override
          public void write(int b) throws java.io.IOException {
            throw full;
          }
        };
    assertSame(full, assertThrows(java.io.IOException.class, () -> bom.writeTo(failing)));
    assertSame(full, assertThrows(java.io.IOException.class, () -> bom.writeSpdxTo(failing)));
  }

  @Test
  void equalInputGivesEqualBytesAndRepeatedFilesGetDistinctRefs() {
    FakeModel a =
        new FakeModel(Path.of("a"), List.of(FakeModel.file("w.bin", "numpy", Map.of())), List.of());
    FakeModel b =
        new FakeModel(Path.of("b"), List.of(FakeModel.file("w.bin", "numpy", Map.of())), List.of());
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
    // Guards the tests above: a validator that accepted anything would make them pass on any
    // output.
    SharedVectors.dir("cyclonedx/schema"); // skipped, visibly, without the schema
    FakeModel a =
        new FakeModel(Path.of("a"), List.of(FakeModel.file("w.bin", "numpy", Map.of())), List.of());
    JsonNode tree = Fixtures.tree(fixed().add(a).build().toByteArray());
    ((tools.jackson.databind.node.ObjectNode) tree.at("/components/0/components/0/hashes/0"))
        .put("alg", "SHA256");
    org.opentest4j.AssertionFailedError e =
        org.junit.jupiter.api.Assertions.assertThrows(
            org.opentest4j.AssertionFailedError.class,
            () -> BomSchema.assertValid(Fixtures.bytes(tree)));
    assertTrue(e.getMessage().contains("/components/0/components/0/hashes/0/alg"), e.getMessage());
  }

  /**
   * A model both pinned and signed by key: each file carries both proofs, the signature with its
   * key.
   */
  @Test
  void aSignedAndPinnedLoadRecordsBothProofsAndTheSignersKey() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("signed"));
    byte[] good = Fixtures.oneTensor("");
    Files.write(dir.resolve("model.safetensors"), good);
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.KeyPair kp = g.generateKeyPair();
    ModelSigner.withKey(kp.getPrivate(), kp.getPublic()).signTo(dir);
    PinSet pins =
        PinSet.builder()
            .source("signed.pins.json")
            .pin("model.safetensors", good.length, Fixtures.sha256(good))
            .build();
    ModelSignatureVerifier signature =
        ModelSignatureVerifier.of(TrustPolicy.publicKeys(List.of(kp.getPublic())).build());
    String fingerprint =
        "sha256:"
            + java.util.HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256", "SUN")
                        .digest(kp.getPublic().getEncoded()));
    AiBom bom;
    try (VerifiedModel model =
        SafeModelLoader.builder().verifier(pins).verifier(signature).build().load(dir)) {
      assertEquals(
          List.of(Technique.PIN, Technique.SIGNATURE),
          model.file("model.safetensors").proofs().stream().map(Proof::technique).toList());
      assertEquals(Signer.publicKey(fingerprint), model.proofs().get(1).signer());
      bom = fixed().add(model).build();
    }
    JsonNode file = written(bom).at("/components/0/components/0");
    JsonNode methods = file.at("/evidence/identity/0/methods");
    assertEquals(2, methods.size());
    assertEquals("hash-comparison", methods.at("/0/technique").asString());
    assertEquals("attestation", methods.at("/1/technique").asString());
    assertEquals(
        "signature by key " + fingerprint + " via oms-signature from model.sig, 1 file",
        methods.at("/1/value").asString());
    Map<String, List<String>> fp = properties(file);
    assertEquals(List.of("signature"), fp.get("safeload:proof:oms-signature:technique"));
    assertEquals(List.of(fingerprint), fp.get("safeload:proof:oms-signature:signer"));
    assertEquals(List.of("public-key"), fp.get("safeload:proof:oms-signature:signer-kind"));
    assertEquals(List.of("model.sig"), fp.get("safeload:proof:oms-signature:source"));
    assertEquals(
        64,
        fp.get("safeload:proof:oms-signature:" + ModelSignatureVerifier.PAYLOAD_SHA256)
            .get(0)
            .length());
    assertEquals(List.of("pin"), fp.get("safeload:proof:pins:technique"));
  }

  /**
   * A build attestation: certificate signer with its issuer, and the source repository and commit.
   */
  @Test
  void anAttestationRecordsItsSignerRepositoryAndCommit() {
    String workflow = "https://github.com/acme/models/.github/workflows/release.yml@refs/tags/v1";
    Proof attested =
        Proof.builder("slsa-attestation", Technique.ATTESTATION)
            .signer(Signer.certificate(workflow, "https://token.actions.githubusercontent.com"))
            .file(new DigestedFile("w.bin", 1234, FakeModel.DIGEST))
            .source("w.bin.sigstore.json")
            .attribute(Proof.SOURCE_REPOSITORY, "https://github.com/acme/models")
            .attribute(Proof.SOURCE_COMMIT, "0123456789abcdef0123456789abcdef01234567")
            .build();
    FakeModel model =
        new FakeModel(
            Path.of("acme"),
            List.of(FakeModel.file("w.bin", "numpy", Map.of(), List.of(attested))),
            List.of(attested));
    JsonNode c = written(fixed().add(model).build()).at("/components/0");
    assertEquals(
        List.of(
            "attestation by "
                + workflow
                + " (https://token.actions.githubusercontent.com)"
                + " via slsa-attestation from w.bin.sigstore.json, 1 file"),
        properties(c).get("safeload:provenance"));
    JsonNode file = c.at("/components/0");
    assertEquals("attestation", file.at("/evidence/identity/0/methods/0/technique").asString());
    Map<String, List<String>> fp = properties(file);
    String prefix = "safeload:proof:slsa-attestation:";
    assertEquals(List.of("attestation"), fp.get(prefix + "technique"));
    assertEquals(List.of(workflow), fp.get(prefix + "signer"));
    assertEquals(List.of("certificate"), fp.get(prefix + "signer-kind"));
    assertEquals(
        List.of("https://token.actions.githubusercontent.com"), fp.get(prefix + "signer-issuer"));
    assertEquals(List.of("https://github.com/acme/models"), fp.get(prefix + "source-repository"));
    assertEquals(
        List.of("0123456789abcdef0123456789abcdef01234567"), fp.get(prefix + "source-commit"));
  }
}
