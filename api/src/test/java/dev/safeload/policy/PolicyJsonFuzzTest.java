package dev.safeload.policy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.internal.policy.PolicyJson;

/**
 * The policy file's JSON reader: any bytes either parse or end in an IllegalArgumentException with
 * a message; nothing else escapes (no StackOverflowError, no other exception), whatever the
 * nesting.
 */
class PolicyJsonFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void parsesOrRefuses(byte[] input) {
    try {
      PolicyJson.parse(input);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() == null || e.getMessage().isEmpty()) {
        throw new AssertionError("a refusal without a message", e);
      }
    }
  }
}
