package dev.safeload.verify;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ModelRejectedException;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.provenance.Sha256;
import dev.safeload.testing.ToyHandler;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pins used the way an application uses them: through {@link SafeModelLoader}. */
class PinSetLoadTest {
  @TempDir Path tmp;
  Path model;
  Path pinFile;

  static byte[] toy(String body) {
    return ("TOY!" + body).getBytes(UTF_8);
  }

  static Sha256 sha(byte[] b) throws Exception {
    return Sha256.hash(b);
  }

  static SafeModelLoader loader(PinSet pins) {
    return SafeModelLoader.builder()
        .discoverHandlers(false)
        .handler(new ToyHandler())
        .policy(LoadPolicy.strict().toBuilder().allowFormat(ToyHandler.ID).build())
        .verifier(pins)
        .build();
  }

  @BeforeEach
  void writeModelAndPins() throws Exception {
    model = Files.createDirectory(tmp.resolve("model"));
    Files.write(model.resolve("weights.toy"), toy("weights-0123456789"));
    Files.createDirectory(model.resolve("sub"));
    Files.write(model.resolve("sub/extra.toy"), toy("extra"));
    PinSet.Builder b = PinSet.builder();
    for (String name : List.of("weights.toy", "sub/extra.toy")) {
      byte[] bytes = Files.readAllBytes(model.resolve(name));
      b.pin(name, bytes.length, sha(bytes));
    }
    pinFile = tmp.resolve("models.pins.json");
    try (OutputStream out = Files.newOutputStream(pinFile)) {
      b.build().writeJson(out);
    }
  }

  /** The reasons a load gives; a file whose pin fails is also unproven, which the loader adds. */
  Set<ReasonCode> rejection() throws Exception {
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class, () -> loader(PinSet.load(pinFile)).load(model).close());
    return e.findings().stream().map(Finding::reason).collect(Collectors.toSet());
  }

  @Test
  void acceptsTheModelItsPinsDescribe() throws Exception {
    try (VerifiedModel m = loader(PinSet.load(pinFile)).load(model)) {
      assertPinned(m, "models.pins.json", "sub/extra.toy", "weights.toy");
      assertEquals(2, m.files().size());
    }
  }

  @Test
  void acceptsSha256sumPins() throws Exception {
    Path sums = tmp.resolve("SHA256SUMS");
    StringBuilder sb = new StringBuilder();
    for (String name : List.of("sub/extra.toy", "weights.toy")) {
      sb.append(sha(Files.readAllBytes(model.resolve(name))).hex())
          .append("  ")
          .append(name)
          .append('\n');
    }
    Files.writeString(sums, sb);
    try (VerifiedModel m = loader(PinSet.load(sums)).load(model)) {
      assertPinned(m, "SHA256SUMS", "sub/extra.toy", "weights.toy");
    }
  }

  @Test
  void rejectsSameSizeTamper() throws Exception {
    byte[] b = Files.readAllBytes(model.resolve("weights.toy"));
    b[b.length - 1] ^= 1;
    Files.write(model.resolve("weights.toy"), b);
    assertEquals(Set.of(VerifyReason.PIN_DIGEST_MISMATCH, Reason.UNPROVEN_FILE), rejection());
  }

  @Test
  void rejectsSizeChange() throws Exception {
    Files.write(model.resolve("weights.toy"), new byte[] {'!'}, StandardOpenOption.APPEND);
    assertEquals(Set.of(VerifyReason.PIN_SIZE_MISMATCH, Reason.UNPROVEN_FILE), rejection());
  }

  @Test
  void rejectsDigestMismatchWhenOnlyTheDigestIsPinned() throws Exception {
    Files.writeString(
        pinFile,
        sha(toy("other")).hex()
            + "  weights.toy\n"
            + sha(Files.readAllBytes(model.resolve("sub/extra.toy"))).hex()
            + "  sub/extra.toy\n");
    assertEquals(Set.of(VerifyReason.PIN_DIGEST_MISMATCH, Reason.UNPROVEN_FILE), rejection());
  }

  @Test
  void rejectsMissingPinnedFile() throws Exception {
    Files.delete(model.resolve("sub/extra.toy"));
    assertEquals(Set.of(VerifyReason.PIN_FILE_MISSING), rejection());
  }

  @Test
  void rejectsUnpinnedFile() throws Exception {
    Files.write(model.resolve("sub/planted.toy"), toy("planted"));
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class, () -> loader(PinSet.load(pinFile)).load(model).close());
    // The pins name the planted file; the loader's own UNPROVEN_FILE backs it up.
    assertEquals(
        Set.of(VerifyReason.PIN_FILE_NOT_PINNED, Reason.UNPROVEN_FILE),
        e.findings().stream().map(Finding::reason).collect(Collectors.toSet()));
    assertTrue(e.findings().stream().allMatch(f -> "sub/planted.toy".equals(f.file())));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../weights.toy",
        "/etc/passwd",
        "sub\\\\extra.toy",
        "sub//extra.toy",
        "./weights.toy",
        "sub/./extra.toy",
        "sub/",
        ""
      })
  void rejectsPinNamesThatCannotNameAServedFile(String bad) throws Exception {
    String json =
        Files.readString(pinFile)
            .replace(
                "\"files\" : [",
                "\"files\" : [ {\"path\": \""
                    + bad
                    + "\", \"sha256\": \""
                    + "a".repeat(64)
                    + "\"},");
    Files.writeString(pinFile, json);
    assertEquals(Set.of(VerifyReason.PIN_NAME_INVALID), rejection());
  }

  @Test
  void singleFileModelNeedsOnlyItsOwnPin() throws Exception {
    try (VerifiedModel m = loader(PinSet.load(pinFile)).load(model.resolve("weights.toy"))) {
      assertPinned(m, "models.pins.json", "weights.toy");
    }
  }

  @Test
  void singleFileModelWithoutItsPinIsRejected() throws Exception {
    Path other = Files.write(tmp.resolve("other.toy"), toy("other"));
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class, () -> loader(PinSet.load(pinFile)).load(other).close());
    assertTrue(
        e.findings().stream().anyMatch(f -> f.reason() == VerifyReason.PIN_FILE_NOT_PINNED),
        e.findings().toString());
  }

  @Test
  void scanReportsPinFindingsWithoutThrowing() throws Exception {
    Files.write(model.resolve("weights.toy"), toy("weights-0123456780"));
    ScanReport r = loader(PinSet.load(pinFile)).scan(model);
    assertEquals(
        List.of(VerifyReason.PIN_DIGEST_MISMATCH),
        r.findings().stream().map(Finding::reason).toList());
    assertEquals("weights.toy", r.findings().get(0).file());
  }

  @Test
  void pinsBuiltInCode() throws Exception {
    byte[] w = Files.readAllBytes(model.resolve("weights.toy"));
    byte[] x = Files.readAllBytes(model.resolve("sub/extra.toy"));
    PinSet pins =
        PinSet.of(
            new PinSet.Pin("weights.toy", w.length, sha(w)),
            new PinSet.Pin("sub/extra.toy", PinSet.UNKNOWN_SIZE, sha(x)));
    try (VerifiedModel m = loader(pins).load(model)) {
      assertPinned(m, "code", "sub/extra.toy", "weights.toy");
    }
  }

  /**
   * The model's one proof is the pin set's: a PIN with no signer, covering exactly these files'
   * served digests.
   */
  static void assertPinned(VerifiedModel m, String source, String... files) {
    assertEquals(1, m.proofs().size(), m.proofs().toString());
    dev.safeload.provenance.Proof p = m.proofs().get(0);
    assertEquals("pins", p.verifier());
    assertEquals(dev.safeload.provenance.Technique.PIN, p.technique());
    assertEquals(null, p.signer());
    assertEquals(source, p.attribute(dev.safeload.provenance.Proof.SOURCE));
    assertEquals(Set.of(files), p.fileNames());
    for (VerifiedModel.VerifiedFile f : m.files()) {
      assertEquals(List.of(p), f.proofs(), f.name());
      assertEquals(
          f.sha256(),
          p.files().stream()
              .filter(d -> d.name().equals(f.name()))
              .findFirst()
              .orElseThrow()
              .sha256());
    }
  }

  /**
   * Declares {@code model.sig} a side file, as a signature verifier would, and proves nothing
   * itself.
   */
  static final class SideFileClaimer implements dev.safeload.provenance.ProvenanceVerifier {
    @Override
    public String id() {
      return "side-file-claimer";
    }

    @Override
    public Set<String> sideFiles() {
      return Set.of("model.sig");
    }

    @Override
    public dev.safeload.provenance.ProvenanceResult verify(
        dev.safeload.provenance.DigestedModel model) {
      return dev.safeload.provenance.ProvenanceResult.empty();
    }
  }

  @Test
  void pinnedSideFileMustMatchThoughItIsNotServed() throws Exception {
    byte[] sig = "signature bundle".getBytes(UTF_8);
    Files.write(model.resolve("model.sig"), sig);
    PinSet pins =
        PinSet.builder()
            .pin("model.sig", sig.length, sha(sig))
            .pin("weights.toy", sha(Files.readAllBytes(model.resolve("weights.toy"))))
            .pin("sub/extra.toy", sha(Files.readAllBytes(model.resolve("sub/extra.toy"))))
            .build();
    SafeModelLoader loader =
        SafeModelLoader.builder()
            .discoverHandlers(false)
            .handler(new ToyHandler())
            .policy(LoadPolicy.strict().toBuilder().allowFormat(ToyHandler.ID).build())
            .verifier(pins)
            .verifier(new SideFileClaimer())
            .build();
    try (VerifiedModel m = loader.load(model)) {
      assertEquals(
          List.of("sub/extra.toy", "weights.toy"),
          m.files().stream().map(VerifiedModel.VerifiedFile::name).toList());
    }
    Files.write(model.resolve("model.sig"), "signature bundlf".getBytes(UTF_8));
    ModelRejectedException e =
        assertThrows(ModelRejectedException.class, () -> loader.load(model).close());
    assertEquals(
        List.of(VerifyReason.PIN_DIGEST_MISMATCH),
        e.findings().stream().map(Finding::reason).toList());
    Files.write(model.resolve("model.sig"), "short".getBytes(UTF_8));
    e = assertThrows(ModelRejectedException.class, () -> loader.load(model).close());
    assertEquals(
        List.of(VerifyReason.PIN_SIZE_MISMATCH),
        e.findings().stream().map(Finding::reason).toList());
    Files.delete(model.resolve("model.sig"));
    e = assertThrows(ModelRejectedException.class, () -> loader.load(model).close());
    assertEquals(
        List.of(VerifyReason.PIN_FILE_MISSING),
        e.findings().stream().map(Finding::reason).toList());
  }
}
