package dev.safeload.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.FileReport;
import dev.safeload.LoadPolicy;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.verify.PinSet;
import dev.safeload.verify.signing.ModelSigner;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * The files the README's examples expect, shared by {@link ReadmeSnippetsTest} and {@link
 * ReadmeExamplesTest}.
 */
final class ReadmeFixtures {
  /** The first float of the single tensor in {@link #writeLlama}'s {@code model.safetensors}. */
  static final float FIRST_WEIGHT = 1.5f;

  private ReadmeFixtures() {}

  /**
   * {@code dir} (created): {@code model.safetensors} with one F32 tensor [2], and a {@code
   * config.json}.
   */
  static Path writeLlama(Path dir) throws Exception {
    Files.createDirectories(dir);
    byte[] header =
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"
            .getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(header.length).put(header).putFloat(FIRST_WEIGHT).putFloat(-2f);
    Files.write(dir.resolve("model.safetensors"), b.array());
    Files.writeString(dir.resolve("config.json"), "{\"architectures\":[\"Tiny\"]}");
    return dir;
  }

  /**
   * Writes what {@code safeload pin SOURCE > pinFile} writes for {@code model}, the way {@code
   * PinCommand} does it (the integration module does not depend on safeload-cli): a scan with the
   * CLI's strict loader, refused unless every file is accepted and digested, then one pin per
   * scanned file.
   */
  static Path pin(Path model, String source, Path pinFile) throws Exception {
    ScanReport r =
        SafeModelLoader.builder()
            .policy(LoadPolicy.strict().toBuilder().ignoreFiles().build())
            .build()
            .scan(model);
    assertTrue(
        r.accepted()
            && r.modelFindings().isEmpty()
            && r.files().stream().allMatch(f -> f.sha256() != null),
        "safeload pin would refuse: " + r.findings());
    PinSet.Builder pins = PinSet.builder().source(source);
    for (FileReport f : r.files()) {
      pins.pin(f.name(), f.size(), f.sha256());
    }
    try (OutputStream out = Files.newOutputStream(pinFile)) {
      pins.build().writeJson(out);
    }
    return pinFile;
  }

  /** A fresh EC P-256 key pair. */
  static KeyPair ecKeyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /**
   * Signs {@code model} as {@code safeload sign --key key.pem} does, writing {@code key.pem} and
   * the matching {@code pub} ({@code signer.pub.pem} in the README) into {@code keyDir}; returns
   * {@code pub}.
   */
  static Path sign(Path model, Path keyDir) throws Exception {
    KeyPair kp = ecKeyPair();
    Path key = pem(keyDir.resolve("key.pem"), "PRIVATE KEY", kp.getPrivate().getEncoded());
    Path pub = pem(keyDir.resolve("signer.pub.pem"), "PUBLIC KEY", kp.getPublic().getEncoded());
    ModelSigner.withKey(key).signTo(model);
    return pub;
  }

  static Path pem(Path p, String type, byte[] der) throws Exception {
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return Files.writeString(
        p, "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n");
  }
}
