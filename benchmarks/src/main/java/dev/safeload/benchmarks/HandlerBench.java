package dev.safeload.benchmarks;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.provenance.Sha256;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Set-up and baseline steps the handler benchmarks share, so each measures the same thing the same
 * way.
 */
final class HandlerBench {
  private HandlerBench() {}

  /** The bytes in direct memory, as the loader holds a mapped file. */
  static ByteBuffer direct(byte[] bytes) {
    return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
  }

  /** Runs {@code handler} once over the whole file, collecting findings as the engine would. */
  static ModelDescription validate(
      FormatHandler handler, ModelBytes file, String name, LoadPolicy policy) {
    return handler.validate(file, ValidationContext.collecting(name, policy, new ArrayList<>()));
  }

  /**
   * Validates once in set-up and fails if the synthetic file has any finding: a broken fixture must
   * stop the run rather than time a rejection.
   */
  static void requireValid(FormatHandler handler, ModelBytes file, String name, LoadPolicy policy) {
    List<Finding> f = new ArrayList<>();
    handler.validate(file, ValidationContext.collecting(name, policy, f));
    if (!f.isEmpty()) {
      throw new IllegalStateException(f.toString());
    }
  }

  /** The baseline: a plain SHA-256 (JDK "SUN" provider) over the buffer's remaining bytes. */
  static byte[] sha256(ByteBuffer bytes) throws GeneralSecurityException {
    MessageDigest md = Sha256.newMessageDigest();
    md.update(bytes.duplicate());
    return md.digest();
  }
}
