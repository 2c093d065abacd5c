package dev.safeload.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import dev.safeload.ModelRejectedException;
import dev.safeload.Reason;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.verify.PinSet;
import dev.safeload.verify.signing.TrustPolicy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Assertions on what the README's library examples deliver. The README's code itself runs as
 * written in {@link ReadmeSnippetsTest}, which can only check that each block completes without
 * logging; this test adds what the blocks do not show: the delivered bytes and their buffer kind,
 * the materialized copy, refusal of unproven files, and a signed model that loads, does not serve
 * {@code model.sig} and is refused after tampering.
 */
class ReadmeExamplesTest {
  @TempDir Path tmp;
  Path models;

  /** models/llama: one safetensors file (one F32 tensor [2]) and a config.json. */
  @BeforeEach
  void writeModel() throws Exception {
    models = ReadmeFixtures.writeLlama(tmp.resolve("models/llama"));
  }

  @Test
  void frontDoorExample() throws Exception {
    Path pinPath = ReadmeFixtures.pin(models, "models/llama", tmp.resolve("models.pins.json"));
    SafeModelLoader loader =
        SafeModelLoader.builder()
            .policy(LoadPolicy.strict())
            .verifier(PinSet.load(pinPath))
            .build();
    try (VerifiedModel model = loader.load(models)) {
      ByteBuffer weights = model.file("model.safetensors").buffer();
      Path dir = model.materialize();
      assertTrue(weights.isReadOnly() && weights.isDirect());
      assertEquals(
          ReadmeFixtures.FIRST_WEIGHT,
          weights.order(ByteOrder.LITTLE_ENDIAN).getFloat(weights.limit() - 8));
      assertTrue(Files.isRegularFile(dir.resolve("config.json")));
    }
    ScanReport report = loader.scan(models);
    assertTrue(report.accepted());
  }

  @Test
  void unpinnedFilesMustBeAllowedInCode() throws Exception {
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class, () -> SafeModelLoader.builder().build().load(models));
    assertTrue(e.hasReason(Reason.UNPROVEN_FILE));
    LoadPolicy relaxed = LoadPolicy.strict().toBuilder().allowUnpinnedFiles().build();
    try (VerifiedModel model = SafeModelLoader.builder().policy(relaxed).build().load(models)) {
      assertEquals(2, model.files().size());
    }
  }

  @Test
  void signatureExample() throws Exception {
    Path pub = ReadmeFixtures.sign(models, tmp);
    SafeModelLoader loader =
        SafeModelLoader.builder().verifier(TrustPolicy.publicKey(pub).verifier()).build();
    try (VerifiedModel model = loader.load(models)) {
      assertEquals(2, model.files().size(), "model.sig is read for the check, never served");
      assertEquals(
          java.util.List.of(dev.safeload.provenance.Technique.SIGNATURE),
          model.proofs().stream().map(dev.safeload.provenance.Proof::technique).toList());
      assertEquals(
          dev.safeload.provenance.Signer.Kind.PUBLIC_KEY, model.proofs().get(0).signer().kind());
    }
    Files.writeString(models.resolve("config.json"), "{\"architectures\":[\"Evil\"]}");
    assertThrows(ModelRejectedException.class, () -> loader.load(models));
  }
}
