package dev.safeload.bom;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.SafeModelLoader;
import dev.safeload.provenance.Sha256;
import dev.safeload.testing.SharedVectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reading BOMs back: ours, the official CycloneDX ML examples, and documents the reader must
 * refuse.
 */
class CycloneDxBomTest {
  @TempDir Path tmp;

  @Test
  void findsTheFileOfAScannedModelByItsDigest() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("llama"));
    byte[] w = Fixtures.oneTensor("");
    Files.write(dir.resolve("model.safetensors"), w);
    Path out = tmp.resolve("llama.cdx.json");
    Files.write(
        out,
        AiBomTest.fixed().add(SafeModelLoader.builder().build().scan(dir)).build().toByteArray());

    CycloneDxBom bom = CycloneDxBom.read(out);
    assertEquals("1.6", bom.specVersion());
    assertEquals("urn:uuid:" + AiBomTest.SERIAL, bom.serialNumber().orElseThrow());
    assertEquals(2, bom.components().size());
    Sha256 digest = Fixtures.sha256(w);
    List<CycloneDxBom.Component> hits = bom.withSha256(digest);
    assertEquals(1, hits.size());
    CycloneDxBom.Component c = hits.get(0);
    assertEquals("file", c.type());
    assertEquals("model.safetensors", c.name());
    assertEquals("file:sha256:" + digest.hex(), c.bomRef());
    assertEquals(List.of("llama", "model.safetensors"), c.path());
    assertEquals(List.of(), bom.withSha256(Sha256.ofHex("00".repeat(32))));
  }

  @Test
  void readsTheOfficialMachineLearningExamples() throws Exception {
    Path dir = SharedVectors.dir("cyclonedx/examples");
    Map<String, String> models =
        Map.of(
            "valid-machine-learning-1.6.json", "stable-diffusion",
            "valid-machine-learning-considerations-env-1.6.json", "Llama-2-7b");
    Sha256 digest = Sha256.ofHex("5f".repeat(32));
    for (Map.Entry<String, String> e : models.entrySet()) {
      byte[] json = Files.readAllBytes(dir.resolve(e.getKey()));
      CycloneDxBom bom = CycloneDxBom.parse(json);
      assertEquals("1.6", bom.specVersion(), e.getKey());
      CycloneDxBom.Component model = bom.components().get(0);
      assertEquals("machine-learning-model", model.type(), e.getKey());
      assertEquals(e.getValue(), model.name(), e.getKey());
      // The examples carry no hashes; give the model one, as a responder's inventory would, and
      // find it.
      assertEquals(List.of(), bom.withSha256(digest), e.getKey());
      JsonNode tree = Fixtures.tree(json);
      ((ObjectNode) tree.at("/components/0"))
          .putArray("hashes")
          .addObject()
          .put("alg", "SHA-256")
          .put("content", digest.hex().toUpperCase(java.util.Locale.ROOT));
      List<CycloneDxBom.Component> hits =
          CycloneDxBom.parse(Fixtures.bytes(tree)).withSha256(digest);
      assertEquals(
          List.of(e.getValue()),
          hits.stream().map(CycloneDxBom.Component::name).toList(),
          e.getKey());
    }
  }

  @Test
  void nestedComponentsKnowTheirParentEvenWhenItsNameComesLater() throws Exception {
    String json =
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"metadata\":{\"component\":"
            + "{\"type\":\"application\",\"name\":\"host\"}},\"components\":[{\"components\":[{\"type\":\"file\","
            + "\"name\":\"w\",\"hashes\":[{\"alg\":\"MD5\",\"content\":\"x\"},{\"alg\":\"SHA-256\",\"content\":\""
            + "ab".repeat(32)
            + "\"}]}],\"type\":\"machine-learning-model\",\"name\":\"m\"}]}";
    CycloneDxBom bom = CycloneDxBom.parse(json.getBytes(UTF_8));
    assertEquals(
        List.of(List.of("host"), List.of("m"), List.of("m", "w")),
        bom.components().stream().map(CycloneDxBom.Component::path).toList());
    assertEquals(
        List.of("w"),
        bom.withSha256(Sha256.ofHex("ab".repeat(32))).stream()
            .map(CycloneDxBom.Component::name)
            .toList());
  }

  @Test
  void aDigestGivenOnlyOnAnExternalReferenceFindsItsComponent() throws Exception {
    // As a third-party BOM may record a downloaded model: the hash sits on the distribution
    // reference, not on the component.
    String json =
        "{"
            + HEAD
            + ",\"components\":[{\"type\":\"machine-learning-model\",\"name\":\"m\","
            + "\"externalReferences\":[{\"type\":\"website\",\"url\":\"https://example.com\"},"
            + "{\"type\":\"distribution\",\"url\":\"https://example.com/m.gguf\",\"hashes\":"
            + "[{\"alg\":\"SHA-256\",\"content\":\""
            + "cd".repeat(32)
            + "\"}]}]}]}";
    assertEquals(
        List.of("m"),
        CycloneDxBom.parse(json.getBytes(UTF_8)).withSha256(Sha256.ofHex("cd".repeat(32))).stream()
            .map(CycloneDxBom.Component::name)
            .toList());
    // Read as strictly as the component's own hashes.
    BomFormatException e =
        assertThrows(
            BomFormatException.class,
            () -> CycloneDxBom.parse(json.replace("cd".repeat(32), "cd").getBytes(UTF_8)));
    assertEquals(
        "components[0].externalReferences[1].hashes[0].content is not 64 hex digits",
        e.getMessage());
  }

  static final String HEAD = "\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\"";

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      [] | the top level is not a JSON object
      {"specVersion":"1.6"} | no bomFormat
      {"bomFormat":"SPDX","specVersion":"1.6"} | bomFormat is not CycloneDX
      {"bomFormat":"CycloneDX"} | no specVersion
      {"bomFormat":"CycloneDX","specVersion":"2.0"} | specVersion '2.0' is not one of 1.2, 1.3, 1.4, 1.5, 1.6, 1.7
      {"bomFormat":1,"specVersion":"1.6"} | bomFormat is not a string
      {HEAD,"components":{}} | components is not an array
      {HEAD,"components":[{"type":"file"}]} | components[0] has no name
      {HEAD,"components":[{"name":"x"}]} | components[0] has no type
      {HEAD,"components":[{"type":"file","name":"x","components":[1]}]} | components[0].components[0] is not an object
      {HEAD,"components":[{"type":"file","name":"x","hashes":[{"alg":"SHA-256","content":"abc"}]}]} | components[0].hashes[0].content is not 64 hex digits
      {HEAD,"components":[{"type":"file","name":"x","hashes":[{"alg":"SHA-256"}]}]} | components[0].hashes[0] has no content
      {HEAD,"metadata":{"component":[]}} | metadata.component is not an object
      {HEAD}{} | data after the top-level object
      """)
  void refusesWhatIsNotAStrictBom(String json, String message) {
    byte[] b = json.replace("HEAD", HEAD).getBytes(UTF_8);
    BomFormatException e = assertThrows(BomFormatException.class, () -> CycloneDxBom.parse(b));
    assertEquals(message, e.getMessage());
  }

  @Test
  void refusesDuplicateKeysDeepNestingAndBadEncoding() {
    assertJsonError(
        "{" + HEAD + ",\"bomFormat\":\"CycloneDX\"}", "Duplicate Object property \"bomFormat\"");
    assertJsonError(
        "{" + HEAD + ",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}", "nesting depth");
    byte[] latin1 =
        ("{" + HEAD + ",\"components\":[{\"type\":\"file\",\"name\":\"\u00e9\"}]}")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    BomFormatException e = assertThrows(BomFormatException.class, () -> CycloneDxBom.parse(latin1));
    assertTrue(e.getMessage().startsWith("not strict JSON: Invalid UTF-8"), e.getMessage());
  }

  private static void assertJsonError(String json, String fragment) {
    BomFormatException e =
        assertThrows(BomFormatException.class, () -> CycloneDxBom.parse(json.getBytes(UTF_8)));
    assertTrue(
        e.getMessage().startsWith("not strict JSON: ") && e.getMessage().contains(fragment),
        e.getMessage());
  }

  @Test
  void aFileLargerThanTheLimitIsRefusedWithoutReadingItAll() throws Exception {
    Path big = tmp.resolve("big.json");
    try (var ch =
        java.nio.channels.FileChannel.open(
            big,
            java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(
          java.nio.ByteBuffer.wrap(new byte[] {' '}),
          CycloneDxBom.MAX_BYTES); // sparse: MAX_BYTES + 1
    }
    BomFormatException e = assertThrows(BomFormatException.class, () -> CycloneDxBom.read(big));
    assertEquals("larger than " + CycloneDxBom.MAX_BYTES + " bytes", e.getMessage());
  }
}
