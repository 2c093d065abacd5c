package dev.safeload.cli;

import dev.safeload.PolicyFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The policy file ({@code safeload.json}, {@link PolicyFile}) of {@code scan}, {@code verify},
 * {@code pin}, {@code sign} and {@code bom}: the one named by {@code --policy}, else the one {@link
 * PolicyFile#find} finds for the first path (above the model directory, up to the git root; never
 * inside the model), unless {@code --no-policy}. Options typed on the command line add to what the
 * file says.
 */
final class PolicyOption {
  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = {
        "Policy file (safeload.json) to apply. Default: safeload.json above the model directory",
        "(a model file's own directory or above), up to the git repository root; never one inside the model."
      })
  @Nullable Path file;

  @Option(
      names = "--no-policy",
      description = "Apply no policy file, not even one found above the model.")
  boolean none;

  /**
   * The policy file in force for {@code paths}.
   *
   * @throws IOException if the named file cannot be read
   * @throws IllegalArgumentException if it is not a valid policy file
   */
  Optional<PolicyFile> resolve(List<String> paths) throws IOException {
    if (file != null) {
      return Optional.of(PolicyFile.read(file));
    }
    if (none || paths.isEmpty()) {
      return Optional.empty();
    }
    Optional<Path> found = PolicyFile.find(Path.of(paths.get(0)));
    return found.isEmpty() ? Optional.empty() : Optional.of(PolicyFile.read(found.get()));
  }
}
