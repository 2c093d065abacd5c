/** Proofs of provenance: digest pins (and, later, signatures and revocation). */
module dev.safeload.verify {
  requires dev.safeload.api;
  requires tools.jackson.core;
  requires static org.jspecify;

  exports dev.safeload.verify;
}
