package dev.safeload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.ProvenanceVerifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Stage 5 on its own: the verifiers' verdicts, and the proof requirement decided in one place. */
class ProofsTest {
  static final ModelWalk.Result WALK = new ModelWalk.Result(Path.of("m"), true, List.of(), Map.of(),
      List.of(), List.of());
  static final CheckedFile A = CrossFileChecksTest.accepted("a.graph", List.of());
  static final CheckedFile B = CrossFileChecksTest.accepted("b.graph", List.of());

  /** Proves the files it names and reports a finding against each file it is told to. */
  record Verifier(Set<String> proves, Set<String> refuses) implements ProvenanceVerifier {
    @Override
    public String id() {
      return "test";
    }

    @Override
    public ProvenanceResult verify(DigestedModel model) {
      List<Finding> findings = refuses.stream()
          .map(n -> new Finding(Reason.HANDLER_ERROR, n, Finding.NO_OFFSET, "refused")).toList();
      return new ProvenanceResult(proves, findings, List.of("test claim"));
    }
  }

  @Test
  void whenProofIsRequiredEveryReadFileNeedsAVerifierThatProvesIt() {
    Proofs.Result r = new Proofs(List.of(new Verifier(Set.of("a.graph"), Set.of()))).check(List.of(A, B), WALK, true);
    assertEquals(List.of(), codes(r.files().get(0)));
    assertEquals(List.of(Reason.UNPROVEN_FILE), codes(r.files().get(1)));
    assertEquals(List.of("test claim"), r.claims());
  }

  @Test
  void withoutTheRequirementAnUnprovenFileIsNoFinding() {
    Proofs.Result r = new Proofs(List.of()).check(List.of(A), WALK, false);
    assertEquals(List.of(), codes(r.files().get(0)));
  }

  @Test
  void aVerifiersFindingsGoToTheirFileOrToTheModel() {
    Proofs.Result r = new Proofs(List.of(new Verifier(Set.of(), Set.of("a.graph", "gone.bin"))))
        .check(List.of(A), WALK, false);
    assertEquals(List.of(Reason.HANDLER_ERROR), codes(r.files().get(0)));
    assertEquals(List.of(Reason.HANDLER_ERROR), r.modelFindings().stream().map(Finding::reason).toList());
  }

  @Test
  void aVerifierThatFailsIsAModelFinding() {
    ProvenanceVerifier broken = new ProvenanceVerifier() {
      @Override
      public String id() {
        return "broken";
      }

      @Override
      public ProvenanceResult verify(DigestedModel model) {
        throw new IllegalStateException("bug");
      }
    };
    Proofs.Result r = new Proofs(List.of(broken)).check(List.of(A), WALK, true);
    assertEquals(List.of(Reason.VERIFIER_ERROR), r.modelFindings().stream().map(Finding::reason).toList());
    assertEquals(List.of(Reason.UNPROVEN_FILE), codes(r.files().get(0)));
  }

  private static List<ReasonCode> codes(CheckedFile f) {
    return f.findings().stream().map(Finding::reason).toList();
  }
}
