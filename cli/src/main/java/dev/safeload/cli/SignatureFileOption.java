package dev.safeload.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --signature} option shared by {@code sign} and {@code verify}: both must agree on
 * where the signature lives, so the name, default and help text are declared once.
 */
final class SignatureFileOption {
  /** The signature's name when none is given. */
  static final String DEFAULT = "model.sig";

  @Option(
      names = "--signature",
      paramLabel = "NAME",
      defaultValue = DEFAULT,
      description = "Signature file name inside the model directory (default: ${DEFAULT-VALUE}).")
  String name;
}
