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
 * PolicyFile#find} finds from the current directory up to its git repository root (never one inside
 * a scanned model), unless {@code --no-policy}. Options typed on the command line add to what the
 * file says.
 */
final class PolicyOption {
  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = {
        "Policy file (safeload.json) to apply. Default: safeload.json in the current directory or a",
        "parent up to the git repository root; one inside a scanned model is refused."
      })
  @Nullable Path file;

  @Option(
      names = "--no-policy",
      description = "Apply no policy file, not even one found from the current directory.")
  boolean none;

  /**
   * The policy file in force for {@code paths}, discovery starting at {@code workingDirectory}.
   *
   * @throws IOException if the named file cannot be read
   * @throws IllegalArgumentException if it is not a valid policy file, or the one found lies inside
   *     a scanned model
   */
  Optional<PolicyFile> resolve(List<String> paths, Path workingDirectory) throws IOException {
    if (file != null) {
      return Optional.of(PolicyFile.read(workingDirectory.resolve(file)));
    }
    if (none) {
      return Optional.empty();
    }
    List<Path> models = paths.stream().map(workingDirectory::resolve).toList();
    Optional<Path> found = PolicyFile.find(workingDirectory, models);
    return found.isEmpty() ? Optional.empty() : Optional.of(PolicyFile.read(found.get()));
  }
}
