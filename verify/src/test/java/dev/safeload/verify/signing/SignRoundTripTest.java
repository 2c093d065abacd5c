package dev.safeload.verify.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.ModelRejectedException;
import dev.safeload.Reason;
import dev.safeload.SafeModelLoader;
import dev.safeload.VerifiedModel;
import dev.safeload.testing.SharedVectors;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.json.Json;
import dev.safeload.verify.internal.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ModelSigner output: verified by our verifier, through the loader, and shaped like the goldens.
 */
class SignRoundTripTest {
  @TempDir Path tmp;

  static SafeModelLoader loader(dev.safeload.provenance.ProvenanceVerifier... verifiers) {
    // Any bytes named *.bin, so loader tests exercise provenance rather than formats.
    return TestModels.loader(TestModels.acceptAll("test-raw", "bin"), verifiers);
  }

  Path model() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("model"));
    Files.writeString(dir.resolve("config.bin"), "{\"layers\": 2}");
    Files.createDirectories(dir.resolve("shards"));
    Files.write(dir.resolve("shards/weights-1.bin"), new byte[70_000]);
    Files.writeString(dir.resolve("shards/weights-2.bin"), "second shard");
    Files.createDirectories(dir.resolve(".git"));
    return dir;
  }

  static KeyPair ec(String curve) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(curve));
    return g.generateKeyPair();
  }

  static KeyPair keyPair(String kind) throws Exception {
    return kind.equals("ed25519")
        ? KeyPairGenerator.getInstance("Ed25519").generateKeyPair()
        : ec(kind);
  }

  @ParameterizedTest
  @ValueSource(strings = {"secp256r1", "secp384r1", "secp521r1", "ed25519"})
  void keyModeRoundTripThroughTheLoader(String kind) throws Exception {
    KeyPair kp = keyPair(kind);
    Path dir = model();
    ModelSigner.withKey(kp.getPrivate(), kp.getPublic()).signTo(dir);
    TrustPolicy policy = TrustPolicy.publicKeys(List.of(kp.getPublic())).build();
    try (VerifiedModel m = loader(ModelSignatureVerifier.of(policy)).load(dir)) {
      assertEquals(3, m.files().size());
    }
    // A different key is refused.
    KeyPair other = keyPair(kind);
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class,
            () ->
                loader(
                        ModelSignatureVerifier.of(
                            TrustPolicy.publicKeys(List.of(other.getPublic())).build()))
                    .load(dir));
    assertTrue(e.hasReason(VerifyReason.SIGNATURE_INVALID), e.findings().toString());
  }

  @Test
  void tamperedMissingAndExtraFilesAreRefusedAtLoad() throws Exception {
    KeyPair kp = ec("secp256r1");
    Path dir = model();
    ModelSigner.withKey(kp.getPrivate(), kp.getPublic()).signTo(dir);
    SafeModelLoader loader =
        loader(ModelSignatureVerifier.of(TrustPolicy.publicKeys(List.of(kp.getPublic())).build()));

    Files.writeString(dir.resolve("shards/extra.bin"), "unsigned");
    ModelRejectedException extra =
        assertThrows(ModelRejectedException.class, () -> loader.load(dir));
    assertTrue(
        extra.hasReason(VerifyReason.SIGNATURE_FILE_NOT_SIGNED), extra.findings().toString());
    Files.delete(dir.resolve("shards/extra.bin"));

    Files.writeString(dir.resolve("shards/weights-2.bin"), "second shard!");
    ModelRejectedException tampered =
        assertThrows(ModelRejectedException.class, () -> loader.load(dir));
    assertTrue(
        tampered.hasReason(VerifyReason.SIGNATURE_FILE_MISMATCH), tampered.findings().toString());

    Files.delete(dir.resolve("shards/weights-2.bin"));
    ModelRejectedException missing =
        assertThrows(ModelRejectedException.class, () -> loader.load(dir));
    assertTrue(
        missing.hasReason(VerifyReason.SIGNATURE_FILE_MISSING), missing.findings().toString());
  }

  @Test
  void signatureRequiredButAbsent() throws Exception {
    KeyPair kp = ec("secp256r1");
    Path dir = model();
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class,
            () ->
                loader(
                        ModelSignatureVerifier.of(
                            TrustPolicy.publicKeys(List.of(kp.getPublic())).build()))
                    .load(dir));
    assertTrue(e.hasReason(VerifyReason.SIGNATURE_MISSING));
    // Optional signature: nothing proves the files, so the strict policy reports them as unproven.
    ModelRejectedException unproven =
        assertThrows(
            ModelRejectedException.class,
            () ->
                loader(
                        ModelSignatureVerifier.of(
                            TrustPolicy.publicKeys(List.of(kp.getPublic())).optional().build()))
                    .load(dir));
    assertTrue(unproven.hasReason(Reason.UNPROVEN_FILE));
    assertFalse(unproven.hasReason(VerifyReason.SIGNATURE_MISSING));
  }

  @Test
  void singleFileModelRoundTrip() throws Exception {
    KeyPair kp = ec("secp384r1");
    Path f = tmp.resolve("weights.bin");
    Files.writeString(f, "single");
    ModelSigner.withKey(kp.getPrivate(), kp.getPublic()).signTo(f);
    try (VerifiedModel m =
        loader(ModelSignatureVerifier.of(TrustPolicy.publicKeys(List.of(kp.getPublic())).build()))
            .load(f)) {
      assertEquals(1, m.files().size());
    }
  }

  @Test
  void revocationFeedRefusesRevokedDigestsAndSigners() throws Exception {
    KeyPair kp = ec("secp256r1");
    Path dir = model();
    ModelSigner.withKey(kp.getPrivate(), kp.getPublic()).signTo(dir);
    String weights = Vectors.sha256(Files.readAllBytes(dir.resolve("shards/weights-2.bin"))).hex();
    RevocationList byDigest =
        RevocationList.parse(
            ("{\"version\":1,\"revoked\":[{\"sha256\":\""
                    + weights
                    + "\",\"reason\":\"poisoned\"}]}")
                .getBytes(StandardCharsets.UTF_8));
    TrustPolicy ok = TrustPolicy.publicKeys(List.of(kp.getPublic())).build();
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class,
            () -> loader(ModelSignatureVerifier.of(ok), byDigest).load(dir));
    assertTrue(e.hasReason(VerifyReason.REVOKED_DIGEST), e.findings().toString());

    String keySha = Vectors.sha256(kp.getPublic().getEncoded()).hex();
    RevocationList bySigner =
        RevocationList.parse(
            ("{\"version\":1,\"revoked\":[{\"keySha256\":\""
                    + keySha
                    + "\",\"reason\":\"key leaked\"}]}")
                .getBytes(StandardCharsets.UTF_8));
    TrustPolicy revoked =
        TrustPolicy.publicKeys(List.of(kp.getPublic())).revocations(bySigner).build();
    ModelRejectedException s =
        assertThrows(
            ModelRejectedException.class,
            () -> loader(ModelSignatureVerifier.of(revoked)).load(dir));
    assertTrue(s.hasReason(VerifyReason.REVOKED_SIGNER), s.findings().toString());

    SignatureVerificationException bad =
        assertThrows(
            SignatureVerificationException.class,
            () ->
                RevocationList.parse(
                    "{\"version\":1,\"revoked\":[{\"sha256\":\"zz\",\"reason\":\"x\"}]}"
                        .getBytes(StandardCharsets.UTF_8)));
    assertEquals(VerifyReason.REVOKED_FEED_INVALID, bad.reason());
  }

  @Test
  void certificateModeRoundTripWithTheGoldenKeys() throws Exception {
    Path keys = SharedVectors.dir("oms/model-transparency/signed/keys/certificate");
    Path chain = tmp.resolve("chain.pem");
    Files.writeString(
        chain,
        Files.readString(keys.resolve("signing-key-cert.pem"))
            + Files.readString(keys.resolve("int-ca-cert.pem")));
    Path dir = model();
    ModelSigner.withCertificate(keys.resolve("signing-key.pem"), chain).signTo(dir);
    TrustPolicy p =
        TrustPolicy.certificates(keys.resolve("ca-cert.pem")).subject("CN=intermediate-ca").build();
    try (VerifiedModel m = loader(ModelSignatureVerifier.of(p)).load(dir)) {
      assertEquals(3, m.files().size());
    }
  }

  @Test
  void pinsFromAVerifiedManifest() throws Exception {
    KeyPair kp = ec("secp256r1");
    Path dir = model();
    Path sig = ModelSigner.withKey(kp.getPrivate(), kp.getPublic()).signTo(dir);
    SignedManifest m =
        ModelSignatureVerifier.of(TrustPolicy.publicKeys(List.of(kp.getPublic())).build())
            .verifySignature(Files.readAllBytes(sig));
    assertEquals(
        List.of("config.bin", "shards/weights-1.bin", "shards/weights-2.bin"),
        new ArrayList<>(m.files().keySet()));
    assertEquals(
        Vectors.sha256(Files.readAllBytes(dir.resolve("config.bin"))), m.files().get("config.bin"));
  }

  /** Key sets of every object on the path match the reference's output field by field. */
  @Test
  void bundleStructureMatchesTheGoldens() throws Exception {
    Path keys = SharedVectors.dir("oms/model-transparency/signed/keys/certificate");
    Path golden = SharedVectors.dir("oms/model-transparency/signed");
    Path dir = model();
    byte[] ours = ModelSigner.withKey(keys.resolve("signing-key.pem")).sign(dir);
    assertSameShape(Files.readAllBytes(golden.resolve("v1.1.0-elliptic-key/model.sig")), ours);
    // Our signer reproduces the reference's key hint for the same key.
    assertEquals(
        obj(Files.readAllBytes(golden.resolve("v1.1.0-elliptic-key/model.sig")))
            .obj("verificationMaterial")
            .obj("publicKey")
            .str("hint"),
        obj(ours).obj("verificationMaterial").obj("publicKey").str("hint"));
    Path chain = tmp.resolve("chain.pem");
    Files.writeString(
        chain,
        Files.readString(keys.resolve("signing-key-cert.pem"))
            + Files.readString(keys.resolve("int-ca-cert.pem")));
    byte[] cert = ModelSigner.withCertificate(keys.resolve("signing-key.pem"), chain).sign(dir);
    assertSameShape(Files.readAllBytes(golden.resolve("v1.1.0-certificate/model.sig")), cert);
  }

  static JsonObject obj(byte[] b) throws Exception {
    return Json.parseObject(b, VerifyReason.SIGNATURE_BUNDLE_INVALID, "bundle");
  }

  static void assertSameShape(byte[] golden, byte[] ours) throws Exception {
    JsonObject g = obj(golden);
    JsonObject o = obj(ours);
    assertEquals(g.keys(), o.keys());
    assertEquals(g.str("mediaType"), o.str("mediaType"));
    assertEquals(g.obj("verificationMaterial").keys(), o.obj("verificationMaterial").keys());
    JsonObject ge = g.obj("dsseEnvelope");
    JsonObject oe = o.obj("dsseEnvelope");
    assertEquals(ge.keys(), oe.keys());
    assertEquals(ge.str("payloadType"), oe.str("payloadType"));
    assertEquals(
        ge.objects("signatures", 1).get(0).keys(), oe.objects("signatures", 1).get(0).keys());
    JsonObject gs =
        Json.parseObject(
            Base64.getDecoder().decode(ge.str("payload")),
            VerifyReason.SIGNATURE_STATEMENT_INVALID,
            "s");
    JsonObject os =
        Json.parseObject(
            Base64.getDecoder().decode(oe.str("payload")),
            VerifyReason.SIGNATURE_STATEMENT_INVALID,
            "s");
    assertEquals(gs.keys(), os.keys());
    assertEquals(gs.str("_type"), os.str("_type"));
    assertEquals(gs.str("predicateType"), os.str("predicateType"));
    assertEquals(gs.objects("subject", 1).get(0).keys(), os.objects("subject", 1).get(0).keys());
    assertEquals(gs.obj("predicate").keys(), os.obj("predicate").keys());
    assertEquals(
        gs.obj("predicate").obj("serialization").keys(),
        os.obj("predicate").obj("serialization").keys());
    assertEquals(
        gs.obj("predicate").objects("resources", 10).get(0).keys(),
        os.obj("predicate").objects("resources", 10).get(0).keys());
    // Python's json_format.MessageToJson indents by two spaces; so do we.
    assertTrue(
        new String(Base64.getDecoder().decode(oe.str("payload")), StandardCharsets.UTF_8)
            .startsWith("{\n  \"_type\""));
  }

  @Test
  void componentOrderMatchesPython() {
    List<String> names = new ArrayList<>(List.of("a-c", "a/b", "b", "a/b/c", "a0"));
    names.sort(ModelSigner::componentOrder);
    assertEquals(List.of("a/b", "a/b/c", "a-c", "a0", "b"), names);
  }
}
