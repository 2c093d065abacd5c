package dev.safeload.junit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.platform.commons.PreconditionViolationException;

/**
 * A parameter source over the entries of a directory, configured from its annotation: each path is
 * one argument, sorted, never none.
 */
abstract class DirectoryArguments implements ArgumentsProvider {
  private String directory = "";
  private String glob = "";

  /**
   * Takes the annotation's directory and glob; fails at once on a JUnit older than the kit
   * supports.
   */
  final void configure(String directory, String glob) {
    JUnitVersion.require();
    this.directory = directory;
    this.glob = glob;
  }

  /** The entries this source passes for {@code dir} and {@code glob}. */
  abstract List<Path> list(Path dir, String glob);

  /**
   * One argument per entry, named after the entry's path relative to the directory, so that each
   * case shows as {@code [3] llama/model.safetensors}. This is the method JUnit 5.10 calls; later
   * versions call it through their default {@code provideArguments(ParameterDeclarations,
   * ExtensionContext)}, so overriding it (and only it) keeps one provider for every supported
   * JUnit.
   */
  @Override
  @SuppressWarnings("deprecation")
  public final Stream<? extends Arguments> provideArguments(ExtensionContext context) {
    Path dir = Path.of(directory);
    // Listed when JUnit consumes the stream, not in this call: JUnit 6 reports an exception thrown
    // by
    // this (deprecated) method as a provider defect, which would hide the message saying what is
    // wrong.
    return Stream.of(dir)
        .flatMap(d -> list(d, glob).stream())
        .map(p -> Arguments.of(Named.of(name(dir, p), p)));
  }

  /** The case name: the path relative to the directory, {@code /}-separated. */
  static String name(Path dir, Path entry) {
    return dir.relativize(entry).toString().replace(entry.getFileSystem().getSeparator(), "/");
  }

  /**
   * The entries under {@code dir} down to {@code depth} whose path relative to {@code dir} matches
   * {@code glob}: files and links, and directories too if {@code withDirectories}.
   *
   * @param source the annotation, for messages
   * @throws PreconditionViolationException if {@code dir} is not a directory or nothing matches
   */
  static List<Path> entries(
      String source, Path dir, String glob, int depth, boolean withDirectories) {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new PreconditionViolationException(
          source + ": " + dir.toAbsolutePath() + " is not a directory");
    }
    PathMatcher matcher = dir.getFileSystem().getPathMatcher("glob:" + glob);
    List<Path> found;
    // Files.walk does not follow links: a link is an entry of its own, passed on for the loader to
    // judge.
    try (Stream<Path> all = Files.walk(dir, depth)) {
      found =
          all.filter(p -> !p.equals(dir))
              .filter(p -> withDirectories || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
              .filter(p -> matcher.matches(dir.relativize(p)))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(source + ": cannot list " + dir, e);
    }
    if (found.isEmpty()) {
      throw new PreconditionViolationException(
          source
              + ": nothing under "
              + dir.toAbsolutePath()
              + " matches "
              + glob
              + "; a gate that checks nothing would always pass");
    }
    return found;
  }
}
