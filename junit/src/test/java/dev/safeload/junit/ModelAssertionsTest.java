package dev.safeload.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.FileReport;
import dev.safeload.ModelRejectedException;
import dev.safeload.Reason;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.formats.FormatReason;
import dev.safeload.provenance.Sha256;
import dev.safeload.provenance.Technique;
import dev.safeload.testing.FileBuilders;
import dev.safeload.verify.PinSet;
import dev.safeload.verify.VerifyReason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** The assertions on real files, with the real format handlers and pin sets on the class path. */
class ModelAssertionsTest {
  /** One F32 tensor of two elements: a valid file. */
  static final String ONE_TENSOR =
      "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

  @TempDir Path dir;

  private Path write(String name, byte[] content) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.write(p, content);
  }

  private Path valid() throws Exception {
    return write("model/model.safetensors", FileBuilders.safetensors(ONE_TENSOR, 8));
  }

  /** Valid header, 4 bytes more than it accounts for. */
  private Path trailing() throws Exception {
    return write("bad/model.safetensors", FileBuilders.safetensors(ONE_TENSOR, 12));
  }

  @Test
  void acceptedReturnsTheReport() throws Exception {
    ScanReport r = ModelAssertions.assertAccepted(valid());
    FileReport f = r.files().get(0);
    assertEquals("safetensors", f.format());
    assertEquals(sha256(Files.readAllBytes(valid())), f.sha256());
  }

  @Test
  void acceptedFailsWithEveryFindingInTheMessage() throws Exception {
    Path bad = trailing();
    AssertionFailedError e =
        assertThrows(AssertionFailedError.class, () -> ModelAssertions.assertAccepted(bad));
    assertTrue(
        e.getMessage().startsWith(bad + ": expected to be accepted; 1 finding:"), e.getMessage());
    assertTrue(
        e.getMessage().contains("\n  SAFETENSORS_TRAILING_BYTES model.safetensors@"),
        e.getMessage());
  }

  @Test
  void unknownFormatFailureSaysWhereHandlersComeFrom() throws Exception {
    Path text = write("notes/readme.bin", "hello".getBytes(StandardCharsets.US_ASCII));
    AssertionFailedError e =
        assertThrows(AssertionFailedError.class, () -> ModelAssertions.assertAccepted(text));
    assertTrue(e.getMessage().contains("UNKNOWN_FORMAT"), e.getMessage());
    // Handlers are on this class path: the file is simply not a model, and the hint says so.
    assertTrue(
        e.getMessage().endsWith("\n" + ModelAssertions.unknownFormatHint(true)), e.getMessage());
    assertTrue(e.getMessage().contains("not in any allowed model format"), e.getMessage());
    assertFalse(e.getMessage().contains("class path"), e.getMessage());
    // Only a class path without any handler is blamed.
    assertTrue(
        ModelAssertions.unknownFormatHint(false)
            .contains("no format handler is on the test class path"));
  }

  @Test
  void theDefaultLoaderReadsThePolicyFileFromTheWorkingDirectory() throws Exception {
    Path text = write("withpolicy/notes/card.md", "hello".getBytes(StandardCharsets.US_ASCII));
    Path dir = text.getParent().getParent();
    Files.createDirectories(dir.resolve(".git"));
    Files.writeString(dir.resolve("safeload.json"), "{\"version\":1,\"opaque\":[\"*.md\"]}");
    assertEquals(
        "opaque",
        ModelAssertions.assertAccepted(
                ModelAssertions.defaultLoader(dir, text.getParent()), text.getParent())
            .files()
            .get(0)
            .format());
    Files.writeString(dir.resolve("safeload.json"), "{\"version\":1,\"opaqe\":[]}");
    AssertionFailedError e =
        assertThrows(AssertionFailedError.class, () -> ModelAssertions.defaultLoader(dir, text));
    assertEquals(
        "invalid policy file "
            + dir.toRealPath().resolve("safeload.json")
            + ": $: unknown key \"opaqe\" (allowed: formats,"
            + " ignore, licenses, limits, opaque, profiles, trust, version)",
        e.getMessage());
    // A policy the model brings is refused, not applied.
    Path notes = text.getParent();
    Files.writeString(notes.resolve("safeload.json"), "{\"version\":1,\"opaque\":[\"*.md\"]}");
    AssertionFailedError inside =
        assertThrows(AssertionFailedError.class, () -> ModelAssertions.defaultLoader(notes, notes));
    assertTrue(
        inside.getMessage().startsWith("policy file refused: ")
            && inside.getMessage().contains("a model cannot choose the policy it is judged by"),
        inside.getMessage());
  }

  @Test
  void aLoaderWithoutHandlersAcceptsNothing() throws Exception {
    SafeModelLoader bare = SafeModelLoader.builder().discoverHandlers(false).build();
    Path model = valid();
    AssertionFailedError e =
        assertThrows(AssertionFailedError.class, () -> ModelAssertions.assertAccepted(bare, model));
    assertTrue(e.getMessage().contains("UNKNOWN_FORMAT"), e.getMessage());
  }

  @Test
  void rejectedWithTheExpectedReason() throws Exception {
    ScanReport r =
        ModelAssertions.assertRejected(trailing(), FormatReason.SAFETENSORS_TRAILING_BYTES);
    assertEquals(FormatReason.SAFETENSORS_TRAILING_BYTES, r.findings().get(0).reason());
  }

  @Test
  void rejectedFailsWhenAcceptedOrForAnotherReason() throws Exception {
    Path good = valid();
    AssertionFailedError accepted =
        assertThrows(
            AssertionFailedError.class,
            () -> ModelAssertions.assertRejected(good, FormatReason.SAFETENSORS_TRAILING_BYTES));
    assertEquals(
        good
            + ": expected to be rejected with SAFETENSORS_TRAILING_BYTES, but every file was accepted",
        accepted.getMessage());

    Path bad = trailing();
    AssertionFailedError other =
        assertThrows(
            AssertionFailedError.class,
            () ->
                ModelAssertions.assertRejected(
                    bad, FormatReason.SAFETENSORS_TRAILING_BYTES, FormatReason.SAFETENSORS_HOLE));
    assertTrue(
        other
            .getMessage()
            .startsWith(
                bad
                    + ": expected to be rejected with SAFETENSORS_TRAILING_BYTES,"
                    + " SAFETENSORS_HOLE, missing SAFETENSORS_HOLE; 1 finding:"),
        other.getMessage());
  }

  @Test
  void aMissingPathFailsRatherThanPasses() {
    Path missing = dir.resolve("no-such-model");
    AssertionFailedError e =
        assertThrows(AssertionFailedError.class, () -> ModelAssertions.assertAccepted(missing));
    assertTrue(e.getMessage().startsWith(missing + ": cannot be read: "), e.getMessage());
    AssertionFailedError r =
        assertThrows(
            AssertionFailedError.class,
            () -> ModelAssertions.assertRejected(missing, Reason.IO_ERROR));
    assertTrue(r.getMessage().startsWith(missing + ": cannot be read: "), r.getMessage());
  }

  @Test
  void loadsWhenPinnedAndRefusesWhenTampered() throws Exception {
    Path model = valid();
    byte[] bytes = Files.readAllBytes(model);
    SafeModelLoader pinned =
        SafeModelLoader.builder()
            .verifier(
                PinSet.builder().pin("model.safetensors", bytes.length, sha256(bytes)).build())
            .build();
    try (VerifiedModel m = ModelAssertions.assertLoads(pinned, model.getParent())) {
      assertEquals(bytes.length, m.file("model.safetensors").buffer().remaining());
    }

    bytes[bytes.length - 1] = 1; // same size, different bytes, still a valid file
    Files.write(model, bytes);
    ModelRejectedException e =
        ModelAssertions.assertLoadRejected(
            pinned, model.getParent(), VerifyReason.PIN_DIGEST_MISMATCH);
    assertTrue(e.hasReason(VerifyReason.PIN_DIGEST_MISMATCH));
    ModelAssertions.assertAccepted(
        model); // the tampered file is still a valid file: only the pin catches it
  }

  @Test
  void loadsFailsForAnUnprovenModelAndLoadRejectedFailsWhenItLoads() throws Exception {
    Path model = valid();
    AssertionFailedError unproven =
        assertThrows(
            AssertionFailedError.class,
            () -> ModelAssertions.assertLoads(SafeModelLoader.builder().build(), model));
    assertTrue(unproven.getMessage().contains("\n  UNPROVEN_FILE "), unproven.getMessage());

    byte[] bytes = Files.readAllBytes(model);
    SafeModelLoader pinned =
        SafeModelLoader.builder()
            .verifier(
                PinSet.builder().pin("model.safetensors", bytes.length, sha256(bytes)).build())
            .build();
    AssertionFailedError loaded =
        assertThrows(
            AssertionFailedError.class,
            () ->
                ModelAssertions.assertLoadRejected(
                    pinned, model.getParent(), VerifyReason.PIN_DIGEST_MISMATCH));
    assertEquals(
        model.getParent()
            + ": expected the load to be refused with PIN_DIGEST_MISMATCH, but it loaded",
        loaded.getMessage());
  }

  @Test
  void provenReadsTheLoadersProofsAndNamesWhatAFileLacks() throws Exception {
    Path model = valid();
    byte[] bytes = Files.readAllBytes(model);
    SafeModelLoader pinned =
        SafeModelLoader.builder()
            .verifier(
                PinSet.builder()
                    .source("enc.pins.json")
                    .pin("model.safetensors", bytes.length, sha256(bytes))
                    .build())
            .build();
    ScanReport r = ModelAssertions.assertProven(pinned, model.getParent());
    assertEquals(1, r.proofs().size());
    assertEquals(Technique.PIN, r.files().get(0).proofs().get(0).technique());
    ModelAssertions.assertProven(pinned, model.getParent(), Technique.PIN);

    AssertionFailedError noSignature =
        assertThrows(
            AssertionFailedError.class,
            () ->
                ModelAssertions.assertProven(
                    pinned, model.getParent(), Technique.PIN, Technique.SIGNATURE));
    assertTrue(
        noSignature.getMessage().contains("expected every file to be proven (PIN and SIGNATURE)"),
        noSignature.getMessage());
    assertTrue(
        noSignature
            .getMessage()
            .contains("\n  model.safetensors: no [SIGNATURE] proof; proven by [PIN via pins"),
        noSignature.getMessage());

    AssertionFailedError unpinned =
        assertThrows(
            AssertionFailedError.class,
            () ->
                ModelAssertions.assertProven(SafeModelLoader.builder().build(), model.getParent()));
    assertTrue(
        unpinned.getMessage().endsWith("(any proof)\n  model.safetensors: no proof"),
        unpinned.getMessage());
  }

  static Sha256 sha256(byte[] b) throws Exception {
    return Sha256.hash(b);
  }
}
