package dev.safeload.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code safeload sign} and {@code safeload verify --key|--cert-chain} through the command line. */
class SignatureCommandsTest {
  @TempDir Path tmp;

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  Path model() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("model"));
    Files.writeString(dir.resolve("a.bin"), "weights");
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/b.bin"), "more weights");
    return dir;
  }

  KeyPair keys(String name) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair kp = g.generateKeyPair();
    Files.writeString(tmp.resolve(name + ".key.pem"), pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
    Files.writeString(tmp.resolve(name + ".pub.pem"), pem("PUBLIC KEY", kp.getPublic().getEncoded()));
    return kp;
  }

  @Test
  void signThenVerifyWithKey() throws Exception {
    keys("signer");
    keys("other");
    Path dir = model();
    assertEquals(0, SignatureTool.run("sign", "--key", tmp.resolve("signer.key.pem").toString(), dir.toString()));
    assertTrue(Files.exists(dir.resolve("model.sig")));
    assertEquals(0, SignatureTool.run("verify", "--key", tmp.resolve("signer.pub.pem").toString(), dir.toString()));
    assertEquals(1, SignatureTool.run("verify", "--key", tmp.resolve("other.pub.pem").toString(), dir.toString()));
    Files.writeString(dir.resolve("sub/b.bin"), "tampered");
    assertEquals(1, SignatureTool.run("verify", "--key", tmp.resolve("signer.pub.pem").toString(), dir.toString()));
  }

  @Test
  void customSignatureName() throws Exception {
    keys("signer");
    Path dir = model();
    assertEquals(0, SignatureTool.run("sign", "--key", tmp.resolve("signer.key.pem").toString(),
        "--signature", "release.sig", dir.toString()));
    assertEquals(0, SignatureTool.run("verify", "--key", tmp.resolve("signer.pub.pem").toString(),
        "--signature", "release.sig", dir.toString()));
    // Under the default name there is no signature: rejected.
    assertEquals(1, SignatureTool.run("verify", "--key", tmp.resolve("signer.pub.pem").toString(), dir.toString()));
  }

  @Test
  void certificateModeAgainstTheGoldenCa() throws Exception {
    String base = System.getProperty("safeload.vectors");
    Path keys = base == null ? null : Path.of(base, "oms/model-transparency/signed/keys/certificate");
    if (keys == null || !Files.isDirectory(keys)) {
      org.junit.jupiter.api.Assumptions.assumeFalse(!"true".equals(System.getenv("CI")), "vectors missing");
      throw new AssertionError("vectors missing in CI");
    }
    Path chain = tmp.resolve("chain.pem");
    Files.writeString(chain, Files.readString(keys.resolve("signing-key-cert.pem")) + Files.readString(keys.resolve("int-ca-cert.pem")));
    Path dir = model();
    assertEquals(0, SignatureTool.run("sign", "--key", keys.resolve("signing-key.pem").toString(),
        "--cert-chain", chain.toString(), dir.toString()));
    assertEquals(0, SignatureTool.run("verify", "--cert-chain", keys.resolve("ca-cert.pem").toString(), dir.toString()));
    assertEquals(1, SignatureTool.run("verify", "--cert-chain", keys.resolve("ca-cert.pem").toString(),
        "--identity", "someone@example.com", dir.toString()));
  }

  @Test
  void sigstoreNeedsATrustedRootIdentityAndIssuer() throws Exception {
    Path dir = model();
    assertEquals(2, SignatureTool.run("verify", "--sigstore", "--identity", "a@b", dir.toString()));
    assertEquals(2, SignatureTool.run("verify", dir.toString())); // no mode at all
  }

  static Path vectors(String sub) {
    String base = System.getProperty("safeload.vectors");
    Path p = base == null ? null : Path.of(base, sub);
    if (p == null || !Files.isDirectory(p)) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("vectors missing: " + p);
      }
      org.junit.jupiter.api.Assumptions.assumeTrue(false, "shared vectors not found; skipping");
    }
    return p;
  }

  @Test
  void sigstoreGoldenVerifiesOffline() throws Exception {
    Path model = vectors("oms/model-transparency/signed/v1.0.0-sigstore");
    String root = vectors("sigstore/public-good").resolve("trusted_root.json").toString();
    assertEquals(0, SignatureTool.run("verify", "--sigstore", "--trusted-root", root, "--identity", "stefanb@us.ibm.com",
        "--issuer", "https://sigstore.verify.ibm.com/oauth2", model.toString()));
    assertEquals(1, SignatureTool.run("verify", "--sigstore", "--trusted-root", root, "--identity", "eve@example.com",
        "--issuer", "https://sigstore.verify.ibm.com/oauth2", model.toString()));
  }

  @Test
  void revocationFeedRefusesTheModel() throws Exception {
    keys("signer");
    Path dir = model();
    assertEquals(0, SignatureTool.run("sign", "--key", tmp.resolve("signer.key.pem").toString(), dir.toString()));
    String digest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(dir.resolve("a.bin"))));
    Path feed = tmp.resolve("revoked.json");
    Files.writeString(feed, "{\"version\":1,\"revoked\":[{\"sha256\":\"" + digest + "\",\"reason\":\"poisoned\"}]}");
    assertEquals(1, SignatureTool.run("verify", "--key", tmp.resolve("signer.pub.pem").toString(),
        "--revocations", feed.toString(), dir.toString()));
  }
}
