package dev.safeload.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code safeload verify --attestations FILE --repo OWNER/NAME ...} as a user runs it, on a model
 * that is also signed by key ({@code safeload sign}). The attestations come from a test Sigstore
 * instance ({@code src/test/resources/attestation/README.md}).
 */
class AttestationCommandTest {
  @TempDir Path tmp;
  Path model;
  Path root;
  Path bundles;
  Path selfHosted;

  @BeforeEach
  void model() throws Exception {
    // The content the fixtures attest (AttestationFixturesTest.TOY).
    model = Files.createDirectory(tmp.resolve("model"));
    Files.writeString(model.resolve("weights.toy"), "TOY!weights");
    Files.createDirectory(model.resolve("sub"));
    Files.writeString(model.resolve("sub/more.toy"), "TOY!more");
    root = fixture("trusted_root.json");
    bundles = fixture("model.intoto.jsonl");
    selfHosted = fixture("self-hosted.intoto.jsonl");
  }

  Path fixture(String name) throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/attestation/" + name)) {
      Path p = tmp.resolve(name);
      Files.copy(in, p);
      return p;
    }
  }

  void signerKeys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    Files.writeString(
        tmp.resolve("signer.key.pem"),
        SignatureCommandsTest.pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
    Files.writeString(
        tmp.resolve("signer.pub.pem"),
        SignatureCommandsTest.pem("PUBLIC KEY", kp.getPublic().getEncoded()));
  }

  CliTest.Run verify(String... more) {
    String[] args = new String[more.length + 6];
    args[0] = "verify";
    System.arraycopy(more, 0, args, 1, more.length);
    args[more.length + 1] = "--attestations";
    args[more.length + 2] = bundles.toString();
    args[more.length + 3] = "--trusted-root";
    args[more.length + 4] = root.toString();
    args[more.length + 5] = model.toString();
    return CliTest.run(args);
  }

  @Test
  void signedByKeyAndAttested() throws Exception {
    signerKeys();
    CliTest.Run sign =
        CliTest.run("sign", "--key", tmp.resolve("signer.key.pem").toString(), model.toString());
    assertEquals(0, sign.exit(), sign.err());
    CliTest.Run ok =
        verify(
            "--key",
            tmp.resolve("signer.pub.pem").toString(),
            "--repo",
            "acme/models",
            "--ref",
            "refs/heads/main",
            "--deny-self-hosted");
    assertEquals(0, ok.exit(), ok.out() + ok.err());
    assertTrue(ok.out().contains("verified: model.sig signed by key"), ok.out());
    assertTrue(
        ok.out()
            .contains(
                "verified: model.intoto.jsonl line 1 attests that https://github.com/acme/models at "
                    + "1f0e2d3c4b5a69788796a5b4c3d2e1f001122334 built every file, signed by "
                    + "https://github.com/acme/models/.github/workflows/release.yml@refs/heads/main"
                    + " (https://token.actions.githubusercontent.com)"),
        ok.out());

    // The JSON report carries the same proofs, structured, on each file.
    CliTest.Run json =
        verify(
            "--json", "--key", tmp.resolve("signer.pub.pem").toString(), "--repo", "acme/models");
    assertEquals(0, json.exit(), json.out() + json.err());
    tools.jackson.databind.JsonNode proofs =
        tools.jackson.databind.json.JsonMapper.builder()
            .build()
            .readTree(json.out())
            .at("/files/1/proofs");
    assertEquals(2, proofs.size(), proofs.toString());
    assertEquals("signature", proofs.at("/0/technique").asString());
    tools.jackson.databind.JsonNode attested = proofs.get(1);
    assertEquals("slsa-attestation", attested.get("verifier").asString());
    assertEquals("attestation", attested.get("technique").asString());
    assertEquals("certificate", attested.at("/signer/kind").asString());
    assertEquals(
        "https://github.com/acme/models/.github/workflows/release.yml@refs/heads/main",
        attested.at("/signer/identity").asString());
    assertEquals(
        "https://token.actions.githubusercontent.com", attested.at("/signer/issuer").asString());
    assertEquals(
        "https://github.com/acme/models", attested.at("/attributes/source-repository").asString());
    assertEquals(
        "1f0e2d3c4b5a69788796a5b4c3d2e1f001122334",
        attested.at("/attributes/source-commit").asString());
    assertEquals("refs/heads/main", attested.at("/attributes/source-ref").asString());
    assertEquals("github-hosted", attested.at("/attributes/runner-environment").asString());
  }

  @Test
  void attestationsAloneProveTheModel() {
    CliTest.Run ok = verify("--repo", "acme/models");
    assertEquals(0, ok.exit(), ok.out() + ok.err());
  }

  @Test
  void wrongRepositoryIssuerSignerAndRefAreRefusedWithTheirCodes() {
    CliTest.Run repo = verify("--repo", "acme/other");
    assertEquals(1, repo.exit(), repo.out() + repo.err());
    assertTrue(repo.out().contains("ATTESTATION_REPOSITORY_MISMATCH"), repo.out());
    CliTest.Run issuer =
        verify(
            "--repo",
            "acme/models",
            "--issuer",
            "https://token.actions.githubusercontent.com/other");
    assertEquals(1, issuer.exit(), issuer.out() + issuer.err());
    assertTrue(issuer.out().contains("ATTESTATION_ISSUER_MISMATCH"), issuer.out());
    CliTest.Run signer =
        verify(
            "--repo",
            "acme/models",
            "--signer-workflow",
            "github/artifact-attestations-workflows/.github/workflows/attest.yml");
    assertEquals(1, signer.exit());
    assertTrue(signer.out().contains("ATTESTATION_SIGNER_MISMATCH"), signer.out());
    CliTest.Run ref = verify("--repo", "acme/models", "--ref", "refs/tags/v1");
    assertEquals(1, ref.exit());
    assertTrue(ref.out().contains("ATTESTATION_REF_MISMATCH"), ref.out());
  }

  @Test
  void signerRepositoryAndAttestationIssuerOptions() {
    assertEquals(0, verify("--repo", "acme/models", "--signer-repo", "acme/models").exit());
    CliTest.Run other =
        verify("--repo", "acme/models", "--signer-repo", "github/artifact-attestations-workflows");
    assertEquals(1, other.exit());
    assertTrue(other.out().contains("ATTESTATION_SIGNER_MISMATCH"), other.out());
    CliTest.Run issuer =
        verify("--repo", "acme/models", "--attestation-issuer", "https://issuer.example");
    assertEquals(1, issuer.exit());
    assertTrue(issuer.out().contains("ATTESTATION_ISSUER_MISMATCH"), issuer.out());
    assertEquals(
        0,
        verify(
                "--repo",
                "acme/models",
                "--attestation-issuer",
                "https://token.actions.githubusercontent.com")
            .exit());
  }

  @Test
  void selfHostedRunnerIsDeniedOnRequest() {
    bundles = selfHosted;
    assertEquals(0, verify("--repo", "acme/models").exit());
    CliTest.Run denied = verify("--repo", "acme/models", "--deny-self-hosted");
    assertEquals(1, denied.exit());
    assertTrue(denied.out().contains("ATTESTATION_RUNNER_DENIED"), denied.out());
  }

  @Test
  void aTamperedFileIsNotAttested() throws Exception {
    Files.writeString(model.resolve("sub/more.toy"), "TOY!tampered");
    CliTest.Run r = verify("--repo", "acme/models");
    assertEquals(1, r.exit());
    assertTrue(r.out().contains("ATTESTATION_SUBJECT_MISMATCH"), r.out());
  }

  @Test
  void usageErrors() {
    CliTest.Run noRepo =
        CliTest.run(
            "verify",
            "--attestations",
            bundles.toString(),
            "--trusted-root",
            root.toString(),
            model.toString());
    assertEquals(2, noRepo.exit());
    assertTrue(noRepo.err().contains("--repo"), noRepo.err());
    CliTest.Run stray =
        CliTest.run(
            "verify", "--pins", bundles.toString(), "--repo", "acme/models", model.toString());
    assertEquals(2, stray.exit());
    assertTrue(stray.err().contains("need --attestations"), stray.err());
    CliTest.Run badRepo = verify("--repo", "acme");
    assertEquals(2, badRepo.exit());
    assertTrue(badRepo.err().contains("OWNER/NAME"), badRepo.err());
  }
}
