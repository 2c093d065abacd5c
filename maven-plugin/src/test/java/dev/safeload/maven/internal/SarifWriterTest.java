package dev.safeload.maven.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.safeload.ScanReport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SARIF written is valid against the official SARIF 2.1.0 schema, read in place from the
 * vectors.
 */
class SarifWriterTest {
  @TempDir Path base;

  private static final String ID =
      "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

  private static Schema schema() throws Exception {
    Path dir = Path.of(System.getProperty("safeload.vectors", "../../shared/vectors"), "sarif");
    if (!Files.isDirectory(dir)) {
      if ("true".equals(System.getenv("CI"))) {
        fail("shared vectors missing: " + dir);
      }
      Assumptions.assumeTrue(false, "SARIF schema not found at " + dir + "; skipping");
    }
    String text = Files.readString(dir.resolve("sarif-schema-2.1.0.json"));
    SchemaRegistry registry =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_4,
            b ->
                b.schemas(Map.of(ID, text))
                    .schemaLoader(l -> l.fetchRemoteResources(false))
                    .schemaRegistryConfig(
                        SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    return registry.getSchema(SchemaLocation.of(ID));
  }

  private static void assertValid(byte[] sarif) throws Exception {
    List<Error> errors =
        schema().validate(new String(sarif, StandardCharsets.UTF_8), InputFormat.JSON);
    assertEquals(
        List.of(),
        errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList(),
        () -> "not valid SARIF 2.1.0:\n" + new String(sarif, StandardCharsets.UTF_8));
  }

  private byte[] sarif(List<ScanReport> reports) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SarifWriter.write(out, base, reports, "1.2.3");
    return out.toByteArray();
  }

  @Test
  void rejectedModelGivesOneRuleAndALocatedResult() throws Exception {
    Models.write(base, "models/bad dir/model.safetensors", Models.DUPLICATE_KEY);
    Models.write(base, "models/good/model.safetensors", Models.CLEAN);
    Gate gate = Gate.of(Gate.Settings.scan());
    byte[] out =
        sarif(
            List.of(
                gate.check(base.resolve("models/bad dir")).report(),
                gate.check(base.resolve("models/good")).report()));
    assertValid(out);
    JsonNode run = JsonMapper.builder().build().readTree(out).get("runs").get(0);
    assertEquals("1.2.3", run.get("tool").get("driver").get("version").asString());
    JsonNode rules = run.get("tool").get("driver").get("rules");
    assertEquals(SarifWriter.RULES.size(), rules.size());
    assertEquals(1, run.get("results").size());
    JsonNode r = run.get("results").get(0);
    assertEquals("SAFETENSORS_DUPLICATE_KEY", r.get("ruleId").asString());
    assertEquals(
        "SAFETENSORS_DUPLICATE_KEY", rules.get(r.get("ruleIndex").asInt()).get("id").asString());
    assertEquals(
        "file://" + base.toAbsolutePath().normalize().toUri().getRawPath(),
        run.get("originalUriBaseIds").get("PROJECTROOT").get("uri").asString());
    JsonNode loc = r.get("locations").get(0).get("physicalLocation");
    assertEquals(
        "models/bad%20dir/model.safetensors", loc.get("artifactLocation").get("uri").asString());
    assertEquals("PROJECTROOT", loc.get("artifactLocation").get("uriBaseId").asString());
    assertEquals(true, loc.get("region").get("byteOffset").asLong() > 8);
  }

  /** The rules are every documented code, and only those (as the CLI's). */
  @Test
  void rulesAreEveryDocumentedCode() throws Exception {
    String doc = Files.readString(Path.of("../docs/REASONS.md"));
    java.util.Set<String> documented = new java.util.TreeSet<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?m)^\\| `([A-Z0-9_]+)` \\| (api|formats|verify) \\|")
            .matcher(doc);
    while (m.find()) {
      documented.add(m.group(1));
    }
    java.util.Set<String> listed = new java.util.TreeSet<>();
    SarifWriter.RULES.forEach(c -> listed.add(c.code()));
    assertEquals(documented, listed);
  }

  @Test
  void theSchemaCheckRejectsAnInvalidLog() throws Exception {
    // The validator is live: a log with a wrong version and a result without a message fails it.
    String bad =
        "{\"version\":\"2.0.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"x\"}},"
            + "\"results\":[{\"ruleId\":\"R\"}]}]}";
    assertEquals(true, schema().validate(bad, InputFormat.JSON).size() >= 2);
  }

  @Test
  void acceptedModelsGiveAnEmptyValidRun() throws Exception {
    Models.write(base, "m.safetensors", Models.CLEAN);
    byte[] out =
        sarif(List.of(Gate.of(Gate.Settings.scan()).check(base.resolve("m.safetensors")).report()));
    assertValid(out);
    assertEquals(
        0, JsonMapper.builder().build().readTree(out).get("runs").get(0).get("results").size());
  }

  @Test
  void aSingleFileModelPointsAtTheFile() throws Exception {
    Models.write(base, "dir/m.safetensors", Models.DUPLICATE_KEY);
    byte[] out =
        sarif(
            List.of(
                Gate.of(Gate.Settings.scan()).check(base.resolve("dir/m.safetensors")).report()));
    assertValid(out);
    JsonNode r =
        JsonMapper.builder().build().readTree(out).get("runs").get(0).get("results").get(0);
    assertEquals(
        "dir/m.safetensors",
        r.get("locations")
            .get(0)
            .get("physicalLocation")
            .get("artifactLocation")
            .get("uri")
            .asString());
  }
}
