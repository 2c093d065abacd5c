package dev.safeload.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Stand-alone host for {@link SignCommand} and {@link VerifySignatureCommand} until they are wired into
 * the main {@code safeload} command as subcommands.
 */
@Command(name = "safeload", subcommands = {SignCommand.class, VerifySignatureCommand.class},
    mixinStandardHelpOptions = true, description = "Sign and verify models (OpenSSF Model Signing).")
public final class SignatureTool {
  private SignatureTool() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (for tests). */
  public static int run(String... args) {
    return new CommandLine(new SignatureTool()).execute(args);
  }
}
