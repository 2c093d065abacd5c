package dev.safeload.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import dev.safeload.ModelRejectedException;
import dev.safeload.Reason;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.verify.PinSet;
import dev.safeload.verify.signing.ModelSignatureVerifier;
import dev.safeload.verify.signing.ModelSigner;
import dev.safeload.verify.signing.TrustPolicy;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's library examples, run as written against a small model directory. */
class ReadmeExamplesTest {
  @TempDir Path tmp;
  Path models;

  /** models/llama: one safetensors file (one F32 tensor [2]) and a config.json. */
  @BeforeEach
  void writeModel() throws Exception {
    models = Files.createDirectories(tmp.resolve("models/llama"));
    byte[] header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"
        .getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(header.length).put(header).putFloat(1.5f).putFloat(-2f);
    Files.write(models.resolve("model.safetensors"), b.array());
    Files.writeString(models.resolve("config.json"), "{\"architectures\":[\"Tiny\"]}");
  }

  /** What {@code safeload pin models/llama > models.pins.json} writes. */
  private Path pinFile() throws Exception {
    ScanReport r = SafeModelLoader.builder().build().scan(models);
    assertTrue(r.accepted(), r.findings().toString());
    PinSet.Builder pins = PinSet.builder();
    r.files().forEach(f -> pins.pin(f.name(), f.size(), f.sha256()));
    Path file = tmp.resolve("models.pins.json");
    try (OutputStream out = Files.newOutputStream(file)) {
      pins.build().writeJson(out);
    }
    return file;
  }

  @Test
  void frontDoorExample() throws Exception {
    Path pinPath = pinFile();
    // --- as in the README, with paths made absolute for the test ---
    SafeModelLoader loader = SafeModelLoader.builder()
        .policy(LoadPolicy.strict())
        .pins(PinSet.load(pinPath))
        .build();
    try (VerifiedModel model = loader.load(models)) {
      ByteBuffer weights = model.file("model.safetensors").buffer();
      Path dir = model.materialize();
      assertTrue(weights.isReadOnly() && weights.isDirect());
      assertEquals(1.5f, weights.order(ByteOrder.LITTLE_ENDIAN).getFloat(weights.limit() - 8));
      assertTrue(Files.isRegularFile(dir.resolve("config.json")));
    }
    ScanReport report = loader.scan(models);
    assertTrue(report.accepted());

    // A file planted after pinning is refused, with its reason.
    Files.writeString(models.resolve("extra.json"), "{}");
    ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> loader.load(models));
    assertTrue(e.hasReason(Reason.PIN_FILE_NOT_PINNED), e.findings().toString());
  }

  @Test
  void unpinnedFilesMustBeAllowedInCode() throws Exception {
    ModelRejectedException e = assertThrows(ModelRejectedException.class,
        () -> SafeModelLoader.builder().build().load(models));
    assertTrue(e.hasReason(Reason.UNPROVEN_FILE));
    LoadPolicy relaxed = LoadPolicy.strict().toBuilder()
        .allowUnpinnedFiles()
        .build();
    try (VerifiedModel model = SafeModelLoader.builder().policy(relaxed).build().load(models)) {
      assertEquals(2, model.files().size());
    }
  }

  @Test
  void signatureExample() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    Path key = pem(tmp.resolve("key.pem"), "PRIVATE KEY", kp.getPrivate().getEncoded());
    Path pub = pem(tmp.resolve("signer.pub.pem"), "PUBLIC KEY", kp.getPublic().getEncoded());

    ModelSigner.withKey(key).signTo(models);
    SafeModelLoader loader = SafeModelLoader.builder()
        .trust(ModelSignatureVerifier.of(TrustPolicy.publicKey(pub).build()))
        .build();
    try (VerifiedModel model = loader.load(models)) {
      assertEquals(2, model.files().size(), "model.sig is read for the check, never served");
      assertFalse(model.provenance().isEmpty());
    }
    Files.writeString(models.resolve("config.json"), "{\"architectures\":[\"Evil\"]}");
    assertThrows(ModelRejectedException.class, () -> loader.load(models));
  }

  private static Path pem(Path p, String type, byte[] der) throws Exception {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return Files.writeString(p, "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n");
  }
}
