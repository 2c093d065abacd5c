package dev.safeload.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.bom.BomSchema;
import dev.safeload.cli.CliTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code safeload bom} and {@code safeload bom find} with the shipped handlers, on a real
 * safetensors file.
 */
class BomCommandTest {
  @TempDir Path tmp;
  Path dir;
  Path pins;
  byte[] bytes;
  String hex;

  @BeforeEach
  void pinnedModel() throws Exception {
    dir = Files.createDirectory(tmp.resolve("st"));
    bytes =
        DemoSamples.safetensors(
            "{\"w\":{\"dtype\":\"U8\",\"shape\":[64],\"data_offsets\":[0,64]}}", 64);
    Files.write(dir.resolve("model.safetensors"), bytes);
    Run pin = CliTest.runWith(new Main(), "pin", dir.toString());
    assertEquals(0, pin.exit(), pin.err());
    pins = Files.writeString(tmp.resolve("st.pins.json"), pin.out());
    hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256", "SUN").digest(bytes));
  }

  static JsonNode file(JsonNode bom) {
    return bom.at("/components/0/components/0");
  }

  static List<String> properties(JsonNode component, String name) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : component.path("properties")) {
      if (p.get("name").asString().equals(name)) {
        out.add(p.get("value").asString());
      }
    }
    return out;
  }

  @Test
  void writesAValidBomWithPinEvidenceThatFindLocates() throws Exception {
    Path out = tmp.resolve("st.cdx.json");
    Run r =
        CliTest.runWith(
            new Main(), "bom", dir.toString(), "--pins", pins.toString(), "-o", out.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals("", r.out());
    byte[] json = Files.readAllBytes(out);
    BomSchema.assertValid(json);
    JsonNode bom = JsonMapper.builder().build().readTree(json);
    assertEquals("st", bom.at("/components/0/name").asString());
    JsonNode f = file(bom);
    assertEquals("model.safetensors", f.get("name").asString());
    assertEquals(hex, f.at("/hashes/0/content").asString());
    assertEquals("hash-comparison", f.at("/evidence/identity/0/methods/0/technique").asString());
    assertEquals(
        "pin via pins from st.pins.json, 1 file",
        f.at("/evidence/identity/0/methods/0/value").asString());
    assertEquals(List.of("pin"), properties(f, "safeload:proof:pins:technique"));
    assertEquals(List.of("st.pins.json"), properties(f, "safeload:proof:pins:source"));
    assertEquals(List.of("safetensors"), properties(f, "safeload:format"));
    assertEquals(List.of("accepted"), properties(f, "safeload:verdict"));

    Run find = CliTest.runWith(new Main(), "bom", "find", "--sha256", hex, out.toString());
    assertEquals(0, find.exit(), find.err());
    assertEquals(
        out + ": st / model.safetensors (file:sha256:" + hex + "), loaded from " + dir + "\n",
        find.out());
    Run miss =
        CliTest.runWith(new Main(), "bom", "find", "--sha256", "00".repeat(32), out.toString());
    assertEquals(1, miss.exit(), miss.err());
    assertEquals("", miss.out());
  }

  @Test
  void aRejectedModelStillGetsItsBomOnStdoutWithTheFindings() throws Exception {
    bytes[bytes.length - 1] ^= 1; // still valid safetensors, no longer the pinned bytes
    Files.write(dir.resolve("model.safetensors"), bytes);
    Run r = CliTest.runWith(new Main(), "bom", "--pins", pins.toString(), dir.toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().contains("PIN_DIGEST_MISMATCH"), r.err());
    BomSchema.assertValid(r.out().getBytes(UTF_8));
    JsonNode f = file(JsonMapper.builder().build().readTree(r.out()));
    assertTrue(f.path("evidence").isMissingNode(), "the pin did not prove these bytes");
    assertEquals(List.of("rejected"), properties(f, "safeload:verdict"));
    List<String> findings = properties(f, "safeload:finding");
    assertEquals(2, findings.size(), findings.toString());
    assertTrue(findings.get(0).startsWith("PIN_DIGEST_MISMATCH: sha256 "), findings.get(0));
    assertTrue(findings.get(1).startsWith("UNPROVEN_FILE: "), findings.get(1));
    assertTrue(properties(f, "safeload:proof:pins:technique").isEmpty());
  }

  @Test
  void withoutPinsAnUnpinnedModelIsScannedNotRejected() throws Exception {
    Run r = CliTest.runWith(new Main(), "bom", dir.toString());
    assertEquals(0, r.exit(), r.err());
    BomSchema.assertValid(r.out().getBytes(UTF_8));
    assertTrue(
        file(JsonMapper.builder().build().readTree(r.out())).path("evidence").isMissingNode());
  }

  @Test
  void aSingleFileIsAModelOfOneFile() throws Exception {
    Path file = dir.resolve("model.safetensors");
    Run r = CliTest.runWith(new Main(), "bom", file.toString());
    assertEquals(0, r.exit(), r.err());
    BomSchema.assertValid(r.out().getBytes(UTF_8));
    JsonNode bom = JsonMapper.builder().build().readTree(r.out());
    assertEquals("model.safetensors", bom.at("/components/0/name").asString());
    assertEquals(1, bom.at("/components/0/components").size());
    assertEquals(hex, file(bom).at("/hashes/0/content").asString());
  }

  @Test
  void usageAndUnreadableBomsExitWith2() throws Exception {
    Path notBom = Files.writeString(tmp.resolve("x.json"), "{\"bomFormat\":\"SPDX\"}");
    Run bad = CliTest.runWith(new Main(), "bom", "find", "--sha256", hex, notBom.toString());
    assertEquals(2, bad.exit());
    assertEquals(
        "safeload: " + notBom + ": not a CycloneDX JSON BOM: bomFormat is not CycloneDX\n",
        bad.err());
    assertEquals(
        2, CliTest.runWith(new Main(), "bom", "find", "--sha256", "abc", notBom.toString()).exit());
    assertEquals(
        2,
        CliTest.runWith(new Main(), "bom", "find", "--sha256", hex, tmp.resolve("none").toString())
            .exit());
    assertEquals(2, CliTest.runWith(new Main(), "bom", tmp.resolve("missing").toString()).exit());
    assertEquals(
        2,
        CliTest.runWith(
                new Main(), "bom", "--pins", tmp.resolve("no.pins").toString(), dir.toString())
            .exit());
    Run noPath = CliTest.runWith(new Main(), "bom");
    assertEquals(2, noPath.exit());
    assertTrue(noPath.err().startsWith("safeload: bom needs a model PATH"), noPath.err());
    Run help = CliTest.runWith(new Main(), "bom", "find", "--help");
    assertEquals(0, help.exit(), help.err());
    assertTrue(help.out().contains("--sha256=HEX"), help.out());
  }
}
