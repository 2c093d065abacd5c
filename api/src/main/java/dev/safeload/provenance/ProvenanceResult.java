package dev.safeload.provenance;

import dev.safeload.Finding;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one run of a {@link ProvenanceVerifier} established: the proofs it could make and the
 * problems it found. Both may be present (a pin set proves nine files and finds the tenth's digest
 * wrong); any finding rejects the model, and what is proven is kept either way so that reports show
 * both.
 *
 * <p>A verifier that checks without proving (a revocation list) returns findings only.
 *
 * @param proofs what was proven, in the verifier's order
 * @param findings problems found (a mismatch, a missing file, a revoked digest)
 */
public record ProvenanceResult(List<Proof> proofs, List<Finding> findings) {
  public ProvenanceResult {
    proofs = List.copyOf(proofs);
    findings = List.copyOf(findings);
  }

  /** Nothing proven, nothing found: a verifier with nothing to say about this model. */
  public static ProvenanceResult empty() {
    return new ProvenanceResult(List.of(), List.of());
  }

  /** Only these proofs. */
  public static ProvenanceResult of(Proof... proofs) {
    return new ProvenanceResult(List.of(proofs), List.of());
  }

  /** Only these problems. */
  public static ProvenanceResult rejected(Finding... findings) {
    return new ProvenanceResult(List.of(), List.of(findings));
  }

  /** Names of the files some proof covers, sorted. */
  public Set<String> proven() {
    Set<String> names = new java.util.TreeSet<>();
    proofs.forEach(p -> names.addAll(p.fileNames()));
    return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(names));
  }
}
