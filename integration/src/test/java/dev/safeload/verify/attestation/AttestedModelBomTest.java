package dev.safeload.verify.attestation;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.VerifiedModel;
import dev.safeload.bom.AiBom;
import dev.safeload.bom.BomSchema;
import dev.safeload.bom.CycloneDxBom;
import dev.safeload.bom.SpdxBom;
import dev.safeload.bom.SpdxSchema;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.Sha256;
import dev.safeload.provenance.Signer;
import dev.safeload.provenance.Technique;
import dev.safeload.verify.signing.ModelSignatureVerifier;
import dev.safeload.verify.signing.ModelSigner;
import dev.safeload.verify.signing.TrustPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 2 end to end: a model signed by key and attested by the test Sigstore instance
 * loads, and both BOM formats validate against their schemas and record the attestation as each
 * file's evidence (technique, signer identity and issuer, source repository and commit).
 */
class AttestedModelBomTest {
  static final String WORKFLOW =
      "https://github.com/acme/models/.github/workflows/release.yml@refs/heads/main";
  static final String ISSUER = "https://token.actions.githubusercontent.com";
  static final String COMMIT = "1f0e2d3c4b5a69788796a5b4c3d2e1f001122334";
  @TempDir Path tmp;

  @Test
  void bothBomsRecordTheAttestationAsEvidence() throws Exception {
    TestSigstore sigstore = new TestSigstore();
    AttestationPolicy policy =
        AttestationPolicy.repository("acme/models", sigstore.trustedRootJson().getBytes(UTF_8))
            .denySelfHostedRunners()
            .build();
    Path model = Files.createDirectories(tmp.resolve("model"));
    byte[] weights = new byte[70_000];
    Files.write(model.resolve("weights.bin"), weights);
    KeyPair key = TestSigstore.ec("secp256r1");
    ModelSigner.withKey(key.getPrivate(), key.getPublic()).signTo(model);
    TestSigstore.Build b = new TestSigstore.Build();
    b.subject("weights.bin", weights);
    Path bundles = tmp.resolve("model.intoto.jsonl");
    Files.writeString(bundles, sigstore.bundle(b) + "\n");

    AiBom bom;
    try (VerifiedModel m =
        AttestedModelLoadTest.loader(
                ModelSignatureVerifier.of(TrustPolicy.publicKeys(List.of(key.getPublic())).build()),
                AttestationVerifier.of(policy).withBundles(bundles))
            .load(model)) {
      assertEquals(
          List.of(Technique.SIGNATURE, Technique.ATTESTATION),
          m.file("weights.bin").proofs().stream().map(Proof::technique).toList());
      bom = AiBom.builder().add(m).build();
    }
    Sha256 digest = Sha256.hash(weights);
    Signer attester = Signer.certificate(WORKFLOW, ISSUER);

    byte[] cdx = bom.toByteArray();
    BomSchema.assertValid(cdx);
    CycloneDxBom.Component c = CycloneDxBom.parse(cdx).withSha256(digest).get(0);
    assertEquals(attester, c.signers().get(1));
    assertEquals(Signer.Kind.PUBLIC_KEY, c.signers().get(0).kind());
    String cdxText = new String(cdx, UTF_8);
    for (String fact :
        List.of(
            "\"name\":\"safeload:proof:slsa-attestation:technique\",\"value\":\"attestation\"",
            "\"name\":\"safeload:proof:slsa-attestation:signer\",\"value\":\"" + WORKFLOW + "\"",
            "\"name\":\"safeload:proof:slsa-attestation:signer-issuer\",\"value\":\""
                + ISSUER
                + "\"",
            "\"name\":\"safeload:proof:slsa-attestation:source-repository\",\"value\":\"https://github.com/acme/models\"",
            "\"name\":\"safeload:proof:slsa-attestation:source-commit\",\"value\":\""
                + COMMIT
                + "\"",
            "\"technique\":\"attestation\"")) {
      assertTrue(cdxText.replace(" ", "").contains(fact.replace(" ", "")), fact);
    }

    byte[] spdx = bom.toSpdxByteArray();
    SpdxSchema.assertValid(spdx);
    SpdxBom.Element e = SpdxBom.parse(spdx).withSha256(digest).get(0);
    assertEquals(attester, e.signers().get(1));
    String spdxText = new String(spdx, UTF_8);
    for (String fact :
        List.of(
            "safeload:proof:slsa-attestation:technique=attestation",
            "safeload:proof:slsa-attestation:signer=" + WORKFLOW,
            "safeload:proof:slsa-attestation:source-repository=https://github.com/acme/models",
            "safeload:proof:slsa-attestation:source-commit=" + COMMIT)) {
      assertTrue(spdxText.contains(fact), fact);
    }
  }
}
