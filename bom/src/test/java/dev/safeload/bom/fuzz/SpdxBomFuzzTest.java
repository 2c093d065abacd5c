package dev.safeload.bom.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.bom.BomFormatException;
import dev.safeload.bom.SpdxBom;
import dev.safeload.provenance.Sha256;

/**
 * Coverage-guided fuzzing of {@link SpdxBom#parse} (seeds in {@code SpdxBomFuzzTestInputs/}): any
 * input ends in a parsed document or a {@link BomFormatException}; nothing else may escape.
 */
class SpdxBomFuzzTest {
  private static final Sha256 PROBE = Sha256.ofHex("ab".repeat(32));

  @FuzzTest(maxDuration = "5s")
  void parse(byte[] data) {
    try {
      SpdxBom bom = SpdxBom.parse(data);
      bom.withSha256(PROBE);
    } catch (BomFormatException e) {
      // a refusal
    }
  }
}
