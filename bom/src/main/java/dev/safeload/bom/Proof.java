package dev.safeload.bom;

import dev.safeload.provenance.ProvenanceResult;
import java.util.Objects;
import java.util.Set;

/**
 * How the provenance of some files of a model was proven, for the BOM's {@code evidence.identity}.
 *
 * @param technique how the files' identity was established
 * @param claim     what the verifier stated, e.g. {@code pinned by models.pins.json (sha256, 3 files)}
 * @param files     names (relative to the model root) of the files this proof covers
 */
public record Proof(Technique technique, String claim, Set<String> files) {

  public Proof {
    Objects.requireNonNull(technique, "technique");
    Objects.requireNonNull(claim, "claim");
    files = Set.copyOf(files);
  }

  /**
   * The proof a verifier's result gives: the files it proved, its claims joined with {@code "; "}.
   * The caller says which technique the verifier uses, since the api cannot tell a pin set from a
   * signature verifier.
   */
  public static Proof of(Technique technique, ProvenanceResult result) {
    return new Proof(technique, String.join("; ", result.claims()), result.proven());
  }

  /** CycloneDX {@code evidence.identity.methods.technique} values safeload can stand behind. */
  public enum Technique {
    /** The file's SHA-256 equals a pinned digest. */
    HASH_COMPARISON("hash-comparison"),
    /** A verified signature (OpenSSF Model Signing) covers the file's digest. */
    ATTESTATION("attestation");

    private final String cyclonedx;

    Technique(String cyclonedx) {
      this.cyclonedx = cyclonedx;
    }

    /** The value as the CycloneDX schema spells it. */
    public String cyclonedx() {
      return cyclonedx;
    }
  }
}
