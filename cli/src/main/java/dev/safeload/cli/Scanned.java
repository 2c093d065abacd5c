package dev.safeload.cli;

import dev.safeload.FileReport;
import dev.safeload.ScanReport;
import java.util.List;

/**
 * One scanned command-line argument.
 *
 * @param argument the path as the user typed it, used to name files in output
 * @param directory whether it was a model directory (files are then named {@code argument/name})
 * @param report what the loader found
 */
record Scanned(String argument, boolean directory, ScanReport report) {

  /** Files present in the model that an ignore pattern left out, sorted. */
  List<String> ignored() {
    return report.ignoredFiles();
  }

  /** The path to show for a file of this report. */
  String display(FileReport file) {
    return display(file.name());
  }

  /**
   * The path to show for a file named {@code file} (relative to the model), or for the model
   * itself.
   */
  String display(String file) {
    return directory
        ? (argument.endsWith("/") ? argument + file : argument + "/" + file)
        : argument;
  }
}
