package dev.safeload.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/REASONS.md} equal to the {@link Reason} enum, so the documented codes are the real
 * ones. To update the document after adding codes: run this test, then copy
 * {@code api/target/REASONS.md} over {@code docs/REASONS.md}.
 */
class ReasonsDocTest {

  static String render() {
    StringBuilder sb = new StringBuilder()
        .append("# Reason codes\n\n")
        .append("Every rejection carries one of these codes (`dev.safeload.Reason`). Codes are stable:\n")
        .append("never renamed, removed or given another meaning. Handlers added through the SPI bring\n")
        .append("their own codes (an enum implementing `ReasonCode`).\n\n")
        .append("| code | meaning |\n|---|---|\n");
    for (Reason r : Reason.values()) {
      sb.append("| `").append(r.code()).append("` | ")
          .append(r.description().replace("|", "\\|")).append(" |\n");
    }
    return sb.toString();
  }

  @Test
  void documentListsEveryCodeWithItsMeaning() throws IOException {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    String expected = render();
    Files.writeString(Path.of("target", "REASONS.md"), expected, StandardCharsets.UTF_8);
    Path doc = root.resolve("docs/REASONS.md");
    String actual = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
    assertEquals(expected, actual,
        "docs/REASONS.md is out of date: copy api/target/REASONS.md over it");
  }
}
