package dev.safeload.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;
import dev.safeload.spark.SparkReason;
import dev.safeload.verify.VerifyReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/REASONS.md} equal to the reason-code enums of every module, so the documented
 * codes are the real ones. The engine's codes live in the api's {@link Reason}; each module's own
 * codes live in that module ({@link FormatReason}, {@link VerifyReason}), so a new format does not
 * edit the api. This module sees them all. To update the document after adding codes: run this
 * test, then copy {@code integration/target/REASONS.md} over {@code docs/REASONS.md}.
 */
class ReasonsDocTest {

  /** One module's codes. */
  record Source(String module, Class<? extends ReasonCode> codes) {
    ReasonCode[] values() {
      return codes.getEnumConstants();
    }
  }

  /** Every module's reason enum, in the order of the document. */
  static final List<Source> SOURCES =
      List.of(
          // split-reasons:begin (this list is kept in step by the split-reasons script)
          new Source("api", Reason.class),
          new Source("formats", FormatReason.class),
          new Source("verify", VerifyReason.class),
          new Source("spark", SparkReason.class)
          // split-reasons:end
          );

  static String render() {
    StringBuilder sb =
        new StringBuilder()
            .append("# Reason codes\n\n")
            .append(
                "Every rejection carries one of these codes. Codes are stable: never renamed, removed\n")
            .append(
                "or given another meaning. The engine's own codes are `dev.safeload.Reason` (module api);\n")
            .append(
                "each module declares the codes it reports in its own enum (`dev.safeload.formats.FormatReason`,\n")
            .append(
                "`dev.safeload.verify.VerifyReason`). Handlers added through the SPI bring their own codes\n")
            .append("the same way (an enum implementing `ReasonCode`).\n\n")
            .append("| code | module | meaning |\n|---|---|---|\n");
    for (Source s : SOURCES) {
      for (ReasonCode r : s.values()) {
        sb.append("| `")
            .append(r.code())
            .append("` | ")
            .append(s.module())
            .append(" | ")
            .append(r.description().replace("|", "\\|"))
            .append(" |\n");
      }
    }
    return sb.toString();
  }

  @Test
  void documentListsEveryCodeWithItsMeaning() throws IOException {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    String expected = render();
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "REASONS.md"), expected, StandardCharsets.UTF_8);
    Path doc = root.resolve("docs/REASONS.md");
    String actual = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
    assertEquals(
        expected,
        actual,
        "docs/REASONS.md is out of date: copy integration/target/REASONS.md over it");
  }

  @Test
  void codesAreTheirNamesDescribedAndUniqueAcrossModules() {
    Map<String, String> seen = new HashMap<>();
    for (Source s : SOURCES) {
      for (ReasonCode r : s.values()) {
        assertEquals(((Enum<?>) r).name(), r.code());
        assertFalse(r.description().isBlank(), r.code());
        String before = seen.put(r.code(), s.module());
        assertTrue(before == null, r.code() + " is declared by " + before + " and " + s.module());
      }
    }
  }

  /** A module that adds its own reason enum must also add it to {@link #SOURCES}. */
  @Test
  void everyReasonEnumOfTheLibraryIsListed() {
    Set<String> found =
        new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.safeload")
                .stream()
                .filter(JavaClass::isEnum)
                .filter(c -> c.isAssignableTo(ReasonCode.class))
                .map(JavaClass::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    Set<String> listed =
        SOURCES.stream()
            .map(s -> s.codes().getName())
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(listed, found);
  }
}
