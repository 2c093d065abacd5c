/** Digest pins, signatures and revocation: {@link dev.safeload.provenance.ProvenanceVerifier}s. */
@org.jspecify.annotations.NullMarked
package dev.safeload.verify;
