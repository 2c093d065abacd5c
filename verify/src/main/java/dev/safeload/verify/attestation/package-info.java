/**
 * Build provenance: GitHub artifact attestations (Sigstore bundles carrying SLSA provenance v1)
 * verified offline, with a policy on the source repository, signer workflow, issuer, ref and
 * runner.
 */
@org.jspecify.annotations.NullMarked
package dev.safeload.verify.attestation;
