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
import java.util.List;
import java.util.Map;

/**
 * The official SPDX 3.0.1 JSON Schema (draft 2020-12), read in place from the shared vectors
 * ({@code spdx/schema-v3.0.1.json}); missing vectors skip the test, or fail it on CI, as in {@link
 * BomSchema#vectors}. Schema validity is structure only: the SPDX semantics (SHACL) are not checked
 * here.
 */
public final class SpdxSchema {
  private static final String ID = "https://spdx.org/schema/3.0.1/spdx-json-schema.json";
  private static Schema schema;

  private SpdxSchema() {}

  /** Fails with every schema error unless {@code doc} is a valid SPDX 3.0.1 JSON-LD document. */
  public static void assertValid(byte[] doc) {
    List<Error> errors =
        schema().validate(new String(doc, StandardCharsets.UTF_8), InputFormat.JSON);
    assertEquals(
        List.of(),
        errors.stream()
            .limit(20)
            .map(e -> e.getInstanceLocation() + ": " + e.getMessage())
            .toList(),
        () -> "not valid SPDX 3.0.1:\n" + new String(doc, StandardCharsets.UTF_8));
  }

  /** The number of schema errors (for tests that show the schema can fail). */
  public static int errors(byte[] doc) {
    return schema().validate(new String(doc, StandardCharsets.UTF_8), InputFormat.JSON).size();
  }

  private static synchronized Schema schema() {
    if (schema == null) {
      Path file = SharedVectors.dir("spdx").resolve("schema-v3.0.1.json");
      String text;
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      SchemaRegistry registry =
          SchemaRegistry.withDefaultDialect(
              SpecificationVersion.DRAFT_2020_12,
              b ->
                  b.schemas(Map.of(ID, text))
                      .schemaLoader(l -> l.fetchRemoteResources(false))
                      .schemaRegistryConfig(
                          SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
      schema = registry.getSchema(SchemaLocation.of(ID));
    }
    return schema;
  }
}
