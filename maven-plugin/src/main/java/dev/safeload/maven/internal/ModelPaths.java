package dev.safeload.maven.internal;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Expands the {@code <models>} entries of the plugin's configuration into model paths. An entry is
 * a path relative to the project's base directory (a model file or a model directory) or a glob
 * over such paths ({@code models/*}, {@code src/main/resources/**&#47;*.safetensors}); every file
 * or directory a glob matches is one model.
 *
 * <p>Fails closed: an entry that names nothing is an error, not an empty gate, so a typo or a moved
 * directory cannot turn the check off. An entry may not leave the base directory.
 */
public final class ModelPaths {
  private ModelPaths() {}

  /**
   * The model paths the entries name, in entry order, each once.
   *
   * @throws IllegalArgumentException if an entry is empty, absolute, leaves the base directory or
   *     matches nothing
   * @throws IOException if a directory cannot be listed
   */
  public static List<Path> expand(Path basedir, List<String> entries) throws IOException {
    Path base = basedir.toAbsolutePath().normalize();
    List<Path> out = new ArrayList<>();
    for (String entry : entries) {
      String e = entry.strip().replace('\\', '/');
      if (e.isEmpty()) {
        throw new IllegalArgumentException("an empty <model> entry");
      }
      if (e.startsWith("/") || Path.of(e).isAbsolute()) {
        throw new IllegalArgumentException(
            "<model>" + entry + "</model>: give a path relative to the project");
      }
      List<Path> found = isGlob(e) ? glob(base, e) : literal(base, e);
      if (found.isEmpty()) {
        throw new IllegalArgumentException(
            "<model>" + entry + "</model> matches no file or directory under " + base);
      }
      for (Path p : found) {
        if (!out.contains(p)) {
          out.add(p);
        }
      }
    }
    return out;
  }

  private static boolean isGlob(String e) {
    return e.indexOf('*') >= 0 || e.indexOf('?') >= 0 || e.indexOf('[') >= 0 || e.indexOf('{') >= 0;
  }

  private static List<Path> literal(Path base, String e) {
    Path p = inside(base, e);
    return Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? List.of(p) : List.of();
  }

  /**
   * Walks from the longest directory prefix without wildcards, matching paths relative to the base.
   */
  private static List<Path> glob(Path base, String e) throws IOException {
    String[] parts = e.split("/");
    StringBuilder prefix = new StringBuilder();
    for (String part : parts) {
      if (isGlob(part)) {
        break;
      }
      prefix.append(part).append('/');
    }
    Path start = prefix.length() == 0 ? base : inside(base, prefix.toString());
    if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + e);
    TreeSet<Path> hits = new TreeSet<>();
    // The walk does not follow links; the loader refuses linked components anyway.
    try (Stream<Path> s = Files.walk(start)) {
      s.filter(p -> !p.equals(base) && m.matches(base.relativize(p))).forEach(hits::add);
    } catch (java.io.UncheckedIOException x) {
      throw x.getCause();
    }
    // A matched directory is one model: the files under it are its own, not models of their own.
    List<Path> out = new ArrayList<>();
    for (Path p : hits) {
      if (out.stream().noneMatch(p::startsWith)) {
        out.add(p);
      }
    }
    return out;
  }

  private static Path inside(Path base, String e) {
    Path p = base.resolve(e).normalize();
    if (!p.startsWith(base)) {
      throw new IllegalArgumentException("<model>" + e + "</model> leaves the project directory");
    }
    return p;
  }
}
