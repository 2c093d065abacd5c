/**
 * Proofs of provenance over the digests the loader computed while reading a model: the {@link
 * dev.safeload.provenance.ProvenanceVerifier} SPI (digest pins, signatures, build attestations,
 * revocations), the {@link dev.safeload.provenance.Proof}s verifiers return, which {@link
 * dev.safeload.ScanReport}, {@link dev.safeload.VerifiedModel} and every report read as they are,
 * and the {@link dev.safeload.provenance.ProofRequirement} a policy holds them to.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.provenance;
