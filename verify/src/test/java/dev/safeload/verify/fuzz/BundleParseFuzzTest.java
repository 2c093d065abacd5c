package dev.safeload.verify.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.verify.internal.intoto.OmsManifest;
import dev.safeload.verify.internal.sigstore.Bundle;
import dev.safeload.verify.signing.SignatureVerificationException;

/**
 * Arbitrary bytes into the bundle parser and the statement parser. Only {@link
 * SignatureVerificationException} (which the verifier turns into a finding) may escape; anything
 * else is a bug.
 */
class BundleParseFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void parse(byte[] data) {
    try {
      Bundle.parse(data);
    } catch (SignatureVerificationException expected) {
      // a documented rejection
    }
    try {
      OmsManifest.parse(data, true);
    } catch (SignatureVerificationException expected) {
      // a documented rejection
    }
  }
}
