package dev.safeload.provenance;

import java.util.Set;

/**
 * A way to prove where a model's bytes came from: digest pins, a signature, a revocation check.
 * Verifiers see digests computed in the loader's single pass over the bytes; they never open model
 * files themselves. Implementations must be immutable and thread-safe.
 */
public interface ProvenanceVerifier {

  /** A short id for reports, e.g. {@code pins} or {@code oms-signature}. */
  String id();

  /**
   * Names (relative to the model root) of side files this verifier reads from the model directory,
   * such as {@code model.sig}. They are given to {@link #verify} and never served as model files.
   */
  default Set<String> sideFiles() {
    return Set.of();
  }

  /** Checks the model's digests. Never throws for a bad model: problems are findings. */
  ProvenanceResult verify(DigestedModel model);
}
