package dev.safeload.verify.attestation;

import static org.junit.jupiter.api.Assertions.fail;

import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/** The shared vectors (read in place) and digested models built as the loader builds them. */
final class Models {
  private Models() {}

  /** A directory under {@code safeload.vectors}; skipped when absent, failed when absent on CI. */
  static Path vectors(String sub) {
    String base = System.getProperty("safeload.vectors");
    Path p = base == null ? null : Path.of(base, sub);
    if (p == null || !Files.isDirectory(p)) {
      if ("true".equals(System.getenv("CI"))) {
        fail("shared vectors missing: " + p);
      }
      Assumptions.assumeTrue(false, "shared vectors not found at " + p + "; skipping");
    }
    try {
      return p.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] digest(String alg, byte[] b) {
    try {
      return MessageDigest.getInstance(alg, "SUN").digest(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A model of named contents. {@code sha512} says whether it can compute SHA-512 on request, as
   * the loader's model can; {@code sha512Calls} counts the requests.
   */
  static DigestedModel of(
      Map<String, byte[]> contents, boolean directory, boolean sha512, AtomicInteger sha512Calls) {
    Map<String, byte[]> copy = new LinkedHashMap<>(contents);
    List<DigestedFile> files =
        copy.entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(
                e ->
                    new DigestedFile(
                        e.getKey(),
                        e.getValue().length,
                        Sha256.of(digest("SHA-256", e.getValue()))))
            .toList();
    return new DigestedModel() {
      @Override
      public boolean isDirectory() {
        return directory;
      }

      @Override
      public List<DigestedFile> files() {
        return files;
      }

      @Override
      public Optional<DigestedFile> file(String name) {
        return files.stream().filter(f -> f.name().equals(name)).findFirst();
      }

      @Override
      public Optional<ByteBuffer> sideFile(String name) {
        return Optional.empty();
      }

      @Override
      public Optional<byte[]> sha512(String name) {
        sha512Calls.incrementAndGet();
        byte[] b = copy.get(name);
        return !sha512 || b == null ? Optional.empty() : Optional.of(digest("SHA-512", b));
      }
    };
  }

  /** A single-file model of {@code file}'s bytes, able to give SHA-512. */
  static DigestedModel file(Path file) throws IOException {
    return of(
        Map.of(file.getFileName().toString(), Files.readAllBytes(file)),
        false,
        true,
        new AtomicInteger());
  }
}
