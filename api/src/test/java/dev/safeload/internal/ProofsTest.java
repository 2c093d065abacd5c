package dev.safeload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.ProofRequirement;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.provenance.Sha256;
import dev.safeload.provenance.Technique;
import dev.safeload.spi.ModelDescription;
import dev.safeload.toy.ToyReason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Stage 5 on its own: verifiers' proofs kept whole, and the proof requirement decided once, with
 * exact codes.
 */
class ProofsTest {
  static final ModelWalk.Result WALK =
      new ModelWalk.Result(Path.of("m"), true, List.of(), Map.of(), List.of(), List.of());

  static SourceFile source(String name, long size) {
    return new SourceFile(name, Path.of(name), size, FileTime.fromMillis(0), null, null, 1, null);
  }

  /** A file read, hashed and accepted as {@code toy}. */
  static CheckedFile read(String name) {
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    return new CheckedFile(
        source(name, b.length),
        new ChunkedBytes(List.of(ByteBuffer.wrap(b))),
        Sha256.hash(b),
        java.util.Map.of(),
        null,
        null,
        "toy",
        ModelDescription.empty("toy"),
        List.of(),
        false,
        null);
  }

  static final CheckedFile A = read("a.toy");
  static final CheckedFile B = read("b.toy");

  /**
   * Proves the named files with one technique, as a real verifier would: from the digests it is
   * given.
   */
  record Proves(String id, Technique technique, List<String> names) implements ProvenanceVerifier {
    Proves(String id, Technique technique, String... names) {
      this(id, technique, List.of(names));
    }

    @Override
    public ProvenanceResult verify(DigestedModel model) {
      Proof.Builder b = Proof.builder(id, technique);
      names.forEach(n -> b.file(model.file(n).orElseThrow()));
      return ProvenanceResult.of(b.build());
    }
  }

  /** A verifier whose result is whatever the function makes of the model. */
  record Returns(String id, Function<DigestedModel, ProvenanceResult> f)
      implements ProvenanceVerifier {
    @Override
    public ProvenanceResult verify(DigestedModel model) {
      return f.apply(model);
    }
  }

  static Proofs.Result check(
      ProofRequirement required, List<CheckedFile> files, ProvenanceVerifier... vs) {
    return new Proofs(List.of(vs), required, null).check(files, WALK);
  }

  static List<ReasonCode> reasons(CheckedFile f) {
    return f.findings().stream().map(Finding::reason).toList();
  }

  static CheckedFile named(Proofs.Result r, String name) {
    return r.files().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void anyProofAcceptsAProvenFileAndRefusesAnUnprovenOne() {
    Proofs.Result r =
        check(
            ProofRequirement.anyProof(), List.of(A, B), new Proves("pins", Technique.PIN, "a.toy"));
    assertEquals(List.of(), reasons(named(r, "a.toy")));
    assertEquals(List.of(Reason.UNPROVEN_FILE), reasons(named(r, "b.toy")));
    assertEquals(
        "no pin, signature or attestation covers this file",
        named(r, "b.toy").findings().get(0).message());
    assertEquals(List.of(), r.modelFindings());
    assertEquals(1, r.proofs().size());
    assertEquals(r.proofs(), r.covering("a.toy"));
    assertEquals(List.of(), r.covering("b.toy"));
  }

  @Test
  void anyTechniqueSatisfiesAnyProof() {
    Proofs.Result r =
        check(
            ProofRequirement.anyProof(),
            List.of(A),
            new Proves("att", Technique.ATTESTATION, "a.toy"));
    assertEquals(List.of(), reasons(named(r, "a.toy")));
  }

  @Test
  void noRequirementAddsNothingButKeepsTheProofs() {
    Proofs.Result r =
        check(ProofRequirement.none(), List.of(A, B), new Proves("pins", Technique.PIN, "a.toy"));
    assertEquals(List.of(), reasons(named(r, "a.toy")));
    assertEquals(List.of(), reasons(named(r, "b.toy")));
    assertEquals(1, r.covering("a.toy").size());
  }

  @Test
  void allOfNeedsEveryTechniqueOnEveryFileAndNamesTheMissingOne() {
    ProofRequirement both = ProofRequirement.allOf(Technique.PIN, Technique.SIGNATURE);
    Proofs.Result r =
        check(
            both,
            List.of(A, B),
            new Proves("pins", Technique.PIN, "a.toy", "b.toy"),
            new Proves("sig", Technique.SIGNATURE, "a.toy"));
    assertEquals(List.of(), reasons(named(r, "a.toy")));
    assertEquals(List.of(Reason.UNPROVEN_FILE), reasons(named(r, "b.toy")));
    assertEquals(
        "no signature covers this file; the policy requires pin and signature",
        named(r, "b.toy").findings().get(0).message());
    assertEquals(2, r.covering("a.toy").size());
  }

  @Test
  void attestationCanBeRequiredInAdditionToASignature() {
    ProofRequirement both = ProofRequirement.allOf(Technique.SIGNATURE, Technique.ATTESTATION);
    Proofs.Result r =
        check(
            both,
            List.of(A),
            new Proves("sig", Technique.SIGNATURE, "a.toy"),
            new Proves("pins", Technique.PIN, "a.toy"));
    assertEquals(List.of(Reason.UNPROVEN_FILE), reasons(named(r, "a.toy")));
    assertEquals(
        "no attestation covers this file; the policy requires signature and attestation",
        named(r, "a.toy").findings().get(0).message());
  }

  @Test
  void withoutVerifiersTheMessageSaysNoneIsConfigured() {
    Proofs.Result r = check(ProofRequirement.anyProof(), List.of(A));
    assertEquals(List.of(Reason.UNPROVEN_FILE), reasons(named(r, "a.toy")));
    assertTrue(
        named(r, "a.toy")
            .findings()
            .get(0)
            .message()
            .startsWith("no pins or signatures configured"));
  }

  @Test
  void anUnreadFileKeepsItsOwnFindingOnly() {
    CheckedFile unread =
        CheckedFile.unread(
            source("c.toy", 3), new Finding(Reason.IO_ERROR, "c.toy", Finding.NO_OFFSET, "gone"));
    Proofs.Result r =
        check(
            ProofRequirement.anyProof(),
            List.of(A, unread),
            new Proves("pins", Technique.PIN, "a.toy"));
    assertEquals(List.of(Reason.IO_ERROR), reasons(named(r, "c.toy")));
  }

  @Test
  void aVerifierFindingGoesToItsFileAndTheRequirementStillApplies() {
    ProvenanceVerifier mismatch =
        new Returns(
            "pins",
            m ->
                ProvenanceResult.rejected(
                    new Finding(
                        ToyReason.TOY_DIGEST_NOT_ALLOWED, "a.toy", Finding.NO_OFFSET, "differs"),
                    new Finding(
                        ToyReason.TOY_BODY_INVALID, null, Finding.NO_OFFSET, "about the model")));
    Proofs.Result r = check(ProofRequirement.anyProof(), List.of(A), mismatch);
    assertEquals(
        List.of(ToyReason.TOY_DIGEST_NOT_ALLOWED, Reason.UNPROVEN_FILE),
        reasons(named(r, "a.toy")));
    assertEquals(
        List.of(ToyReason.TOY_BODY_INVALID),
        r.modelFindings().stream().map(Finding::reason).toList());
  }

  /**
   * A finding that names a file the model does not serve cannot be pinned on a file: the model
   * carries it.
   */
  @Test
  void aVerifierFindingAboutAnUnknownFileGoesToTheModel() {
    ProvenanceVerifier stray =
        new Returns(
            "pins",
            m ->
                ProvenanceResult.rejected(
                    new Finding(
                        ToyReason.TOY_DIGEST_NOT_ALLOWED,
                        "gone.toy",
                        Finding.NO_OFFSET,
                        "not here")));
    Proofs.Result r = check(ProofRequirement.none(), List.of(A), stray);
    assertEquals(List.of(), reasons(named(r, "a.toy")));
    assertEquals(
        List.of(ToyReason.TOY_DIGEST_NOT_ALLOWED),
        r.modelFindings().stream().map(Finding::reason).toList());
  }

  @Test
  void aCrashingVerifierIsAVerifierErrorAndTheOthersStillCount() {
    ProvenanceVerifier crash =
        new Returns(
            "crash",
            m -> {
              throw new IllegalStateException("bug");
            });
    Proofs.Result r =
        check(
            ProofRequirement.anyProof(),
            List.of(A),
            crash,
            new Proves("pins", Technique.PIN, "a.toy"));
    assertEquals(
        List.of(Reason.VERIFIER_ERROR), r.modelFindings().stream().map(Finding::reason).toList());
    assertTrue(r.modelFindings().get(0).message().contains("verifier crash failed"));
    assertEquals(List.of(), reasons(named(r, "a.toy")));
  }

  /** A proof of other bytes, of a file not served, or in another verifier's name proves nothing. */
  @Test
  void aProofThatMisstatesWhatWasServedIsRefused() {
    Sha256 other = Sha256.ofHex("00".repeat(32));
    List<ProvenanceVerifier> liars =
        List.of(
            new Returns(
                "wrong-digest",
                m ->
                    ProvenanceResult.of(
                        Proof.builder("wrong-digest", Technique.PIN)
                            .file(new DigestedFile("a.toy", A.data().size(), other))
                            .build())),
            new Returns(
                "wrong-size",
                m ->
                    ProvenanceResult.of(
                        Proof.builder("wrong-size", Technique.PIN)
                            .file(new DigestedFile("a.toy", 1, A.sha256()))
                            .build())),
            new Returns(
                "not-served",
                m ->
                    ProvenanceResult.of(
                        Proof.builder("not-served", Technique.PIN)
                            .file(new DigestedFile("z.toy", 1, other))
                            .build())),
            new Returns(
                "impostor",
                m ->
                    ProvenanceResult.of(
                        Proof.builder("pins", Technique.PIN)
                            .file(m.file("a.toy").orElseThrow())
                            .build())));
    for (ProvenanceVerifier liar : liars) {
      Proofs.Result r = check(ProofRequirement.anyProof(), List.of(A), liar);
      assertEquals(
          List.of(Reason.VERIFIER_ERROR),
          r.modelFindings().stream().map(Finding::reason).toList(),
          liar.id());
      assertEquals(List.of(), r.proofs(), liar.id());
      assertEquals(List.of(Reason.UNPROVEN_FILE), reasons(named(r, "a.toy")), liar.id());
    }
  }

  /**
   * Verifiers run on the loader's pool, each once, and their results come back in verifier order.
   */
  @Test
  void verifiersRunOnTheLoadersPoolInOrder() throws Exception {
    List<String> threads = Collections.synchronizedList(new ArrayList<>());
    List<ProvenanceVerifier> vs = new ArrayList<>();
    for (Technique t : Technique.values()) {
      String id = t.name().toLowerCase(java.util.Locale.ROOT);
      vs.add(
          new Returns(
              id,
              m -> {
                threads.add(Thread.currentThread().getName());
                return ProvenanceResult.of(
                    Proof.builder(id, t).file(m.file("a.toy").orElseThrow()).build());
              }));
    }
    ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "loader-pool"));
    try {
      Proofs.Result r =
          new Proofs(
                  vs,
                  ProofRequirement.allOf(Technique.PIN, Technique.SIGNATURE, Technique.ATTESTATION),
                  pool)
              .check(List.of(A), WALK);
      assertEquals(
          List.of(Technique.PIN, Technique.SIGNATURE, Technique.ATTESTATION),
          r.proofs().stream().map(Proof::technique).toList());
      assertEquals(List.of(), reasons(named(r, "a.toy")));
      assertEquals(List.of("loader-pool", "loader-pool", "loader-pool"), threads);
    } finally {
      pool.shutdownNow();
    }
  }
}
