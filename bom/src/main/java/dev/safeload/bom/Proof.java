package dev.safeload.bom;

import dev.safeload.FileReport;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.bom.internal.Digests;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.ProvenanceVerifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How the provenance of some files of a model was proven, for the BOM's {@code evidence.identity}.
 *
 * @param technique how the files' identity was established
 * @param claim     what the verifier stated, e.g. {@code pinned by models.pins.json (sha256, 3 files)}
 * @param files     names (relative to the model root) of the files this proof covers
 * @param signers   who signed them, for a signature: identities as a revocation feed names them
 *                  ({@code san:alice@example.com}, {@code issuer:https://...}, {@code key:sha256:HEX},
 *                  {@code cert:sha256:HEX}); empty for a pin. Recorded so that {@code bom find}
 *                  can answer which BOMs name a revoked signer.
 */
public record Proof(Technique technique, String claim, Set<String> files, List<String> signers) {

  public Proof {
    Objects.requireNonNull(technique, "technique");
    Objects.requireNonNull(claim, "claim");
    files = Set.copyOf(files);
    signers = List.copyOf(signers);
  }

  /** A proof that names no signer (a pin match). */
  public Proof(Technique technique, String claim, Set<String> files) {
    this(technique, claim, files, List.of());
  }

  /**
   * The proof a verifier's result gives: the files it proved, its claims joined with {@code "; "}.
   * The caller says which technique the verifier uses, since the api cannot tell a pin set from a
   * signature verifier.
   */
  public static Proof of(Technique technique, ProvenanceResult result) {
    return new Proof(technique, String.join("; ", result.claims()), result.proven());
  }

  /**
   * Runs a verifier that needs only digests (a pin set) over the digests the loader computed for
   * {@code model}, and returns what it proved. Nothing is re-read: the digests are the model's own.
   * Verifiers that read a side file (a signature bundle) cannot be re-run this way, since neither a
   * {@code VerifiedModel} nor a {@code ScanReport} keeps it; their statements are in
   * {@link VerifiedModel#provenance()}, which {@link AiBom.Builder#add(VerifiedModel, Proof...)} records.
   */
  public static Proof check(Technique technique, ProvenanceVerifier verifier, VerifiedModel model) {
    List<DigestedFile> files = new ArrayList<>();
    for (VerifiedModel.VerifiedFile f : model.files()) {
      files.add(new DigestedFile(f.name(), f.size(), f.sha256()));
    }
    return of(technique, verifier.verify(Digests.of(files)));
  }

  /**
   * Like {@link #check(Technique, ProvenanceVerifier, VerifiedModel)} for a scan: over the digests of
   * the files the scan could read. A rejected file can still be proven (its bytes are the pinned ones
   * and its format is wrong); the BOM shows both.
   */
  public static Proof check(Technique technique, ProvenanceVerifier verifier, ScanReport report) {
    List<DigestedFile> files = new ArrayList<>();
    for (FileReport f : report.files()) {
      if (f.sha256() != null) {
        files.add(new DigestedFile(f.name(), f.size(), f.sha256()));
      }
    }
    return of(technique, verifier.verify(Digests.of(files)));
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
