package dev.safeload.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import dev.safeload.testing.AcceptAnythingHandler;
import dev.safeload.testing.SharedVectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code safeload sign} and {@code safeload verify --key | --cert-chain | --sigstore} as a user
 * runs them.
 */
class SignatureCommandsTest {
  @TempDir Path tmp;
  Path model;

  @BeforeEach
  void model() throws Exception {
    model = CliTest.toyModel(tmp);
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  void keys(String name) throws Exception {
    keysIn(tmp, name);
  }

  /** Writes {@code name.key.pem} and {@code name.pub.pem} (a fresh P-384 pair) into {@code dir}. */
  void keysIn(Path tmp, String name) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair kp = g.generateKeyPair();
    Files.writeString(
        tmp.resolve(name + ".key.pem"), pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
    Files.writeString(
        tmp.resolve(name + ".pub.pem"), pem("PUBLIC KEY", kp.getPublic().getEncoded()));
  }

  String f(String name) {
    return tmp.resolve(name).toString();
  }

  @Test
  void signThenVerifyWithKey() throws Exception {
    keys("signer");
    keys("other");
    CliTest.Run sign = CliTest.run("sign", "--key", f("signer.key.pem"), model.toString());
    assertEquals(0, sign.exit(), sign.err());
    assertTrue(Files.exists(model.resolve("model.sig")));
    CliTest.Run ok = CliTest.run("verify", "--key", f("signer.pub.pem"), model.toString());
    assertEquals(0, ok.exit(), ok.out() + ok.err());
    assertTrue(ok.out().contains("verified: model.sig signed by key"), ok.out());
    CliTest.Run wrong = CliTest.run("verify", "--key", f("other.pub.pem"), model.toString());
    assertEquals(1, wrong.exit());
    assertTrue(wrong.out().contains("SIGNATURE_INVALID"), wrong.out());
    Files.writeString(model.resolve("sub/more.toy"), "TOY!tampered");
    CliTest.Run tampered = CliTest.run("verify", "--key", f("signer.pub.pem"), model.toString());
    assertEquals(1, tampered.exit());
    assertTrue(tampered.out().contains("SIGNATURE_FILE_MISMATCH"), tampered.out());
  }

  /**
   * The JSON report carries the signature's proof with the key that verified, read from the
   * loader's result.
   */
  @Test
  void verifyJsonNamesTheSigningKeyOnEachFile() throws Exception {
    keys("signer");
    assertEquals(0, CliTest.run("sign", "--key", f("signer.key.pem"), model.toString()).exit());
    String fingerprint =
        "sha256:"
            + java.util.HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256", "SUN")
                        .digest(
                            java.util.Base64.getMimeDecoder()
                                .decode(
                                    Files.readString(tmp.resolve("signer.pub.pem"))
                                        .replaceAll("-----[^-]+-----", "")
                                        .strip())));
    CliTest.Run r = CliTest.run("verify", "--json", "--key", f("signer.pub.pem"), model.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    java.util.List<java.util.Map<String, Object>> files =
        CliTest.list(CliTest.json(r.out()).get("files"));
    assertEquals(2, files.size());
    for (java.util.Map<String, Object> file : files) {
      java.util.Map<String, Object> p = CliTest.list(file.get("proofs")).get(0);
      assertEquals("oms-signature", p.get("verifier"));
      assertEquals("signature", p.get("technique"));
      assertEquals(
          java.util.Map.of("kind", "public-key", "identity", fingerprint),
          withoutNulls(p.get("signer")));
      assertEquals("model.sig", ((java.util.Map<?, ?>) p.get("attributes")).get("source"));
    }
    CliTest.Run plain = CliTest.run("verify", "--key", f("signer.pub.pem"), model.toString());
    assertTrue(
        plain
            .out()
            .contains("verified: model.sig signed by key " + fingerprint + " covers every file"),
        plain.out());
  }

  /**
   * {@code sign --shard-size}: the manifest signs 1 MiB ranges, and {@code verify} proves the
   * multi-shard file from its shards alone: its report shows the shard digests and no whole-file
   * digest, while one-shard files keep theirs.
   */
  @Test
  void signInShardsThenVerifyProvesTheShards() throws Exception {
    keys("signer");
    byte[] big = new byte[3 * (1 << 20) + 9];
    new java.util.Random(3).nextBytes(big);
    System.arraycopy("TOY!".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, big, 0, 4);
    Files.write(model.resolve("big.toy"), big);
    CliTest.Run sign =
        CliTest.run("sign", "--shard-size", "1M", "--key", f("signer.key.pem"), model.toString());
    assertEquals(0, sign.exit(), sign.err());
    CliTest.Run r = CliTest.run("verify", "--json", "--key", f("signer.pub.pem"), model.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    java.util.Map<String, java.util.Map<String, Object>> byName = new java.util.HashMap<>();
    for (java.util.Map<String, Object> file : CliTest.list(CliTest.json(r.out()).get("files"))) {
      String path = String.valueOf(file.get("path"));
      byName.put(path.substring(path.lastIndexOf('/') + 1), file);
    }
    java.util.Map<String, Object> bigReport = byName.get("big.toy");
    assertEquals(null, bigReport.get("sha256"), bigReport.toString());
    java.util.Map<String, Object> shards = CliTest.list(bigReport.get("shards")).get(0);
    assertEquals(4, CliTest.list(shards.get("sha256")).size(), shards.toString());
    assertTrue(byName.get("weights.toy").get("sha256") != null, "one shard: whole digest kept");
    CliTest.Run small =
        CliTest.run("sign", "--shard-size", "4K", "--key", f("signer.key.pem"), model.toString());
    assertEquals(2, small.exit());
    assertTrue(small.err().contains("at least 1M"), small.err());
  }

  static java.util.Map<Object, Object> withoutNulls(Object map) {
    java.util.Map<Object, Object> out = new java.util.LinkedHashMap<>();
    ((java.util.Map<?, ?>) map)
        .forEach(
            (k, v) -> {
              if (v != null) {
                out.put(k, v);
              }
            });
    return out;
  }

  @Test
  void extraFileIsRejected() throws Exception {
    keys("signer");
    assertEquals(0, CliTest.run("sign", "--key", f("signer.key.pem"), model.toString()).exit());
    Files.writeString(model.resolve("extra.toy"), "TOY!unsigned");
    CliTest.Run r = CliTest.run("verify", "--key", f("signer.pub.pem"), model.toString());
    assertEquals(1, r.exit());
    assertTrue(r.out().contains("SIGNATURE_FILE_NOT_SIGNED"), r.out());
  }

  @Test
  void signatureInAdditionToPins() throws Exception {
    keys("signer");
    Path pins = tmp.resolve("model.pins.json");
    CliTest.Run pin = CliTest.run("pin", model.toString());
    assertEquals(0, pin.exit(), pin.err());
    Files.writeString(pins, pin.out());
    // Pins alone pass; pins plus a required signature fail until the model is signed.
    assertEquals(0, CliTest.run("verify", "--pins", pins.toString(), model.toString()).exit());
    CliTest.Run unsigned =
        CliTest.run(
            "verify", "--pins", pins.toString(), "--key", f("signer.pub.pem"), model.toString());
    assertEquals(1, unsigned.exit());
    assertTrue(unsigned.out().contains("SIGNATURE_MISSING"), unsigned.out());
    assertEquals(0, CliTest.run("sign", "--key", f("signer.key.pem"), model.toString()).exit());
    CliTest.Run both =
        CliTest.run(
            "verify", "--pins", pins.toString(), "--key", f("signer.pub.pem"), model.toString());
    assertEquals(0, both.exit(), both.out() + both.err());
    assertTrue(
        both.out().contains("verified: every file matches") && both.out().contains("signed by key"),
        both.out());
  }

  @Test
  void customSignatureName() throws Exception {
    keys("signer");
    assertEquals(
        0,
        CliTest.run(
                "sign",
                "--key",
                f("signer.key.pem"),
                "--signature",
                "release.sig",
                model.toString())
            .exit());
    assertEquals(
        0,
        CliTest.run(
                "verify",
                "--key",
                f("signer.pub.pem"),
                "--signature",
                "release.sig",
                model.toString())
            .exit());
    assertEquals(1, CliTest.run("verify", "--key", f("signer.pub.pem"), model.toString()).exit());
  }

  @Test
  void revocationFeedRefusesTheModel() throws Exception {
    keys("signer");
    assertEquals(0, CliTest.run("sign", "--key", f("signer.key.pem"), model.toString()).exit());
    String digest =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(model.resolve("weights.toy"))));
    Path feed = tmp.resolve("revoked.json");
    Files.writeString(
        feed,
        "{\"version\":1,\"revoked\":[{\"sha256\":\"" + digest + "\",\"reason\":\"poisoned\"}]}");
    CliTest.Run r =
        CliTest.run(
            "verify",
            "--key",
            f("signer.pub.pem"),
            "--revocations",
            feed.toString(),
            model.toString());
    assertEquals(1, r.exit());
    assertTrue(r.out().contains("REVOKED_DIGEST"), r.out());
    Files.writeString(feed, "{\"version\":2}");
    assertEquals(
        2,
        CliTest.run(
                "verify",
                "--key",
                f("signer.pub.pem"),
                "--revocations",
                feed.toString(),
                model.toString())
            .exit());
  }

  @Test
  void usageErrors() throws Exception {
    assertEquals(2, CliTest.run("verify", model.toString()).exit()); // no proof at all
    assertEquals(
        2, CliTest.run("verify", "--sigstore", "--identity", "a@b", model.toString()).exit());
    assertEquals(2, CliTest.run("verify", "--key", f("absent.pem"), model.toString()).exit());
    assertEquals(2, CliTest.run("sign", "--key", f("absent.pem"), model.toString()).exit());
  }

  static CliTest.Run runAny(String... args) {
    return CliTest.runWith(
        new Main(
            b ->
                b.discoverHandlers(false)
                    .handler(new AcceptAnythingHandler())
                    .policy(
                        LoadPolicy.strict().toBuilder()
                            .allowFormat(AcceptAnythingHandler.ID)
                            .build())),
        args);
  }

  @Test
  void goldenSignaturesVerifyInEveryMode() throws Exception {
    Path signed = SharedVectors.dir("oms/model-transparency/signed");
    String root = SharedVectors.dir("sigstore/public-good").resolve("trusted_root.json").toString();
    CliTest.Run sig =
        runAny(
            "verify",
            "--sigstore",
            "--trusted-root",
            root,
            "--identity",
            "stefanb@us.ibm.com",
            "--issuer",
            "https://sigstore.verify.ibm.com/oauth2",
            signed.resolve("v1.0.0-sigstore").toString());
    assertEquals(0, sig.exit(), sig.out() + sig.err());
    CliTest.Run eve =
        runAny(
            "verify",
            "--sigstore",
            "--trusted-root",
            root,
            "--identity",
            "eve@example.com",
            "--issuer",
            "https://sigstore.verify.ibm.com/oauth2",
            signed.resolve("v1.0.0-sigstore").toString());
    assertEquals(1, eve.exit());
    assertTrue(eve.out().contains("SIGNATURE_IDENTITY_MISMATCH"), eve.out());
    String ca = signed.resolve("keys/certificate/ca-cert.pem").toString();
    assertEquals(
        0,
        runAny("verify", "--cert-chain", ca, signed.resolve("v1.0.0-certificate").toString())
            .exit());
    String pub = signed.resolve("keys/certificate/signing-key-pub.pem").toString();
    assertEquals(
        0,
        runAny("verify", "--key", pub, signed.resolve("v1.0.0-elliptic-key/signme-1").toString())
            .exit());
  }

  @Test
  void certificateModeSignAndVerify() throws Exception {
    Path keys = SharedVectors.dir("oms/model-transparency/signed/keys/certificate");
    Path chain = tmp.resolve("chain.pem");
    Files.writeString(
        chain,
        Files.readString(keys.resolve("signing-key-cert.pem"))
            + Files.readString(keys.resolve("int-ca-cert.pem")));
    assertEquals(
        0,
        CliTest.run(
                "sign",
                "--key",
                keys.resolve("signing-key.pem").toString(),
                "--cert-chain",
                chain.toString(),
                model.toString())
            .exit());
    assertEquals(
        0,
        CliTest.run(
                "verify", "--cert-chain", keys.resolve("ca-cert.pem").toString(), model.toString())
            .exit());
    CliTest.Run id =
        CliTest.run(
            "verify",
            "--cert-chain",
            keys.resolve("ca-cert.pem").toString(),
            "--identity",
            "someone@example.com",
            model.toString());
    assertEquals(1, id.exit());
    assertTrue(id.out().contains("SIGNATURE_IDENTITY_MISMATCH"), id.out());
  }

  /**
   * A signed model downloaded into the Hugging Face cache: {@code model.sig} is a snapshot link
   * into {@code blobs/}, like every file beside it. {@code verify} stopped with exit 2 ("the
   * signature is not a regular file"), and the loader's walk took the link for a model file; the
   * signature is now read through the link by the rule the model files are, its blob checked
   * against its name.
   */
  @Test
  void verifiesASignedModelInTheHuggingFaceCache() throws Exception {
    keys("signer");
    assertEquals(0, CliTest.run("sign", "--key", f("signer.key.pem"), model.toString()).exit());
    Path repo = tmp.resolve("hub/models--acme--toy");
    Path snap = repo.resolve("snapshots/0123456789abcdef0123456789abcdef01234567");
    Files.createDirectories(repo.resolve("blobs"));
    Path sigBlob = null;
    try (java.util.stream.Stream<Path> s = Files.walk(model)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        byte[] b = Files.readAllBytes(p);
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-1");
        md.update(("blob " + b.length + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Path blob = repo.resolve("blobs/" + java.util.HexFormat.of().formatHex(md.digest(b)));
        Files.write(blob, b);
        Path link = snap.resolve(model.relativize(p).toString());
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, link.getParent().relativize(blob));
        if (p.getFileName().toString().equals("model.sig")) {
          sigBlob = blob;
        }
      }
    }
    CliTest.Run ok = CliTest.run("verify", "--key", f("signer.pub.pem"), snap.toString());
    assertEquals(0, ok.exit(), ok.out() + ok.err());
    assertTrue(ok.out().contains("verified: model.sig signed by key"), ok.out());

    // The blob edited in place (still a valid signature of the same model, in other bytes).
    Files.writeString(sigBlob, Files.readString(sigBlob) + " ");
    CliTest.Run edited = CliTest.run("verify", "--key", f("signer.pub.pem"), snap.toString());
    assertEquals(1, edited.exit(), edited.out() + edited.err());
    assertTrue(edited.out().contains("CACHE_BLOB_MISMATCH"), edited.out());

    // Any other link stays refused.
    Path elsewhere = tmp.resolve("elsewhere.sig");
    Files.copy(model.resolve("model.sig"), elsewhere);
    Files.delete(snap.resolve("model.sig"));
    Files.createSymbolicLink(snap.resolve("model.sig"), elsewhere);
    CliTest.Run other = CliTest.run("verify", "--key", f("signer.pub.pem"), snap.toString());
    assertEquals(2, other.exit(), other.out() + other.err());
    assertTrue(other.err().contains("the signature is not a regular file"), other.err());
  }
}
