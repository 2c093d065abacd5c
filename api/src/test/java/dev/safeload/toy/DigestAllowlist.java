package dev.safeload.toy;

import dev.safeload.Finding;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.provenance.Sha256;
import dev.safeload.provenance.Technique;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A minimal provenance verifier for API tests: proves files whose digest is in a set. */
public record DigestAllowlist(Set<Sha256> allowed) implements ProvenanceVerifier {
  @Override
  public String id() {
    return "digest-allowlist";
  }

  @Override
  public ProvenanceResult verify(DigestedModel model) {
    List<DigestedFile> proven = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    for (DigestedFile f : model.files()) {
      if (allowed.contains(f.sha256())) {
        proven.add(f);
      } else {
        findings.add(
            new Finding(
                ToyReason.TOY_DIGEST_NOT_ALLOWED, f.name(), Finding.NO_OFFSET, "not allowed"));
      }
    }
    List<Proof> proofs =
        proven.isEmpty()
            ? List.of()
            : List.of(
                Proof.builder(id(), Technique.PIN)
                    .files(proven)
                    .source("digest allowlist")
                    .build());
    return new ProvenanceResult(proofs, findings);
  }
}
