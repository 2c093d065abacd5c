package dev.safeload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.ProofRequirement;
import dev.safeload.provenance.Sha256;
import dev.safeload.provenance.Signer;
import dev.safeload.provenance.Technique;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The provenance value types: what they accept, and how a requirement reads a file's proofs. */
class ProofValuesTest {
  static final DigestedFile A = new DigestedFile("a", 1, Sha256.ofHex("aa".repeat(32)));
  static final DigestedFile B = new DigestedFile("b", 2, Sha256.ofHex("bb".repeat(32)));

  static Proof proof(Technique t) {
    return Proof.builder("v", t).file(A).build();
  }

  @Test
  void aProofKeepsItsPartsSortedAndIsEqualByValue() {
    Proof p =
        Proof.builder("oms-signature", Technique.SIGNATURE)
            .signer(Signer.certificate("a@x", "https://i"))
            .file(B)
            .file(A)
            .file(A)
            .attribute(Proof.SOURCE_COMMIT, "c0ffee")
            .source("model.sig")
            .build();
    assertEquals(List.of(A, B), p.files());
    assertEquals(Set.of("a", "b"), p.fileNames());
    assertEquals(List.of(Proof.SOURCE, Proof.SOURCE_COMMIT), List.copyOf(p.attributes().keySet()));
    assertEquals("model.sig", p.attribute(Proof.SOURCE));
    assertNull(p.attribute(Proof.SOURCE_REPOSITORY));
    assertEquals(
        p,
        Proof.builder("oms-signature", Technique.SIGNATURE)
            .signer(Signer.certificate("a@x", "https://i"))
            .file(A)
            .file(B)
            .source("model.sig")
            .attribute(Proof.SOURCE_COMMIT, "c0ffee")
            .build());
    assertEquals(
        "SIGNATURE by a@x (https://i) via oms-signature: 2 files from model.sig", p.toString());
    assertEquals(Map.of(), proof(Technique.PIN).attributes());
  }

  @Test
  void aProofRefusesWhatWouldMakeItAmbiguous() {
    assertThrows(IllegalStateException.class, () -> Proof.builder("v", Technique.PIN).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> Proof.builder("v", Technique.PIN).file(A).file(new DigestedFile("a", 1, B.sha256())));
    assertThrows(IllegalArgumentException.class, () -> Proof.builder("", Technique.PIN));
    assertThrows(
        IllegalArgumentException.class,
        () -> Proof.builder("v", Technique.PIN).attribute("Source", "x"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Proof.builder("v", Technique.PIN)
                .attribute("k", "x".repeat(Proof.MAX_ATTRIBUTE_CHARS + 1)));
    assertThrows(IllegalArgumentException.class, () -> Signer.publicKey(""));
  }

  @Test
  void signersNameKeysAndCertificates() {
    assertEquals("key sha256:ab", Signer.publicKey("sha256:ab").toString());
    assertEquals(Signer.Kind.CERTIFICATE, Signer.certificate("CN=x", null).kind());
    assertNull(Signer.certificate("CN=x", null).issuer());
  }

  @Test
  void requirementsSayWhatAFileLacks() {
    List<Proof> pinOnly = List.of(proof(Technique.PIN));
    assertEquals(Set.of(), ProofRequirement.none().missing(List.of()));
    assertEquals(Set.of(Technique.values()), ProofRequirement.anyProof().missing(List.of()));
    assertEquals(Set.of(), ProofRequirement.anyProof().missing(pinOnly));
    ProofRequirement pinAndSig = ProofRequirement.allOf(Technique.PIN, Technique.SIGNATURE);
    assertEquals(Set.of(Technique.SIGNATURE), pinAndSig.missing(pinOnly));
    assertEquals(
        Set.of(), pinAndSig.missing(List.of(proof(Technique.SIGNATURE), proof(Technique.PIN))));
    assertEquals("PIN and SIGNATURE", pinAndSig.toString());
    assertEquals(pinAndSig, ProofRequirement.allOf(Technique.SIGNATURE, Technique.PIN));
  }
}
