package dev.safeload.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The report options shared by {@code scan} and {@code verify} ({@code --format}, {@code --output},
 * {@code --verbose}, and {@code --json} as the original spelling of {@code --format json}), and the
 * one place that renders a {@link Report}, so both commands print results the same way.
 */
final class ReportOption {
  /** The report renderings. */
  enum Format {
    TABLE,
    JSON,
    SARIF
  }

  @Option(names = "--json", description = "Same as --format json.")
  boolean json;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      converter = FormatConverter.class,
      description = {
        "Report format: table (default), json (the stable JSON report) or sarif (SARIF 2.1.0,",
        "one rule per reason code, for code scanning)."
      })
  @Nullable Format format;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = {
        "Write the report to FILE instead of stdout. With json or sarif, the table still goes",
        "to stdout for people reading the CI log."
      })
  @Nullable Path output;

  @Option(
      names = {"-v", "--verbose"},
      description = "Tables list every finding in full, one row each.")
  boolean verbose;

  /** The format in force: {@code --format}, else {@code --json}, else the table. */
  Format format() {
    if (format != null) {
      return format;
    }
    return json ? Format.JSON : Format.TABLE;
  }

  /**
   * Renders {@code report} as asked: to {@code --output} if given, else to {@code out}.
   *
   * @return whether a table was printed to {@code out}, after which a command may add its own
   *     summary lines
   * @throws IOException if the output file cannot be written
   */
  boolean write(Report report, PrintWriter out) throws IOException {
    Format f = format();
    if (output != null) {
      try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
        PrintWriter pw = new PrintWriter(w);
        render(f, report, pw);
        pw.flush();
        if (pw.checkError()) {
          throw new IOException(output + ": cannot write the report");
        }
      }
      if (f == Format.TABLE || report.results().isEmpty()) {
        return false;
      }
      TableReport.write(report, out, verbose);
      return true;
    }
    if (f != Format.TABLE) {
      render(f, report, out);
      return false;
    }
    if (report.results().isEmpty()) {
      return false;
    }
    TableReport.write(report, out, verbose);
    return true;
  }

  private void render(Format f, Report report, PrintWriter out) {
    switch (f) {
      case JSON -> JsonReport.write(report, out);
      case SARIF -> SarifReport.write(report, out);
      case TABLE -> TableReport.write(report, out, verbose);
    }
    out.flush();
  }

  /** {@code table}, {@code json} or {@code sarif}, in any case. */
  static final class FormatConverter implements ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      try {
        return Format.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "'" + value + "' is not a report format (table, json, sarif)");
      }
    }
  }
}
