package dev.safeload.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The {@code --pins} option shared by {@code verify} and {@code bom}: both read the same pin files,
 * so the name and help text are declared once.
 */
final class PinsOption {
  @Option(
      names = "--pins",
      paramLabel = "FILE",
      description = "A pin file: *.pins.json (from 'safeload pin') or sha256sum output.")
  @Nullable Path file;
}
