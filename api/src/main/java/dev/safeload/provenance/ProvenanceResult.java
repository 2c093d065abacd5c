package dev.safeload.provenance;

import dev.safeload.Finding;
import java.util.List;
import java.util.Set;

/**
 * What a {@link ProvenanceVerifier} established.
 *
 * @param proven   names of the files whose digests it proved
 * @param findings problems it found (a mismatch, a missing file); any finding rejects the model
 * @param claims   short human-readable statements of what was proven and how, for reports
 */
public record ProvenanceResult(Set<String> proven, List<Finding> findings, List<String> claims) {
  public ProvenanceResult {
    proven = Set.copyOf(proven);
    findings = List.copyOf(findings);
    claims = List.copyOf(claims);
  }
}
