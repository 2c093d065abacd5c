package dev.safeload.verify.signing;

import dev.safeload.LoadPolicy;
import dev.safeload.SafeModelLoader;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.spi.FormatHandler;
import dev.safeload.testing.AcceptAnythingHandler;

/**
 * Loaders for signature tests: a handler that accepts any content, so the tests exercise provenance
 * checks rather than format validation, and a strict loader that allows only that handler's format.
 */
final class TestModels {
  private TestModels() {}

  /**
   * Accepts any content in files named with {@code extension} ({@code ""} for files without one).
   */
  static FormatHandler acceptAll(String id, String extension) {
    return new AcceptAnythingHandler(id, extension);
  }

  /**
   * A strict loader with only {@code handler} (no discovery), its format allowed, and these
   * verifiers.
   */
  static SafeModelLoader loader(FormatHandler handler, ProvenanceVerifier... verifiers) {
    SafeModelLoader.Builder b =
        SafeModelLoader.builder()
            .discoverHandlers(false)
            .handler(handler)
            .policy(LoadPolicy.strict().toBuilder().allowFormat(handler.id()).build());
    for (ProvenanceVerifier v : verifiers) {
      b.verifier(v);
    }
    return b.build();
  }
}
