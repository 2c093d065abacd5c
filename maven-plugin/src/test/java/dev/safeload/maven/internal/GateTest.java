package dev.safeload.maven.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.maven.internal.Gate.Checked;
import dev.safeload.maven.internal.Gate.SignatureMode;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.signing.TrustPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GateTest {
  @TempDir Path dir;

  private static List<String> codes(Checked c) {
    return c.report().findings().stream().map(Finding::reason).map(r -> r.code()).toList();
  }

  @Test
  void cleanModelIsAccepted() throws Exception {
    Models.write(dir, "m/model.safetensors", Models.CLEAN);
    Checked c = Gate.of(Gate.Settings.scan()).check(dir.resolve("m"));
    assertTrue(c.report().accepted(), () -> c.report().findings().toString());
  }

  @Test
  void duplicateKeyIsRejectedWithItsCode() throws Exception {
    Models.write(dir, "m/model.safetensors", Models.DUPLICATE_KEY);
    Checked c = Gate.of(Gate.Settings.scan()).check(dir.resolve("m"));
    assertEquals(List.of("SAFETENSORS_DUPLICATE_KEY"), codes(c));
  }

  /** The policy file's policy is the base: its licence allowlist is enforced. */
  @Test
  void thePolicyFilesLicenceAllowlistIsEnforced() throws Exception {
    Models.write(dir, "m/model.safetensors", Models.CLEAN);
    Path file =
        Files.writeString(
            dir.resolve("safeload.json"), "{\"version\":1,\"licenses\":{\"allow\":[\"MIT\"]}}");
    Checked c =
        Gate.of(Gate.Settings.scan(), dev.safeload.PolicyFile.read(file).policy())
            .check(dir.resolve("m"));
    assertEquals(List.of("LICENSE_UNKNOWN"), codes(c)); // the model declares no licence
  }

  private Gate.Settings withPins(Path pins) {
    return new Gate.Settings(
        pins,
        SignatureMode.NONE,
        null,
        null,
        null,
        TrustPolicy.DEFAULT_SIGNATURE_FILE,
        null,
        List.of(),
        List.of());
  }

  @Test
  void pinsProveEveryFile() throws Exception {
    Path f = Models.write(dir, "m/model.safetensors", Models.CLEAN);
    String hex =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256", "SUN").digest(Files.readAllBytes(f)));
    Path pins =
        Files.writeString(
            dir.resolve("m.sha256"), hex + "  model.safetensors\n", StandardCharsets.US_ASCII);
    Checked c = Gate.of(withPins(pins)).check(dir.resolve("m"));
    assertTrue(c.report().accepted(), () -> c.report().findings().toString());
    assertEquals(1, c.report().proofs().size());
    assertEquals(java.util.Set.of("model.safetensors"), c.report().proofs().get(0).fileNames());
    // The plugin's BOM is a valid CycloneDX 1.6 document and records the proof.
    byte[] bom = Gate.bom(List.of(c)).toByteArray();
    dev.safeload.bom.BomSchema.assertValid(bom);
    assertTrue(new String(bom, StandardCharsets.UTF_8).contains("hash-comparison"));
  }

  @Test
  void aFileNoPinCoversIsUnproven() throws Exception {
    Path f = Models.write(dir, "m/model.safetensors", Models.CLEAN);
    Models.write(dir, "m/extra.safetensors", Models.CLEAN.replace("weight", "bias"));
    String hex =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256", "SUN").digest(Files.readAllBytes(f)));
    Path pins =
        Files.writeString(
            dir.resolve("m.sha256"), hex + "  model.safetensors\n", StandardCharsets.US_ASCII);
    Checked c = Gate.of(withPins(pins)).check(dir.resolve("m"));
    // The pins refuse a file they do not list, and the loader's proof rule calls it unproven.
    assertEquals(List.of(VerifyReason.PIN_FILE_NOT_PINNED.code(), "UNPROVEN_FILE"), codes(c));
    assertEquals("extra.safetensors", c.report().findings().get(0).file());
  }

  @Test
  void aSignatureModeWithoutItsTrustFileIsAnError() {
    Gate.Settings s =
        new Gate.Settings(
            null,
            SignatureMode.KEY,
            null,
            null,
            null,
            TrustPolicy.DEFAULT_SIGNATURE_FILE,
            null,
            List.of(),
            List.of());
    assertThrows(IllegalArgumentException.class, () -> Gate.of(s));
  }

  @Test
  void ignoredFilesAreListedNotRead() throws Exception {
    Models.write(dir, "m/model.safetensors", Models.CLEAN);
    Files.writeString(dir.resolve("m/README.md"), "# a model card\n");
    Gate.Settings s =
        new Gate.Settings(
            null,
            SignatureMode.NONE,
            null,
            null,
            null,
            TrustPolicy.DEFAULT_SIGNATURE_FILE,
            null,
            List.of("*.md"),
            List.of());
    Checked c = Gate.of(s).check(dir.resolve("m"));
    assertTrue(c.report().accepted(), () -> c.report().findings().toString());
    assertEquals(List.of("README.md"), c.report().ignoredFiles());
  }
}
