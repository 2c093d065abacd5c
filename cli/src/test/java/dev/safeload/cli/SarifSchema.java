package dev.safeload.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.safeload.bom.BomSchema;
import dev.safeload.testing.SharedVectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * The official SARIF 2.1.0 JSON schema (draft 4), read in place from the shared vectors ({@code
 * sarif/sarif-schema-2.1.0.json}); missing vectors skip the test, or fail it on CI ({@link
 * BomSchema#vectors}).
 */
final class SarifSchema {
  private static final String ID =
      "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
  private static Schema schema;

  private SarifSchema() {}

  /** Fails with every schema error unless {@code sarif} is a valid SARIF 2.1.0 log. */
  static void assertValid(String sarif) {
    List<Error> errors = schema().validate(sarif, InputFormat.JSON);
    assertEquals(
        List.of(),
        errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList(),
        () -> "not valid SARIF 2.1.0:\n" + sarif);
  }

  private static synchronized Schema schema() {
    if (schema == null) {
      String text;
      try {
        text = Files.readString(SharedVectors.dir("sarif").resolve("sarif-schema-2.1.0.json"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      SchemaRegistry registry =
          SchemaRegistry.withDefaultDialect(
              SpecificationVersion.DRAFT_4,
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
