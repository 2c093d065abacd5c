/** Proofs of provenance: digest pins, OpenSSF Model Signing signatures and revocation. */
module dev.safeload.verify {
  requires transitive dev.safeload.api;
  requires tools.jackson.core;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
  requires org.bouncycastle.util;
  requires static org.jspecify;

  exports dev.safeload.verify;
  exports dev.safeload.verify.signing;
  exports dev.safeload.verify.attestation;
}
