package dev.safeload.loader;

import static dev.safeload.loader.Fixtures.loader;
import static dev.safeload.loader.Fixtures.unpinnedToyPolicy;
import static dev.safeload.loader.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ModelRejectedException;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.SafeModelLoader;
import dev.safeload.VerifiedModel;
import dev.safeload.provenance.Sha256;
import dev.safeload.toy.DigestAllowlist;
import dev.safeload.toy.ToyHandler;
import dev.safeload.toy.ToyReason;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Link rules and the provenance requirement of {@code load}. */
class LinksAndProvenanceTest {
  @TempDir Path dir;

  private static List<ReasonCode> reasons(ModelRejectedException e) {
    return e.findings().stream().map(Finding::reason).toList();
  }

  @Test
  void loadRefusesFilesWithoutProofOfProvenanceByDefault() throws Exception {
    Path f = write(dir, "w.toy", ToyHandler.valid());
    SafeModelLoader strict = loader(LoadPolicy.strict().toBuilder().allowFormat("toy").build());
    ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> strict.load(f));
    assertEquals(List.of(Reason.UNPROVEN_FILE), reasons(e));
    assertTrue(strict.scan(f).accepted(), "scan reports without requiring provenance");
  }

  @Test
  void aVerifierThatProvesTheDigestLetsTheModelLoad() throws Exception {
    Path f = write(dir, "w.toy", ToyHandler.valid());
    SafeModelLoader l =
        SafeModelLoader.builder()
            .policy(LoadPolicy.strict().toBuilder().allowFormat("toy").build())
            .handler(new ToyHandler())
            .verifier(new DigestAllowlist(Set.of(Sha256.of(Fixtures.sha256(ToyHandler.valid())))))
            .build();
    try (VerifiedModel m = l.load(f)) {
      assertEquals(1, m.proofs().size());
      dev.safeload.provenance.Proof p = m.proofs().get(0);
      assertEquals("digest-allowlist", p.verifier());
      assertEquals(dev.safeload.provenance.Technique.PIN, p.technique());
      assertEquals(java.util.Set.of("w.toy"), p.fileNames());
      assertEquals(List.of(p), m.file("w.toy").proofs());
      assertEquals(Sha256.of(Fixtures.sha256(ToyHandler.valid())), m.file("w.toy").sha256());
    }
  }

  /**
   * A scan applies the proof requirement only when the policy asks it to, and then exactly as load
   * does.
   */
  @Test
  void scansApplyTheProofRequirementWhenThePolicyAsks() throws Exception {
    Path f = write(dir, "w.toy", ToyHandler.valid());
    LoadPolicy toy = LoadPolicy.strict().toBuilder().allowFormat("toy").build();
    SafeModelLoader asks = loader(toy.toBuilder().requireProofInScans().build());
    assertEquals(
        List.of(Reason.UNPROVEN_FILE),
        asks.scan(f).findings().stream().map(Finding::reason).toList());
    SafeModelLoader relaxed =
        loader(toy.toBuilder().allowUnpinnedFiles().requireProofInScans().build());
    assertTrue(relaxed.scan(f).accepted(), "nothing required, nothing to report");
  }

  @Test
  void aScanReportCarriesEachFilesProofs() throws Exception {
    Path f = write(dir, "w.toy", ToyHandler.valid());
    SafeModelLoader l =
        SafeModelLoader.builder()
            .policy(
                LoadPolicy.strict().toBuilder().allowFormat("toy").requireProofInScans().build())
            .handler(new ToyHandler())
            .verifier(new DigestAllowlist(Set.of(Sha256.of(Fixtures.sha256(ToyHandler.valid())))))
            .build();
    dev.safeload.ScanReport r = l.scan(f);
    assertTrue(r.accepted(), r.findings().toString());
    assertEquals(1, r.proofs().size());
    assertEquals(r.proofs(), r.files().get(0).proofs());
    assertEquals(
        Sha256.of(Fixtures.sha256(ToyHandler.valid())), r.proofs().get(0).files().get(0).sha256());
  }

  /** Requiring a signature on top of pins: a pin alone leaves the file unproven. */
  @Test
  void aRequiredTechniqueThatNoVerifierProvidesRejectsTheLoad() throws Exception {
    Path f = write(dir, "w.toy", ToyHandler.valid());
    SafeModelLoader l =
        SafeModelLoader.builder()
            .policy(
                LoadPolicy.strict().toBuilder()
                    .allowFormat("toy")
                    .requireProof(
                        dev.safeload.provenance.Technique.PIN,
                        dev.safeload.provenance.Technique.SIGNATURE)
                    .build())
            .handler(new ToyHandler())
            .verifier(new DigestAllowlist(Set.of(Sha256.of(Fixtures.sha256(ToyHandler.valid())))))
            .build();
    ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> l.load(f));
    assertEquals(List.of(Reason.UNPROVEN_FILE), reasons(e));
    assertEquals(
        "no signature covers this file; the policy requires pin and signature",
        e.findings().get(0).message());
  }

  @Test
  void verifierFindingsRejectTheLoad() throws Exception {
    Path f = write(dir, "w.toy", ToyHandler.valid());
    SafeModelLoader l =
        SafeModelLoader.builder()
            .policy(LoadPolicy.strict().toBuilder().allowFormat("toy").build())
            .handler(new ToyHandler())
            .verifier(new DigestAllowlist(Set.of(Sha256.ofHex("00".repeat(32)))))
            .build();
    ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> l.load(f));
    assertEquals(List.of(ToyReason.TOY_DIGEST_NOT_ALLOWED, Reason.UNPROVEN_FILE), reasons(e));
    Finding first = e.findings().get(0);
    assertEquals("w.toy", first.file());
  }

  @Test
  void aVerifierThatCrashesRejectsTheModelWithItsOwnCode() throws Exception {
    Path f = write(dir, "w.toy", ToyHandler.valid());
    dev.safeload.provenance.ProvenanceVerifier crashing =
        new dev.safeload.provenance.ProvenanceVerifier() {
          @Override
          public String id() {
            return "crashing";
          }

          @Override
          public dev.safeload.provenance.ProvenanceResult verify(
              dev.safeload.provenance.DigestedModel model) {
            throw new IllegalStateException("bug");
          }
        };
    SafeModelLoader l =
        SafeModelLoader.builder()
            .policy(LoadPolicy.strict().toBuilder().allowFormat("toy").build())
            .handler(new ToyHandler())
            .verifier(crashing)
            .build();
    ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> l.load(f));
    assertEquals(List.of(Reason.VERIFIER_ERROR, Reason.UNPROVEN_FILE), reasons(e));
  }

  @Test
  void symlinkedFileInsideTheModelIsRejected() throws Exception {
    Path model = dir.resolve("m");
    write(dir, "m/a.toy", ToyHandler.valid());
    Path target = write(dir, "elsewhere.toy", ToyHandler.valid());
    Files.createSymbolicLink(model.resolve("b.toy"), target);
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class, () -> loader(unpinnedToyPolicy().build()).load(model));
    assertEquals(List.of(Reason.SYMLINK), reasons(e));
    assertEquals("b.toy", e.findings().get(0).file());
  }

  @Test
  void symlinkedModelPathIsRejectedAndAllowSymlinksRelaxesIt() throws Exception {
    Path target = write(dir, "real.toy", ToyHandler.valid());
    Path link = Files.createSymbolicLink(dir.resolve("link.toy"), target);
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class, () -> loader(unpinnedToyPolicy().build()).load(link));
    assertEquals(List.of(Reason.SYMLINK), reasons(e));
    try (VerifiedModel m = loader(unpinnedToyPolicy().allowSymlinks().build()).load(link)) {
      assertEquals(1, m.files().size());
    }
  }

  @Test
  void symlinkedDirectoryAboveTheModelIsRejected() throws Exception {
    write(dir, "real/w.toy", ToyHandler.valid());
    Path linkDir = Files.createSymbolicLink(dir.resolve("linked"), dir.resolve("real"));
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class,
            () -> loader(unpinnedToyPolicy().build()).load(linkDir.resolve("w.toy")));
    assertEquals(List.of(Reason.SYMLINK), reasons(e));
  }

  @Test
  void hardLinkedFileIsRejectedAndAllowHardLinksRelaxesIt() throws Exception {
    Path f = write(dir, "m/w.toy", ToyHandler.valid());
    Files.createLink(dir.resolve("other-name.toy"), f);
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class, () -> loader(unpinnedToyPolicy().build()).load(f));
    assertEquals(List.of(Reason.HARDLINK), reasons(e));
    try (VerifiedModel m = loader(unpinnedToyPolicy().allowHardLinks().build()).load(f)) {
      assertEquals("w.toy", m.files().get(0).name());
    }
  }

  @Test
  void ignoredFilesAreNeitherValidatedNorServed() throws Exception {
    Path model = dir.resolve("m");
    write(dir, "m/w.toy", ToyHandler.valid());
    write(dir, "m/README.md", "# a model card".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    write(dir, "m/docs/notes.md", "notes".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    write(
        dir,
        "m/.gitattributes",
        "*.toy filter=lfs".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class, () -> loader(unpinnedToyPolicy().build()).load(model));
    assertEquals(
        List.of(Reason.UNKNOWN_FORMAT, Reason.UNKNOWN_FORMAT, Reason.UNKNOWN_FORMAT), reasons(e));
    LoadPolicy snapshot =
        unpinnedToyPolicy().ignoreFiles("*.md", "**/*.md", ".gitattributes").build();
    try (VerifiedModel m = loader(snapshot).load(model)) {
      assertEquals(
          List.of("w.toy"), m.files().stream().map(VerifiedModel.VerifiedFile::name).toList());
      assertEquals(List.of("w.toy"), listNames(m.materialize()));
    }
    assertThrows(
        IllegalArgumentException.class, () -> LoadPolicy.strict().toBuilder().ignoreFiles("[a-"));
  }

  private static List<String> listNames(Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void aMissingPathIsAnIoErrorNotAFinding() {
    assertThrows(
        NoSuchFileException.class,
        () -> loader(unpinnedToyPolicy().build()).load(dir.resolve("absent.toy")));
  }

  @Test
  void filesLargerThanThePolicyLimitAreNotRead() throws Exception {
    Path f = write(dir, "w.toy", ToyHandler.valid());
    LoadPolicy small = unpinnedToyPolicy().set(LoadPolicy.MAX_FILE_BYTES, 5L).build();
    ModelRejectedException e =
        assertThrows(ModelRejectedException.class, () -> loader(small).load(f));
    assertEquals(List.of(Reason.FILE_TOO_LARGE), reasons(e));
  }

  @Test
  void tooManyFilesStopsTheWalk() throws Exception {
    for (int i = 0; i < 4; i++) {
      write(dir, "m/" + i + ".toy", ToyHandler.valid());
    }
    LoadPolicy few = unpinnedToyPolicy().set(LoadPolicy.MAX_FILES, 3L).build();
    ModelRejectedException e =
        assertThrows(ModelRejectedException.class, () -> loader(few).load(dir.resolve("m")));
    assertTrue(reasons(e).contains(Reason.TOO_MANY_FILES), e.findings().toString());
  }
}
