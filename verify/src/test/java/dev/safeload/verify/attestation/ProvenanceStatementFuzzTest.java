package dev.safeload.verify.attestation;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.verify.internal.intoto.ProvenanceStatement;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.nio.charset.StandardCharsets;

/**
 * Arbitrary bytes, and statements with fuzzed fields, into the SLSA provenance statement reader.
 * Only {@link SignatureVerificationException} (a documented rejection) may escape; anything else is
 * a bug.
 */
class ProvenanceStatementFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void parse(FuzzedDataProvider data) {
    boolean shaped = data.consumeBoolean();
    byte[] input;
    if (shaped) {
      // Keep the outer shape valid so the fuzzer reaches subjects, digests and the predicate.
      String subjects = data.consumeString(2000);
      String predicate = data.consumeRemainingAsString();
      input =
          ("{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicateType\":\"https://slsa.dev/provenance/v1\","
                  + "\"subject\":"
                  + subjects
                  + ",\"predicate\":"
                  + predicate
                  + "}")
              .getBytes(StandardCharsets.UTF_8);
    } else {
      input = data.consumeRemainingAsBytes();
    }
    try {
      ProvenanceStatement st = ProvenanceStatement.parse(input);
      // What the reader promises of an accepted statement.
      if (st.subjects.isEmpty() || st.subjects.size() > ProvenanceStatement.MAX_SUBJECTS) {
        throw new AssertionError("accepted a statement with " + st.subjects.size() + " subjects");
      }
      for (ProvenanceStatement.Subject s : st.subjects) {
        if ((s.sha256() != null && s.sha256().length != 32)
            || (s.sha512() != null && s.sha512().length != 64)) {
          throw new AssertionError("accepted a digest of the wrong length");
        }
      }
    } catch (SignatureVerificationException expected) {
      // a documented rejection
    }
  }
}
