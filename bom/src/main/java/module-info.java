/**
 * AI bills of materials: CycloneDX 1.6 ML-BOMs and SPDX 3.0.1 AI documents written from what
 * safeload scanned or loaded, and strict readers of both that answer which BOMs name a file digest.
 * Implementation lives in {@code dev.safeload.bom.internal}, which is not exported.
 */
module dev.safeload.bom {
  requires transitive dev.safeload
      .api; // the builder takes ScanReport and VerifiedModel, with their Proofs
  requires tools.jackson.core;
  requires static org.jspecify;

  exports dev.safeload.bom;
  exports dev.safeload.bom.sarif;
}
