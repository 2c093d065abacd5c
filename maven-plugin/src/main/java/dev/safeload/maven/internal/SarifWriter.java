package dev.safeload.maven.internal;

import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.ScanReport;
import dev.safeload.bom.sarif.SarifLog;
import dev.safeload.formats.FormatReason;
import dev.safeload.verify.VerifyReason;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The plugin's SARIF report: the shared {@link SarifLog} (the CLI writes the same), with every
 * built-in reason code as a rule and locations relative to the project's base directory ({@code
 * PROJECTROOT}).
 */
public final class SarifWriter {
  /**
   * Every reason code safeload itself reports, in the order of {@code docs/REASONS.md} (the
   * engine's, then each module's); {@code SarifWriterTest} checks it against that file.
   */
  static final List<ReasonCode> RULES = rules();

  private SarifWriter() {}

  private static List<ReasonCode> rules() {
    List<ReasonCode> all = new ArrayList<>(List.of(Reason.values()));
    all.addAll(List.of(FormatReason.values()));
    all.addAll(List.of(VerifyReason.values()));
    return List.copyOf(all);
  }

  /**
   * Writes the SARIF log (UTF-8 JSON and a newline) for {@code reports}, with locations relative to
   * {@code root}. The stream is not closed.
   *
   * @param toolVersion the plugin's version, or null when unknown
   */
  public static void write(
      OutputStream out, Path root, List<ScanReport> reports, @Nullable String toolVersion) {
    SarifLog.Builder log = SarifLog.builder(toolVersion).rules(RULES).projectRoot(root);
    reports.forEach(log::model);
    log.build().writeTo(out);
  }
}
