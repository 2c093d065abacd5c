package dev.safeload.verify.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.verify.VerifyReason;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Work and size bounds, counted rather than timed. */
class AttestationBoundsTest {
  static TestSigstore sigstore;
  static AttestationPolicy policy;

  @BeforeAll
  static void instance() throws Exception {
    sigstore = new TestSigstore();
    policy =
        AttestationPolicy.repository(
                "acme/models", sigstore.trustedRootJson().getBytes(StandardCharsets.UTF_8))
            .build();
  }

  /** Each file costs at most one SHA-512 however many subjects and attestations there are. */
  @Test
  void sha512IsComputedAtMostOncePerFile() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    TestSigstore.Build a = new TestSigstore.Build();
    a.sha512Only = true;
    TestSigstore.Build b = new TestSigstore.Build();
    b.sha512Only = true;
    for (int i = 0; i < 400; i++) {
      byte[] content = ("file " + i).getBytes(StandardCharsets.UTF_8);
      files.put("f" + i + ".bin", content);
      a.subject("f" + i + ".bin", content);
      b.subject("copy-" + i, content); // the second attestation names every file again
    }
    AttestationVerifier v =
        AttestationVerifier.of(policy)
            .withBundle(sigstore.bundle(a).getBytes(StandardCharsets.UTF_8), "a")
            .withBundle(sigstore.bundle(b).getBytes(StandardCharsets.UTF_8), "b");
    AtomicInteger calls = new AtomicInteger();
    ProvenanceResult r = v.verify(Models.of(files, true, true, calls));
    assertEquals(List.of(), r.findings());
    assertEquals(400, r.proven().size());
    assertEquals(400, calls.get());
    assertEquals(
        2,
        v.attest(Models.of(files, true, true, new AtomicInteger())).files().get("f7.bin").size());
  }

  @Test
  void bundlesBeyondTheLimitAreRefused() {
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < AttestationVerifier.MAX_BUNDLES + 50; i++) {
      jsonl.append("{}\n");
    }
    AttestationVerifier v =
        AttestationVerifier.of(policy)
            .withJsonLines(jsonl.toString().getBytes(StandardCharsets.UTF_8), "many.jsonl");
    ProvenanceResult r =
        v.verify(Models.of(Map.of("a.bin", new byte[1]), true, true, new AtomicInteger()));
    assertEquals(AttestationVerifier.MAX_BUNDLES, r.findings().size());
    assertTrue(
        r.findings().stream().allMatch(f -> f.reason() == VerifyReason.SIGNATURE_BUNDLE_INVALID));
    Finding last = r.findings().get(r.findings().size() - 1);
    assertTrue(
        last.message().contains("more than " + AttestationVerifier.MAX_BUNDLES), last.message());
  }
}
