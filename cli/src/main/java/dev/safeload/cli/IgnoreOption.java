package dev.safeload.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --ignore} option of {@code scan}, {@code verify} and {@code pin}: files of a model directory
 * left out of the model on purpose (documentation in a Hugging Face snapshot), as
 * {@code LoadPolicy.Builder.ignoreFiles} does in code.
 */
final class IgnoreOption {
  @Option(names = "--ignore", paramLabel = "GLOB",
      description = {"Leave files matching GLOB (relative to the model directory, e.g. '*.md',",
          "'.gitattributes') out of the model: not checked, not hashed, not served. Repeatable."})
  List<String> globs = new ArrayList<>();
}
