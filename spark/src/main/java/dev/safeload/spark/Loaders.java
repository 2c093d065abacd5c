package dev.safeload.spark;

import dev.safeload.LoadPolicy;
import dev.safeload.PolicyFile;
import dev.safeload.SafeModelLoader;
import dev.safeload.verify.PinSet;
import dev.safeload.verify.signing.RevocationList;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The loader each executor uses, built once per JVM and options (a loader is immutable and
 * thread-safe, and finding the handlers costs more than scanning a small model).
 */
final class Loaders {
  private static final Map<String, SafeModelLoader> CACHE = new ConcurrentHashMap<>();

  private Loaders() {}

  static SafeModelLoader forOptions(ScanOptions options) {
    // Each task deserializes its own copy of the options: keyed by their content, one loader per
    // distinct policy, so the cache holds one entry per job configuration.
    return CACHE.computeIfAbsent(options.loaderKey(), k -> build(options));
  }

  static SafeModelLoader build(ScanOptions options) {
    SafeModelLoader.Builder b = SafeModelLoader.builder().policy(policy(options.policy()));
    try {
      ScanOptions.NamedBytes pins = options.pins();
      if (pins != null) {
        b.verifier(PinSet.parse(pins.bytes(), pins.name()));
      }
      ScanOptions.NamedBytes feed = options.revocations();
      if (feed != null) {
        b.verifier(RevocationList.parse(feed.bytes()));
      }
    } catch (IOException | SignatureVerificationException e) {
      // Checked on the driver when the option was set; the same bytes cannot fail here.
      throw new IllegalStateException(e);
    }
    return b.build();
  }

  /**
   * The policy of the policy file's bytes. {@link PolicyFile} reads from a path (it resolves the
   * trust section's paths against it), so the bytes are written to a private temporary file first;
   * the trust paths are not used here (pins and feed travel as bytes of their own).
   */
  private static LoadPolicy policy(ScanOptions.@org.jspecify.annotations.Nullable NamedBytes file) {
    if (file == null) {
      return LoadPolicy.strict();
    }
    try {
      Path dir = Files.createTempDirectory("safeload-policy");
      Path p = dir.resolve(PolicyFile.NAME);
      try {
        Files.write(p, file.bytes());
        return PolicyFile.read(p).policy();
      } finally {
        Files.deleteIfExists(p);
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
