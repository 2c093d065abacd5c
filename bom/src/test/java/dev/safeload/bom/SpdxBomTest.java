package dev.safeload.bom;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.provenance.Sha256;
import dev.safeload.provenance.Signer;
import dev.safeload.provenance.Technique;
import dev.safeload.testing.SharedVectors;
import dev.safeload.verify.PinSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The SPDX 3.0.1 writer and reader: every document written is validated against the official JSON
 * Schema read in place; the official AI and dataset examples are read back and queried by digest.
 */
class SpdxBomTest {
  @TempDir Path tmp;

  private static final LoadPolicy CARD =
      LoadPolicy.strict().toBuilder().opaqueFiles("README.md").build();

  static JsonNode written(AiBom bom) {
    byte[] json = bom.toSpdxByteArray();
    SpdxSchema.assertValid(json);
    return Fixtures.tree(json);
  }

  static List<JsonNode> nodes(JsonNode doc, String type) {
    List<JsonNode> out = new ArrayList<>();
    doc.get("@graph")
        .forEach(
            n -> {
              if (type.equals(n.path("type").asString())) {
                out.add(n);
              }
            });
    return out;
  }

  static List<String> statements(JsonNode doc, String subject) {
    return nodes(doc, "Annotation").stream()
        .filter(a -> a.get("subject").asString().equals(subject))
        .map(a -> a.get("statement").asString())
        .toList();
  }

  @Test
  void aLoadedModelWithDeclaredLicencesAndPins() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("llama"));
    byte[] w = Fixtures.oneTensor("{\"license\":\"Apache-2.0\"}");
    byte[] card = "---\nlicense: mit\n---\n# Llama\n".getBytes(UTF_8);
    Files.write(dir.resolve("model.safetensors"), w);
    Files.write(dir.resolve("README.md"), card);
    PinSet pins =
        PinSet.builder()
            .source("llama.pins.json")
            .pin("model.safetensors", w.length, Fixtures.sha256(w))
            .pin("README.md", card.length, Fixtures.sha256(card))
            .build();
    AiBom bom;
    // A verifier of one's own that attests the weights, as a build attestation verifier would.
    ProvenanceVerifier attests =
        new ProvenanceVerifier() {
          @Override
          public String id() {
            return "test-attestation";
          }

          @Override
          public ProvenanceResult verify(DigestedModel m) {
            return ProvenanceResult.of(
                Proof.builder(id(), Technique.ATTESTATION)
                    .signer(Signer.certificate("alice@example.com", "https://accounts.example.com"))
                    .file(m.file("model.safetensors").orElseThrow())
                    .attribute(Proof.SOURCE_REPOSITORY, "https://github.com/acme/llama")
                    .attribute(Proof.SOURCE_COMMIT, "0123456789abcdef0123456789abcdef01234567")
                    .build());
          }
        };
    try (VerifiedModel model =
        SafeModelLoader.builder().policy(CARD).verifier(pins).verifier(attests).build().load(dir)) {
      bom = AiBomTest.fixed().add(model).build();
    }
    JsonNode doc = written(bom);
    String ns = "urn:uuid:" + AiBomTest.SERIAL + "#";
    assertEquals("https://spdx.org/rdf/3.0.1/spdx-context.jsonld", doc.get("@context").asString());
    JsonNode ci = doc.at("/@graph/0");
    assertEquals("CreationInfo", ci.get("type").asString());
    assertEquals("3.0.1", ci.get("specVersion").asString());
    assertEquals("2026-12-01T12:00:00Z", ci.get("created").asString());
    assertEquals(ns + "agent", ci.at("/createdBy/0").asString());

    JsonNode pkg = nodes(doc, "ai_AIPackage").get(0);
    assertEquals(ns + "model-1", pkg.get("spdxId").asString());
    assertEquals("llama", pkg.get("name").asString());
    assertEquals("model", pkg.get("software_primaryPurpose").asString());
    List<JsonNode> files = nodes(doc, "software_File");
    assertEquals(
        List.of("README.md", "model.safetensors"),
        files.stream().map(f -> f.get("name").asString()).toList());
    JsonNode weights = files.get(1);
    assertEquals("sha256", weights.at("/verifiedUsing/0/algorithm").asString());
    assertEquals(Fixtures.sha256(w).hex(), weights.at("/verifiedUsing/0/hashValue").asString());

    // Licences: one expression node each, declared by the file that says so, and by the package.
    Map<String, String> exprs = new java.util.HashMap<>();
    nodes(doc, "simplelicensing_LicenseExpression")
        .forEach(
            l ->
                exprs.put(
                    l.get("spdxId").asString(),
                    l.get("simplelicensing_licenseExpression").asString()));
    assertEquals(Set.of("mit", "Apache-2.0"), Set.copyOf(exprs.values()));
    List<JsonNode> declared =
        nodes(doc, "Relationship").stream()
            .filter(r -> r.get("relationshipType").asString().equals("hasDeclaredLicense"))
            .toList();
    assertEquals(3, declared.size());
    JsonNode fromWeights =
        declared.stream()
            .filter(r -> r.get("from").asString().equals(weights.get("spdxId").asString()))
            .findFirst()
            .orElseThrow();
    assertEquals("Apache-2.0", exprs.get(fromWeights.at("/to/0").asString()));
    assertEquals(
        "declared by model.safetensors in __metadata__.license; a claim the file makes, not verified by safeload",
        fromWeights.get("comment").asString());
    JsonNode fromPackage =
        declared.stream()
            .filter(r -> r.get("from").asString().equals(ns + "model-1"))
            .findFirst()
            .orElseThrow();
    assertEquals(2, fromPackage.get("to").size());
    JsonNode concluded =
        nodes(doc, "Relationship").stream()
            .filter(r -> r.get("relationshipType").asString().equals("hasConcludedLicense"))
            .findFirst()
            .orElseThrow();
    assertEquals(
        "https://spdx.org/rdf/3.0.1/terms/ExpandedLicensing/NoAssertionLicense",
        concluded.at("/to/0").asString());

    List<String> ws = statements(doc, weights.get("spdxId").asString());
    assertTrue(ws.contains("safeload:format=safetensors"), ws.toString());
    assertTrue(ws.contains("safeload:verdict=accepted"), ws.toString());
    assertTrue(
        ws.contains(
            "safeload:proof=attestation by alice@example.com (https://accounts.example.com)"
                + " via test-attestation, 1 file"),
        ws.toString());
    assertTrue(ws.contains("safeload:proof:test-attestation:technique=attestation"), ws.toString());
    assertTrue(
        ws.contains("safeload:proof:test-attestation:signer=alice@example.com"), ws.toString());
    assertTrue(
        ws.contains("safeload:proof:test-attestation:signer-issuer=https://accounts.example.com"),
        ws.toString());
    assertTrue(
        ws.contains(
            "safeload:proof:test-attestation:source-repository=https://github.com/acme/llama"),
        ws.toString());
    assertTrue(
        ws.contains(
            "safeload:proof:test-attestation:source-commit=0123456789abcdef0123456789abcdef01234567"),
        ws.toString());
    assertTrue(ws.contains("safeload:signer=alice@example.com"), ws.toString());
    assertTrue(
        ws.contains("safeload:proof=pin via pins from llama.pins.json, 2 files"), ws.toString());
    assertTrue(
        statements(doc, ns + "model-1").contains("safeload:source=" + dir),
        statements(doc, ns + "model-1").toString());

    // The reader side finds the file by its digest, with its model, signers and load path.
    SpdxBom read = SpdxBom.parse(bom.toSpdxByteArray());
    List<SpdxBom.Element> hits = read.withSha256(Fixtures.sha256(w));
    assertEquals(1, hits.size());
    SpdxBom.Element e = hits.get(0);
    assertEquals("software_File", e.type());
    assertEquals(List.of("llama", "model.safetensors"), e.path());
    assertEquals(
        List.of(Signer.certificate("alice@example.com", "https://accounts.example.com")),
        e.signers());
    assertEquals(dir.toString(), e.loadedFrom());
    assertEquals(List.of(), read.withSha256(Sha256.ofHex("00".repeat(32))));

    // The CycloneDX form of the same BOM carries the same facts, and its reader finds them too.
    byte[] cdx = bom.toByteArray();
    BomSchema.assertValid(cdx);
    CycloneDxBom.Component c = CycloneDxBom.parse(cdx).withSha256(Fixtures.sha256(w)).get(0);
    assertEquals(
        List.of(Signer.certificate("alice@example.com", "https://accounts.example.com")),
        c.signers());
    assertEquals(dir.toString(), c.loadedFrom());
    JsonNode lic = Fixtures.tree(cdx).at("/components/0/components/1/licenses/0/license");
    assertEquals("Apache-2.0", lic.get("name").asString());
    assertEquals("declared", lic.get("acknowledgement").asString());
    assertEquals(
        "model.safetensors: __metadata__.license", lic.at("/properties/0/value").asString());
  }

  @Test
  void aRejectedScanAndDeclaredBaseModels() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("m"));
    byte[] bad = java.util.Arrays.copyOf(Fixtures.oneTensor(""), Fixtures.oneTensor("").length + 1);
    Files.write(dir.resolve("bad.safetensors"), bad);
    ScanReport report = SafeModelLoader.builder().build().scan(dir);
    Proof pinned =
        Proof.builder("pins", Technique.PIN)
            .file(new DigestedFile("q4.gguf", 1234, FakeModel.DIGEST))
            .source("q4.pins.json")
            .build();
    VerifiedModel gguf =
        new FakeModel(
            Path.of("/models/q4"),
            List.of(
                FakeModel.file(
                    "q4.gguf",
                    "gguf",
                    Map.of(
                        "general.architecture", "llama",
                        "general.base_model.count", "2",
                        "general.base_model.0.name", "Llama 3.2 1B",
                        "general.base_model.0.organization", "Meta Llama",
                        "general.base_model.0.repo_url",
                            "https://huggingface.co/meta-llama/Llama-3.2-1B",
                        "general.base_model.1.repo_url", "https://huggingface.co/example/merge"),
                    List.of(pinned))),
            List.of(pinned));
    JsonNode doc = written(AiBomTest.fixed().add(report).add(gguf).build());
    String ns = "urn:uuid:" + AiBomTest.SERIAL + "#";
    List<String> m1 = statements(doc, ns + "model-1");
    assertTrue(m1.contains("safeload:verdict=rejected"), m1.toString());
    List<String> f1 = statements(doc, ns + "model-1/file-1");
    assertTrue(
        f1.stream().anyMatch(s -> s.startsWith("safeload:finding=SAFETENSORS_TRAILING_BYTES@")),
        f1.toString());
    assertTrue(
        statements(doc, ns + "model-2")
            .contains("safeload:provenance=pin via pins from q4.pins.json, 1 file"));

    List<JsonNode> bases =
        nodes(doc, "ai_AIPackage").stream()
            .filter(p -> p.get("spdxId").asString().startsWith(ns + "model-2/base-"))
            .toList();
    assertEquals(
        List.of("Meta Llama/Llama 3.2 1B", "https://huggingface.co/example/merge"),
        bases.stream().map(b -> b.get("name").asString()).toList());
    assertEquals(
        "https://huggingface.co/meta-llama/Llama-3.2-1B",
        bases.get(0).get("software_downloadLocation").asString());
    List<JsonNode> ancestors =
        nodes(doc, "Relationship").stream()
            .filter(r -> r.get("relationshipType").asString().equals("ancestorOf"))
            .toList();
    assertEquals(2, ancestors.size());
    assertEquals(ns + "model-2", ancestors.get(0).at("/to/0").asString());
    assertTrue(ancestors.get(0).get("comment").asString().contains("q4.gguf"));
  }

  @Test
  void theSchemaCheckCanFail() {
    byte[] bad =
        new String(AiBomTest.fixed().build().toSpdxByteArray(), UTF_8)
            .replace("\"software_sbomType\":[\"analyzed\"]", "\"software_sbomType\":[\"guessed\"]")
            .getBytes(UTF_8);
    assertTrue(SpdxSchema.errors(bad) > 0);
  }

  @Test
  void readsTheOfficialAiAndDatasetExamples() throws Exception {
    Path dir = SharedVectors.dir("spdx/examples");
    SpdxBom dataset = SpdxBom.read(dir.resolve("dataset_example01_spdx3.0_example01.spdx3.json"));
    List<SpdxBom.Element> hits =
        dataset.withSha256(
            Sha256.ofHex("434d75c84cf86456c16193dbc53beef31eb63f3387425882ddb2ef6acb9d472c"));
    assertEquals(1, hits.size());
    assertEquals("dataset_DatasetPackage", hits.get(0).type());
    assertEquals(List.of(hits.get(0).name()), hits.get(0).path());
    assertEquals(List.of(), hits.get(0).signers());

    SpdxBom sentiment = SpdxBom.read(dir.resolve("ai_example02_spdx3.0_sbom.spdx3.json"));
    List<SpdxBom.Element> models =
        sentiment.elements().stream().filter(e -> e.type().equals("ai_AIPackage")).toList();
    assertEquals(1, models.size());
    assertTrue(
        sentiment.elements().stream().anyMatch(e -> e.type().equals("dataset_DatasetPackage")));
    // Its files are placed in their package by "contains".
    assertTrue(
        sentiment.elements().stream().anyMatch(e -> e.path().size() == 2),
        sentiment.elements().toString());

    SpdxBom htr = SpdxBom.read(dir.resolve("ai_example01_spdx3.0_simplehtr-example.json"));
    assertEquals(2, htr.elements().stream().filter(e -> e.type().equals("ai_AIPackage")).count());
    assertTrue(htr.elements().stream().anyMatch(e -> e.path().size() >= 3), "nested contains");
    for (String f :
        List.of(
            "dataset_example01_spdx3.0_example01.spdx3.json",
            "ai_example02_spdx3.0_sbom.spdx3.json",
            "ai_example01_spdx3.0_simplehtr-example.json")) {
      SpdxSchema.assertValid(Files.readAllBytes(dir.resolve(f)));
    }
  }

  @Test
  void refusesDocumentsItCannotReadOneWay() {
    String ctx = "{\"@context\":\"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\",\"@graph\":[";
    String file =
        "{\"type\":\"software_File\",\"spdxId\":\"urn:x:f\",\"name\":\"a\",\"verifiedUsing\":"
            + "[{\"type\":\"Hash\",\"algorithm\":\"sha256\",\"hashValue\":\""
            + "ab".repeat(32)
            + "\"}]}";
    assertEquals(1, assertDoesParse(ctx + file + "]}").elements().size());
    refused(
        "{\"@context\":\"https://spdx.org/rdf/3.0/spdx-context.jsonld\",\"@graph\":[]}",
        "@context");
    refused("{\"@context\":\"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\"}", "no @graph");
    refused(ctx + file + "," + file + "]}", "used twice");
    refused(
        ctx + file.replace("\"name\":\"a\"", "\"name\":\"a\",\"name\":\"b\"") + "]}",
        "not strict JSON");
    refused(ctx + file.replace("ab".repeat(32), "ab".repeat(31)) + "]}", "64 hex");
    refused(ctx + "{\"spdxId\":\"urn:x:f\"}]}", "no type");
    refused(ctx + "{\"type\":\"software_File\",\"name\":\"x\"}]}", "no spdxId");
    String p1 = "{\"type\":\"software_Package\",\"spdxId\":\"urn:x:p1\",\"name\":\"p1\"}";
    String p2 = "{\"type\":\"software_Package\",\"spdxId\":\"urn:x:p2\",\"name\":\"p2\"}";
    String c1 =
        "{\"type\":\"Relationship\",\"spdxId\":\"urn:x:r1\",\"from\":\"urn:x:p1\",\"relationshipType\":\"contains\",\"to\":[\"urn:x:p2\"]}";
    String c2 =
        "{\"type\":\"Relationship\",\"spdxId\":\"urn:x:r2\",\"from\":\"urn:x:p2\",\"relationshipType\":\"contains\",\"to\":[\"urn:x:p1\"]}";
    refused(ctx + p1 + "," + p2 + "," + c1 + "," + c2 + "]}", "cycle");
    refused(
        ctx
            + "{\"type\":\"Relationship\",\"spdxId\":\"urn:x:r\",\"from\":\"urn:x:p1\",\"relationshipType\":\"contains\",\"to\":\"urn:x:p2\"}]}",
        "not an array");
    refused(ctx + "]} {}", "data after the top-level object");
  }

  @Test
  void deepContainmentIsRefusedWithoutWalkingItTwice() {
    // A chain of MAX_NESTING + 2 packages: refused; a chain within the limit reads, each path built
    // once.
    StringBuilder g =
        new StringBuilder(
            "{\"@context\":\"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\",\"@graph\":[");
    int n = dev.safeload.bom.internal.SpdxReader.MAX_NESTING + 2;
    for (int i = 0; i < n; i++) {
      g.append("{\"type\":\"software_Package\",\"spdxId\":\"urn:x:p")
          .append(i)
          .append("\",\"name\":\"p")
          .append(i)
          .append("\"},");
      if (i > 0) {
        g.append("{\"type\":\"Relationship\",\"spdxId\":\"urn:x:r")
            .append(i)
            .append("\",\"from\":\"urn:x:p")
            .append(i - 1)
            .append("\",\"relationshipType\":\"contains\",\"to\":[\"urn:x:p")
            .append(i)
            .append("\"]},");
      }
    }
    g.setLength(g.length() - 1);
    g.append("]}");
    refused(g.toString(), "deeper than");
  }

  /**
   * Containment through elements the reader does not keep (undeclared ids, other types) follows the
   * same rule: a file contained by x, with x and y containing each other, is a cycle. The source
   * lookup used to walk such a chain without end, hanging {@code bom find}.
   */
  @Test
  void containmentThroughUnkeptElementsIsBoundedToo() {
    String ctx = "{\"@context\":\"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\",\"@graph\":[";
    String file =
        "{\"type\":\"software_File\",\"spdxId\":\"urn:x:f\",\"name\":\"a\",\"verifiedUsing\":"
            + "[{\"type\":\"Hash\",\"algorithm\":\"sha256\",\"hashValue\":\""
            + "ab".repeat(32)
            + "\"}]}";
    String xf = contains("urn:x:x", "urn:x:f");
    String yx = contains("urn:x:y", "urn:x:x");
    String xy = contains("urn:x:x", "urn:x:y");
    assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(60), // a hang guard only: the assertion is the refusal
        () -> refused(ctx + file + "," + xf + "," + yx + "," + xy + "]}", "cycle"));
    // A chain of undeclared containers deeper than MAX_NESTING: refused like a chain of packages.
    StringBuilder g =
        new StringBuilder(ctx).append(file).append(',').append(contains("urn:x:c0", "urn:x:f"));
    for (int i = 1; i <= dev.safeload.bom.internal.SpdxReader.MAX_NESTING; i++) {
      g.append(',').append(contains("urn:x:c" + i, "urn:x:c" + (i - 1)));
    }
    refused(g.append("]}").toString(), "deeper than");
    // Within the limit, an undeclared container does not change the file's path.
    assertEquals(
        List.of("a"), assertDoesParse(ctx + file + "," + xf + "]}").elements().get(0).path());
  }

  private static String contains(String from, String to) {
    return "{\"type\":\"Relationship\",\"from\":\""
        + from
        + "\",\"relationshipType\":\"contains\",\"to\":[\""
        + to
        + "\"]}";
  }

  private static SpdxBom assertDoesParse(String json) {
    try {
      return SpdxBom.parse(json.getBytes(UTF_8));
    } catch (BomFormatException e) {
      throw new AssertionError(e);
    }
  }

  private static void refused(String json, String message) {
    BomFormatException e =
        assertThrows(BomFormatException.class, () -> SpdxBom.parse(json.getBytes(UTF_8)), json);
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
