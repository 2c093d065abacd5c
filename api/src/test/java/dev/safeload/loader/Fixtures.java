package dev.safeload.loader;

import dev.safeload.LoadPolicy;
import dev.safeload.SafeModelLoader;
import dev.safeload.toy.ToyHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Shared set-up for the loader tests: a loader that knows the toy format, and file helpers. */
final class Fixtures {
  private Fixtures() {}

  /** Strict policy plus the toy format, without provenance. */
  static LoadPolicy.Builder unpinnedToyPolicy() {
    return LoadPolicy.strict().toBuilder().allowFormat("toy").allowUnpinnedFiles();
  }

  static SafeModelLoader loader(LoadPolicy policy) {
    return SafeModelLoader.builder().policy(policy).handler(new ToyHandler()).build();
  }

  static Path write(Path dir, String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
    return p;
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
