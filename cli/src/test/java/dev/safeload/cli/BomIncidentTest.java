package dev.safeload.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.SafeModelLoader;
import dev.safeload.bom.AiBom;
import dev.safeload.bom.SpdxSchema;
import dev.safeload.cli.CliTest.Run;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.provenance.Signer;
import dev.safeload.provenance.Technique;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bom --format spdx}, {@code bom find} over both formats and a revocation feed, and the
 * licence policy options, through the command line as a user runs them.
 */
class BomIncidentTest {
  @TempDir Path tmp;
  Path dir;
  String hex;

  @BeforeEach
  void licensedModel() throws Exception {
    dir = Files.createDirectory(tmp.resolve("st"));
    byte[] bytes =
        DemoSamples.safetensors(
            "{\"__metadata__\":{\"license\":\"Apache-2.0\"},"
                + "\"w\":{\"dtype\":\"U8\",\"shape\":[64],\"data_offsets\":[0,64]}}",
            64);
    Files.write(dir.resolve("model.safetensors"), bytes);
    hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256", "SUN").digest(bytes));
  }

  @Test
  void spdxBomValidatesAndFindLocatesItsFile() throws Exception {
    Path out = tmp.resolve("st.spdx.json");
    Run r =
        CliTest.runWith(
            new Main(), "bom", dir.toString(), "--format", "spdx", "-o", out.toString());
    assertEquals(0, r.exit(), r.err());
    byte[] json = Files.readAllBytes(out);
    SpdxSchema.assertValid(json);
    JsonNode doc = JsonMapper.builder().build().readTree(json);
    assertEquals("https://spdx.org/rdf/3.0.1/spdx-context.jsonld", doc.get("@context").asString());
    assertTrue(
        new String(json, UTF_8).contains("\"simplelicensing_licenseExpression\":\"Apache-2.0\""));

    Run find = CliTest.runWith(new Main(), "bom", "find", "--sha256", hex, out.toString());
    assertEquals(0, find.exit(), find.err());
    String id = doc.at("/@graph/0").isMissingNode() ? "" : "urn:uuid:";
    assertTrue(find.out().startsWith(out + ": st / model.safetensors (" + id), find.out());
    assertTrue(find.out().endsWith("/file-1), loaded from " + dir + "\n"), find.out());
    assertEquals(
        1,
        CliTest.runWith(new Main(), "bom", "find", "--sha256", "00".repeat(32), out.toString())
            .exit());
  }

  @Test
  void revocationFeedListsEveryBomNamingARevokedDigestOrSigner() throws Exception {
    Path boms = Files.createDirectory(tmp.resolve("boms"));
    Path cdx = boms.resolve("host1.cdx.json");
    Path spdx = Files.createDirectories(boms.resolve("eu")).resolve("host2.spdx.json");
    assertEquals(
        0, CliTest.runWith(new Main(), "bom", dir.toString(), "-o", cdx.toString()).exit());
    assertEquals(
        0,
        CliTest.runWith(
                new Main(), "bom", dir.toString(), "--format", "spdx", "-o", spdx.toString())
            .exit());
    // A model signed by alice, written by the library (the CLI's bom records pins only).
    Path other = Files.createDirectory(tmp.resolve("other"));
    Files.write(
        other.resolve("w.safetensors"),
        DemoSamples.safetensors(
            "{\"w\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[0,8]}}", 8));
    ProvenanceVerifier alice =
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
                    .file(m.file("w.safetensors").orElseThrow())
                    .build());
          }
        };
    var report = SafeModelLoader.builder().verifier(alice).build().scan(other);
    Path signed = boms.resolve("host3.cdx.json");
    Files.write(signed, AiBom.builder().add(report).build().toByteArray());
    Files.writeString(boms.resolve("models.pins.json"), "{\"version\":1}"); // not a BOM: skipped

    Path feed =
        Files.writeString(
            tmp.resolve("revoked.json"),
            "{\"version\":1,\"revoked\":["
                + "{\"sha256\":\""
                + hex
                + "\",\"reason\":\"poisoned weights, incident 42\"},"
                + "{\"identity\":\"alice@example.com\",\"issuer\":\"https://accounts.example.com\",\"reason\":\"key compromise\"}]}");
    Run r =
        CliTest.runWith(new Main(), "bom", "find", "--revoked", feed.toString(), boms.toString());
    assertEquals(1, r.exit(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(3, lines.size(), r.out());
    assertEquals(
        spdx + ": st / model.safetensors (",
        lines.get(0).substring(0, (spdx + ": st / model.safetensors (").length()));
    assertTrue(
        lines
            .get(0)
            .endsWith(
                ", loaded from "
                    + dir
                    + ": revoked digest "
                    + hex
                    + ": poisoned weights, incident 42"),
        lines.get(0));
    assertEquals(
        cdx
            + ": st / model.safetensors (file:sha256:"
            + hex
            + "), loaded from "
            + dir
            + ": revoked digest "
            + hex
            + ": poisoned weights, incident 42",
        lines.get(1));
    assertTrue(
        lines.get(2).startsWith(signed + ": other / w.safetensors (file:sha256:"), lines.get(2));
    assertTrue(
        lines
            .get(2)
            .endsWith(
                ", loaded from "
                    + other
                    + ": revoked signer alice@example.com "
                    + "(https://accounts.example.com): key compromise"),
        lines.get(2));
    assertEquals(
        "safeload: "
            + boms.resolve("models.pins.json")
            + ": skipped, not a CycloneDX or SPDX BOM\n",
        r.err());

    Path clean =
        Files.writeString(
            tmp.resolve("clean.json"),
            "{\"version\":1,\"revoked\":["
                + "{\"sha256\":\""
                + "00".repeat(32)
                + "\",\"reason\":\"other\"}]}");
    Run none =
        CliTest.runWith(new Main(), "bom", "find", "--revoked", clean.toString(), boms.toString());
    assertEquals(0, none.exit(), none.err());
    assertEquals("", none.out());
  }

  @Test
  void anUnreadableFeedOrBomIsExit2() throws Exception {
    Path boms = Files.createDirectory(tmp.resolve("boms"));
    Path feed = Files.writeString(tmp.resolve("revoked.json"), "{\"version\":1,\"revoked\":[]}");
    Files.writeString(
        boms.resolve("broken.spdx.json"),
        "{\"@context\":\"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\"}");
    Run r =
        CliTest.runWith(new Main(), "bom", "find", "--revoked", feed.toString(), boms.toString());
    assertEquals(2, r.exit());
    assertEquals(
        "safeload: "
            + boms.resolve("broken.spdx.json")
            + ": not an SPDX 3.0.1 document: no @graph\n",
        r.err());
    Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"version\":2,\"revoked\":[]}");
    Run badFeed =
        CliTest.runWith(new Main(), "bom", "find", "--revoked", bad.toString(), boms.toString());
    assertEquals(2, badFeed.exit());
    assertTrue(
        badFeed.err().startsWith("safeload: cannot use the revocation feed: "), badFeed.err());
    Run both =
        CliTest.runWith(
            new Main(),
            "bom",
            "find",
            "--revoked",
            feed.toString(),
            "--sha256",
            hex,
            boms.toString());
    assertEquals(2, both.exit());
    Path notBom = Files.writeString(tmp.resolve("x.json"), "{}");
    Run named = CliTest.runWith(new Main(), "bom", "find", "--sha256", hex, notBom.toString());
    assertEquals(2, named.exit());
    assertEquals(
        "safeload: "
            + notBom
            + ": neither a CycloneDX BOM (no bomFormat) nor an SPDX 3.0.1 document (no @context)\n",
        named.err());
  }

  @Test
  void licencePolicyOnScanAndVerify() throws Exception {
    Run any = CliTest.runWith(new Main(), "scan", "--json", dir.toString());
    assertEquals(0, any.exit(), any.err());
    JsonNode json = JsonMapper.builder().build().readTree(any.out());
    assertEquals("Apache-2.0", json.at("/files/0/licenses/0/expression").asString());
    assertEquals("__metadata__.license", json.at("/files/0/licenses/0/field").asString());
    Run table = CliTest.runWith(new Main(), "scan", dir.toString());
    assertTrue(
        table
            .out()
            .contains(
                "licence declared: "
                    + dir
                    + "/model.safetensors: Apache-2.0 (__metadata__.license)"),
        table.out());

    Run allowed =
        CliTest.runWith(
            new Main(),
            "scan",
            "--allow-license",
            "MIT",
            "--allow-license",
            "apache-2.0",
            dir.toString());
    assertEquals(0, allowed.exit(), allowed.out() + allowed.err());
    Run refused =
        CliTest.runWith(new Main(), "scan", "--json", "--allow-license", "MIT", dir.toString());
    assertEquals(1, refused.exit());
    assertEquals(
        "LICENSE_NOT_ALLOWED",
        JsonMapper.builder()
            .build()
            .readTree(refused.out())
            .at("/files/0/findings/0/reason")
            .asString());

    Run pin = CliTest.runWith(new Main(), "pin", dir.toString());
    Path pins = Files.writeString(tmp.resolve("st.pins.json"), pin.out());
    Run verify =
        CliTest.runWith(
            new Main(),
            "verify",
            "--pins",
            pins.toString(),
            "--allow-license",
            "GPL-3.0-only",
            dir.toString());
    assertEquals(1, verify.exit(), verify.out() + verify.err());
    assertTrue(verify.out().contains("LICENSE_NOT_ALLOWED"), verify.out());
    Run ok =
        CliTest.runWith(
            new Main(),
            "verify",
            "--pins",
            pins.toString(),
            "--allow-license",
            "Apache-2.0",
            dir.toString());
    assertEquals(0, ok.exit(), ok.out() + ok.err());

    Run bad = CliTest.runWith(new Main(), "scan", "--allow-license", "MIT,", dir.toString());
    assertEquals(2, bad.exit());
    assertTrue(bad.err().startsWith("safeload: ") && bad.err().lines().count() == 1, bad.err());
  }

  /**
   * A BOM is another party's document: the names, references and sources {@code bom find} prints
   * from it, and the reason a feed gives, could hold escape sequences that drive the terminal
   * (clear the screen, recolour, retitle) or a line break that forges a line of the answer. They
   * are printed with control characters replaced, as the scan table prints file names.
   */
  @Test
  void bomFindPrintsNoControlCharacterFromABom() throws Exception {
    Path cdx = tmp.resolve("st.cdx.json");
    assertEquals(
        0, CliTest.runWith(new Main(), "bom", dir.toString(), "-o", cdx.toString()).exit());
    String json = Files.readString(cdx);
    assertTrue(json.contains("\"name\":\"model.safetensors\""), json);
    Files.writeString(
        cdx,
        json.replace(
            "\"name\":\"model.safetensors\"",
            "\"name\":\"model\\u001b]0;owned\\u0007\\u001b[2J\\nother.cdx.json: fake\""));
    Run find = CliTest.runWith(new Main(), "bom", "find", "--sha256", hex, cdx.toString());
    assertEquals(0, find.exit(), find.err());
    assertEquals(1, find.out().lines().count(), find.out());
    assertTrue(find.out().chars().noneMatch(c -> c < 0x20 && c != '\n'), find.out());
    assertTrue(find.out().contains("model?]0;owned??[2J?other.cdx.json: fake"), find.out());

    Path feed = tmp.resolve("revoked.json");
    Files.writeString(
        feed,
        "{\"version\":1,\"revoked\":[{\"sha256\":\""
            + hex
            + "\",\"reason\":\"bad\\u001b[2J\\nforged\"}]}");
    Run revoked =
        CliTest.runWith(new Main(), "bom", "find", "--revoked", feed.toString(), cdx.toString());
    assertEquals(1, revoked.exit(), revoked.err());
    assertEquals(1, revoked.out().lines().count(), revoked.out());
    assertTrue(revoked.out().chars().noneMatch(c -> c < 0x20 && c != '\n'), revoked.out());
  }
}
