package dev.safeload.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --signature} option shared by {@code sign} and {@code verify}: both must agree on where the
 * signature lives, so the name, default and help text are declared once.
 */
final class SignatureFileOption {
  @Option(names = "--signature", paramLabel = "NAME", defaultValue = "model.sig",
      description = "Signature file name inside the model directory (default: ${DEFAULT-VALUE}).")
  String name;
}
