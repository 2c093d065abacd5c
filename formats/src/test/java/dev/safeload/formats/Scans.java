package dev.safeload.formats;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Test helpers: scan like a user would, and locate fixtures and shared vectors. */
public final class Scans {
  private Scans() {}

  /** Scans a file or directory with the default (strict) policy. */
  public static ScanReport scan(Path path) {
    return scan(path, LoadPolicy.strict());
  }

  public static ScanReport scan(Path path, LoadPolicy policy) {
    try {
      return SafeModelLoader.builder().policy(policy).build().scan(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The reason codes of all findings, sorted and deduplicated. */
  public static Set<String> reasons(ScanReport r) {
    return r.findings().stream()
        .map(f -> f.reason().code())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Writes bytes under a name and scans them. */
  public static ScanReport scanBytes(Path dir, String name, byte[] bytes) {
    try {
      Path p = dir.resolve(name);
      Files.write(p, bytes);
      return scan(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String describe(ScanReport r) {
    return r.findings().stream().map(Finding::toString).collect(Collectors.joining("; "));
  }

  /** A committed test resource. */
  public static Path resource(String name) {
    try {
      return Path.of(Objects.requireNonNull(Scans.class.getResource("/" + name), name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** All files below a directory, sorted. */
  public static List<Path> files(Path dir) {
    try (var s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
