package dev.safeload.cli;

import dev.safeload.FileReport;
import dev.safeload.ScanReport;

/**
 * One scanned command-line argument.
 *
 * @param argument  the path as the user typed it, used to name files in output
 * @param directory whether it was a model directory (files are then named {@code argument/name})
 * @param report    what the loader found
 */
record Scanned(String argument, boolean directory, ScanReport report) {

  /** The path to show for a file of this report. */
  String display(FileReport file) {
    if (!directory) {
      return argument;
    }
    return argument.endsWith("/") ? argument + file.name() : argument + "/" + file.name();
  }

  /** The path to show for a model-level finding naming {@code file} (or the model, if null). */
  String display(String file) {
    return directory ? (argument.endsWith("/") ? argument + file : argument + "/" + file) : argument;
  }
}
