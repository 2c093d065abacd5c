package dev.safeload.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --json} option shared by {@code scan} and {@code verify}, and the one place that chooses
 * between the stable JSON report and the table, so both commands print results the same way.
 */
final class ReportOption {
  @Option(names = "--json", description = "Print the stable JSON report instead of a table.")
  boolean json;

  /**
   * Prints {@code results} as JSON or as a table (nothing when there are no results to tabulate).
   *
   * @return whether a table was printed, after which a command may add its own summary lines
   */
  boolean write(List<Scanned> results, PrintWriter out) {
    if (json) {
      JsonReport.write(results, out);
      out.flush();
      return false;
    }
    if (results.isEmpty()) {
      return false;
    }
    TableReport.write(results, out);
    return true;
  }
}
