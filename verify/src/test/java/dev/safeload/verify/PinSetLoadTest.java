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
import java.security.MessageDigest;
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
    return Sha256.of(MessageDigest.getInstance("SHA-256", "SUN").digest(b));
  }

  static SafeModelLoader loader(PinSet pins) {
    return SafeModelLoader.builder()
        .discoverHandlers(false)
        .handler(new ToyHandler())
        .policy(LoadPolicy.strict().toBuilder().allowFormat(ToyHandler.ID).build())
        .pins(pins)
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
    ModelRejectedException e = assertThrows(ModelRejectedException.class,
        () -> loader(PinSet.load(pinFile)).load(model).close());
    return e.findings().stream().map(Finding::reason).collect(Collectors.toSet());
  }

  @Test
  void acceptsTheModelItsPinsDescribe() throws Exception {
    try (VerifiedModel m = loader(PinSet.load(pinFile)).load(model)) {
      assertEquals(List.of("pinned by models.pins.json (sha256, 2 files)"), m.provenance());
      assertEquals(2, m.files().size());
    }
  }

  @Test
  void acceptsSha256sumPins() throws Exception {
    Path sums = tmp.resolve("SHA256SUMS");
    StringBuilder sb = new StringBuilder();
    for (String name : List.of("sub/extra.toy", "weights.toy")) {
      sb.append(sha(Files.readAllBytes(model.resolve(name))).hex()).append("  ").append(name).append('\n');
    }
    Files.writeString(sums, sb);
    try (VerifiedModel m = loader(PinSet.load(sums)).load(model)) {
      assertEquals(List.of("pinned by SHA256SUMS (sha256, 2 files)"), m.provenance());
    }
  }

  @Test
  void rejectsSameSizeTamper() throws Exception {
    byte[] b = Files.readAllBytes(model.resolve("weights.toy"));
    b[b.length - 1] ^= 1;
    Files.write(model.resolve("weights.toy"), b);
    assertEquals(Set.of(Reason.PIN_DIGEST_MISMATCH, Reason.UNPROVEN_FILE), rejection());
  }

  @Test
  void rejectsSizeChange() throws Exception {
    Files.write(model.resolve("weights.toy"), new byte[] {'!'}, StandardOpenOption.APPEND);
    assertEquals(Set.of(Reason.PIN_SIZE_MISMATCH, Reason.UNPROVEN_FILE), rejection());
  }

  @Test
  void rejectsDigestMismatchWhenOnlyTheDigestIsPinned() throws Exception {
    Files.writeString(pinFile, sha(toy("other")).hex() + "  weights.toy\n"
        + sha(Files.readAllBytes(model.resolve("sub/extra.toy"))).hex() + "  sub/extra.toy\n");
    assertEquals(Set.of(Reason.PIN_DIGEST_MISMATCH, Reason.UNPROVEN_FILE), rejection());
  }

  @Test
  void rejectsMissingPinnedFile() throws Exception {
    Files.delete(model.resolve("sub/extra.toy"));
    assertEquals(Set.of(Reason.PIN_FILE_MISSING), rejection());
  }

  @Test
  void rejectsUnpinnedFile() throws Exception {
    Files.write(model.resolve("sub/planted.toy"), toy("planted"));
    ModelRejectedException e = assertThrows(ModelRejectedException.class,
        () -> loader(PinSet.load(pinFile)).load(model).close());
    // The pins name the planted file; the loader's own UNPROVEN_FILE backs it up.
    assertEquals(Set.of(Reason.PIN_FILE_NOT_PINNED, Reason.UNPROVEN_FILE),
        e.findings().stream().map(Finding::reason).collect(Collectors.toSet()));
    assertTrue(e.findings().stream().allMatch(f -> "sub/planted.toy".equals(f.file())));
  }

  @ParameterizedTest
  @ValueSource(strings = {"../weights.toy", "/etc/passwd", "sub\\\\extra.toy", "sub//extra.toy",
      "./weights.toy", "sub/./extra.toy", "sub/", ""})
  void rejectsPinNamesThatCannotNameAServedFile(String bad) throws Exception {
    String json = Files.readString(pinFile).replace("\"files\" : [", "\"files\" : [ {\"path\": \"" + bad
        + "\", \"sha256\": \"" + "a".repeat(64) + "\"},");
    Files.writeString(pinFile, json);
    assertEquals(Set.of(Reason.PIN_NAME_INVALID), rejection());
  }

  @Test
  void singleFileModelNeedsOnlyItsOwnPin() throws Exception {
    try (VerifiedModel m = loader(PinSet.load(pinFile)).load(model.resolve("weights.toy"))) {
      assertEquals(List.of("pinned by models.pins.json (sha256, 1 file)"), m.provenance());
    }
  }

  @Test
  void singleFileModelWithoutItsPinIsRejected() throws Exception {
    Path other = Files.write(tmp.resolve("other.toy"), toy("other"));
    ModelRejectedException e = assertThrows(ModelRejectedException.class,
        () -> loader(PinSet.load(pinFile)).load(other).close());
    assertTrue(e.findings().stream().anyMatch(f -> f.reason() == Reason.PIN_FILE_NOT_PINNED), e.findings().toString());
  }

  @Test
  void scanReportsPinFindingsWithoutThrowing() throws Exception {
    Files.write(model.resolve("weights.toy"), toy("weights-0123456780"));
    ScanReport r = loader(PinSet.load(pinFile)).scan(model);
    assertEquals(List.of(Reason.PIN_DIGEST_MISMATCH),
        r.findings().stream().map(Finding::reason).toList());
    assertEquals("weights.toy", r.findings().get(0).file());
  }

  @Test
  void pinsBuiltInCode() throws Exception {
    byte[] w = Files.readAllBytes(model.resolve("weights.toy"));
    byte[] x = Files.readAllBytes(model.resolve("sub/extra.toy"));
    PinSet pins = PinSet.of(new PinSet.Pin("weights.toy", w.length, sha(w)),
        new PinSet.Pin("sub/extra.toy", PinSet.UNKNOWN_SIZE, sha(x)));
    try (VerifiedModel m = loader(pins).load(model)) {
      assertEquals(List.of("pinned by code (sha256, 2 files)"), m.provenance());
    }
  }

  /** Declares {@code model.sig} a side file, as a signature verifier would, and proves nothing itself. */
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
    public dev.safeload.provenance.ProvenanceResult verify(dev.safeload.provenance.DigestedModel model) {
      return new dev.safeload.provenance.ProvenanceResult(Set.of(), List.of(), List.of());
    }
  }

  @Test
  void pinnedSideFileMustMatchThoughItIsNotServed() throws Exception {
    byte[] sig = "signature bundle".getBytes(UTF_8);
    Files.write(model.resolve("model.sig"), sig);
    PinSet pins = PinSet.builder()
        .pin("model.sig", sig.length, sha(sig))
        .pin("weights.toy", sha(Files.readAllBytes(model.resolve("weights.toy"))))
        .pin("sub/extra.toy", sha(Files.readAllBytes(model.resolve("sub/extra.toy"))))
        .build();
    SafeModelLoader loader = SafeModelLoader.builder()
        .discoverHandlers(false)
        .handler(new ToyHandler())
        .policy(LoadPolicy.strict().toBuilder().allowFormat(ToyHandler.ID).build())
        .pins(pins)
        .trust(new SideFileClaimer())
        .build();
    try (VerifiedModel m = loader.load(model)) {
      assertEquals(List.of("sub/extra.toy", "weights.toy"),
          m.files().stream().map(VerifiedModel.VerifiedFile::name).toList());
    }
    Files.write(model.resolve("model.sig"), "signature bundlf".getBytes(UTF_8));
    ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> loader.load(model).close());
    assertEquals(List.of(Reason.PIN_DIGEST_MISMATCH), e.findings().stream().map(Finding::reason).toList());
    Files.write(model.resolve("model.sig"), "short".getBytes(UTF_8));
    e = assertThrows(ModelRejectedException.class, () -> loader.load(model).close());
    assertEquals(List.of(Reason.PIN_SIZE_MISMATCH), e.findings().stream().map(Finding::reason).toList());
    Files.delete(model.resolve("model.sig"));
    e = assertThrows(ModelRejectedException.class, () -> loader.load(model).close());
    assertEquals(List.of(Reason.PIN_FILE_MISSING), e.findings().stream().map(Finding::reason).toList());
  }
}
