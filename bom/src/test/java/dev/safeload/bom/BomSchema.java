package dev.safeload.bom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.safeload.testing.SharedVectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The official CycloneDX 1.6 JSON schema, read in place from the shared vectors (never copied into
 * the repository), and the official example BOMs beside it. Without the vectors, on CI ({@code
 * CI=true}) every use fails; elsewhere a test that needs them ({@link #vectors}) is skipped with a
 * message, and {@link #assertValid} says once on stderr that it cannot check, so that the writer
 * tests still make their exact assertions.
 */
public final class BomSchema {
  private static final String ID_BASE = "http://cyclonedx.org/schema/";
  private static Schema schema;
  private static boolean missingReported;

  private BomSchema() {}

  /** Fails with every schema error unless {@code bom} is a valid CycloneDX 1.6 document. */
  public static void assertValid(byte[] bom) {
    if (schema() == null) {
      return;
    }
    List<Error> errors =
        schema().validate(new String(bom, StandardCharsets.UTF_8), InputFormat.JSON);
    assertEquals(
        List.of(),
        errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList(),
        () -> "not valid CycloneDX 1.6:\n" + new String(bom, StandardCharsets.UTF_8));
  }

  private static synchronized Schema schema() {
    if (schema == null && !missingReported) {
      if (!SharedVectors.present("cyclonedx/schema") && !SharedVectors.onCi()) {
        missingReported = true;
        System.err.println(
            "[BomSchema] CycloneDX schema not found under -D"
                + SharedVectors.PROPERTY
                + ": BOMs in these tests are NOT schema-checked (on CI this fails)");
        return null;
      }
      Path dir = SharedVectors.dir("cyclonedx/schema");
      // bom-1.6.schema.json refers to spdx.schema.json and jsf-0.82.schema.json relative to its
      // $id;
      // all three are read from the vectors in place, and nothing is fetched from the network.
      Map<String, String> byId = new HashMap<>();
      for (String name :
          List.of("bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json")) {
        try {
          byId.put(ID_BASE + name, Files.readString(dir.resolve(name)));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      SchemaRegistry registry =
          SchemaRegistry.withDefaultDialect(
              SpecificationVersion.DRAFT_7,
              b ->
                  b.schemas(byId)
                      .schemaLoader(l -> l.fetchRemoteResources(false))
                      .schemaRegistryConfig(
                          SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
      schema = registry.getSchema(SchemaLocation.of(ID_BASE + "bom-1.6.schema.json"));
    }
    return schema;
  }
}
