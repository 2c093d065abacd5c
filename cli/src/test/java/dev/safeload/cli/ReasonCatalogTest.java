package dev.safeload.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.ReasonCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The SARIF rules name every documented code of the library (api, formats, verify), and only those;
 * codes of the Spark job are its own.
 */
class ReasonCatalogTest {
  @Test
  void catalogCoversEveryDocumentedCode() throws IOException {
    String doc = Files.readString(Path.of("../docs/REASONS.md"));
    Set<String> documented = new TreeSet<>();
    Matcher m =
        Pattern.compile("(?m)^\\| `([A-Z0-9_]+)` \\| (api|formats|verify) \\|").matcher(doc);
    while (m.find()) {
      documented.add(m.group(1));
    }
    Set<String> listed = new TreeSet<>();
    for (ReasonCode c : ReasonCatalog.all()) {
      listed.add(c.code());
    }
    assertEquals(documented, listed);
  }
}
