/**
 * AI bills of materials: CycloneDX 1.6 ML-BOMs written from what safeload scanned or loaded, and a
 * strict reader that answers which BOMs name a file digest. Implementation lives in
 * {@code dev.safeload.bom.internal}, which is not exported.
 */
module dev.safeload.bom {
  requires transitive dev.safeload.api; // the builder takes ScanReport and VerifiedModel, with their Proofs
  requires tools.jackson.core;
  requires static org.jspecify;

  exports dev.safeload.bom;
}
