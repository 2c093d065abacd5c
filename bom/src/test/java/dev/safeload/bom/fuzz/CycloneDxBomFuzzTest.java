package dev.safeload.bom.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.bom.BomFormatException;
import dev.safeload.bom.CycloneDxBom;
import dev.safeload.provenance.Sha256;

/**
 * Coverage-guided fuzzing of {@link CycloneDxBom#parse} (seeds in {@code
 * CycloneDxBomFuzzTestInputs/}): any input ends in a parsed BOM or a {@link BomFormatException}.
 * Anything else, including {@code StackOverflowError} and {@code OutOfMemoryError}, fails the
 * target.
 */
class CycloneDxBomFuzzTest {
  private static final Sha256 PROBE = Sha256.ofHex("ab".repeat(32));

  @FuzzTest(maxDuration = "5s")
  void parse(byte[] data) {
    try {
      CycloneDxBom bom = CycloneDxBom.parse(data);
      bom.withSha256(PROBE); // the query must work on whatever the reader accepted
    } catch (BomFormatException e) {
      // a refusal: the expected outcome for most inputs
    }
  }
}
