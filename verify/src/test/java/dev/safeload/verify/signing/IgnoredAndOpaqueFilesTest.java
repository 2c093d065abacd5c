package dev.safeload.verify.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.intoto.OmsManifest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ignore and opaque patterns in signatures: what {@link ModelSigner} records, what a bound {@link
 * ModelSignatureVerifier} hands the loader, and how ignored files are judged.
 */
class IgnoredAndOpaqueFilesTest {
  @TempDir Path dir;

  /**
   * A model as the loader would digest it with {@code ignored} and {@code unreadable} present but
   * not served.
   */
  static DigestedModel withLeftOut(DigestedModel m, List<String> ignored, List<String> unreadable) {
    return new DigestedModel() {
      @Override
      public boolean isDirectory() {
        return m.isDirectory();
      }

      @Override
      public List<DigestedFile> files() {
        return m.files().stream()
            .filter(f -> !ignored.contains(f.name()) && !unreadable.contains(f.name()))
            .toList();
      }

      @Override
      public List<String> ignoredFiles() {
        return ignored;
      }

      @Override
      public List<String> unservedFiles() {
        return unreadable;
      }

      @Override
      public Optional<DigestedFile> file(String name) {
        return files().stream().filter(f -> f.name().equals(name)).findFirst();
      }

      @Override
      public Optional<ByteBuffer> sideFile(String name) {
        return m.sideFile(name);
      }
    };
  }

  KeyPair kp;
  TrustPolicy policy;

  void snapshot() throws Exception {
    Files.writeString(dir.resolve("a.bin"), "weights");
    Files.writeString(dir.resolve("LICENSE"), "Apache-2.0");
    Files.writeString(dir.resolve("README.md"), "# card");
    Files.createDirectories(dir.resolve("docs"));
    Files.writeString(dir.resolve("docs/USAGE.md"), "usage");
    kp = VerifierBugClassesTest.p256();
    policy = TrustPolicy.publicKeys(List.of(kp.getPublic())).build();
    ModelSigner.withKey(kp.getPrivate(), kp.getPublic())
        .ignoreFiles("*.md")
        .opaqueFiles("LICENSE")
        .signTo(dir);
  }

  DigestedModel digested(List<String> ignored, List<String> unreadable) throws Exception {
    return withLeftOut(Vectors.model(dir, Set.of("model.sig"), Set.of()), ignored, unreadable);
  }

  @Test
  void signerRecordsMatchedPathsAndPatterns() throws Exception {
    snapshot();
    OmsManifest m =
        ModelSignatureVerifier.of(policy)
            .verifySignature(Files.readAllBytes(dir.resolve("model.sig")))
            .manifest();
    assertEquals(
        List.of(
            ".git",
            ".gitattributes",
            ".github",
            ".gitignore",
            "README.md",
            "docs/USAGE.md",
            "model.sig"),
        m.ignorePaths);
    assertEquals(List.of("*.md"), m.ignorePatterns);
    assertEquals(List.of("LICENSE"), m.opaquePatterns);
    assertEquals(
        List.of("LICENSE", "a.bin"), m.resources.stream().map(OmsManifest.Resource::path).toList());
  }

  @Test
  void boundVerifierHandsTheLoaderTheSignaturesPatterns() throws Exception {
    snapshot();
    ModelSignatureVerifier v = ModelSignatureVerifier.of(policy).forModel(dir);
    // Literal ignore_paths anchored, the signature file itself left to the loader as a side file.
    assertEquals(
        Set.of(
            "/.git",
            "/.gitattributes",
            "/.github",
            "/.gitignore",
            "/README.md",
            "/docs/USAGE.md",
            "*.md"),
        v.ignoredFiles());
    assertEquals(Set.of("LICENSE"), v.opaqueFiles());
    ProvenanceResult r = v.verify(digested(List.of("README.md", "docs/USAGE.md"), List.of()));
    assertEquals(List.of(), r.findings());
    assertEquals(Set.of("LICENSE", "a.bin"), r.proven());
  }

  @Test
  void unboundVerifierRecordsNoPatterns() throws Exception {
    snapshot();
    ModelSignatureVerifier v = ModelSignatureVerifier.of(policy);
    assertEquals(Set.of(), v.ignoredFiles());
    assertEquals(Set.of(), v.opaqueFiles());
    // Without the patterns the loader serves README.md; the signature does not cover it, and says
    // why.
    ProvenanceResult r = v.verify(digested(List.of(), List.of()));
    Finding f =
        r.findings().stream().filter(x -> "README.md".equals(x.file())).findFirst().orElseThrow();
    assertEquals(VerifyReason.SIGNATURE_FILE_NOT_SIGNED, f.reason());
    assertTrue(f.message().contains("signature ignores this file"), f.message());
  }

  @Test
  void noSignatureFileLeavesTheVerifierUnbound() throws Exception {
    Files.writeString(dir.resolve("a.bin"), "x");
    ModelSignatureVerifier v =
        ModelSignatureVerifier.of(
            TrustPolicy.publicKeys(List.of(VerifierBugClassesTest.p256().getPublic())).build());
    assertSame(v, v.forModel(dir));
  }

  @Test
  void signatureChangedAfterItWasReadIsRejected() throws Exception {
    snapshot();
    ModelSignatureVerifier v = ModelSignatureVerifier.of(policy).forModel(dir);
    // Re-signed without ignores after the loader took the patterns from the first signature.
    ModelSigner.withKey(kp.getPrivate(), kp.getPublic()).signTo(dir);
    ProvenanceResult r = v.verify(digested(List.of("README.md", "docs/USAGE.md"), List.of()));
    OmsGoldenTest.assertRejected(r, Reason.SOURCE_CHANGED);
  }

  @Test
  void boundToABadSignatureReportsItAtVerification() throws Exception {
    snapshot();
    ModelSignatureVerifier v =
        ModelSignatureVerifier.of(
                TrustPolicy.publicKeys(List.of(VerifierBugClassesTest.p256().getPublic())).build())
            .forModel(dir);
    assertEquals(Set.of(), v.ignoredFiles(), "patterns of an unverified signature are never used");
    OmsGoldenTest.assertRejected(
        v.verify(digested(List.of(), List.of())), VerifyReason.SIGNATURE_INVALID);
  }

  @Test
  void signedFileIgnoredByPolicyIsNotMissing() throws Exception {
    Files.writeString(dir.resolve("a.bin"), "weights");
    Files.writeString(dir.resolve("notes.txt"), "signed, later ignored");
    kp = VerifierBugClassesTest.p256();
    policy = TrustPolicy.publicKeys(List.of(kp.getPublic())).build();
    ModelSigner.withKey(kp.getPrivate(), kp.getPublic()).signTo(dir);
    ProvenanceResult r =
        ModelSignatureVerifier.of(policy).verify(digested(List.of("notes.txt"), List.of()));
    assertEquals(List.of(), r.findings());
    assertEquals(Set.of("a.bin"), r.proven());
    assertEquals(
        "notes.txt", r.proofs().get(0).attribute(dev.safeload.provenance.Proof.IGNORED_FILES));
    // Absent, it is missing.
    ProvenanceResult gone =
        ModelSignatureVerifier.of(policy)
            .verify(
                withLeftOut(
                    Vectors.model(dir, Set.of("model.sig"), Set.of("notes.txt")),
                    List.of(),
                    List.of()));
    OmsGoldenTest.assertRejected(gone, VerifyReason.SIGNATURE_FILE_MISSING);
  }

  @Test
  void unreadableSignedFileIsLeftToTheLoadersIoError() throws Exception {
    Files.writeString(dir.resolve("a.bin"), "weights");
    Files.writeString(dir.resolve("b.bin"), "more");
    kp = VerifierBugClassesTest.p256();
    policy = TrustPolicy.publicKeys(List.of(kp.getPublic())).build();
    ModelSigner.withKey(kp.getPrivate(), kp.getPublic()).signTo(dir);
    ProvenanceResult r =
        ModelSignatureVerifier.of(policy).verify(digested(List.of(), List.of("b.bin")));
    assertTrue(
        r.findings().stream().noneMatch(f -> f.reason() == VerifyReason.SIGNATURE_FILE_MISSING),
        r.findings().toString());
  }

  @Test
  void signerRefusesAnInvalidPattern() throws Exception {
    KeyPair k = VerifierBugClassesTest.p256();
    ModelSigner s = ModelSigner.withKey(k.getPrivate(), k.getPublic());
    assertThrows(IllegalArgumentException.class, () -> s.ignoreFiles("!keep"));
    assertThrows(IllegalArgumentException.class, () -> s.opaqueFiles("[a-"));
  }

  /**
   * A manifest whose safeload field is malformed is invalid: the field is ours, its shape is known.
   */
  @Test
  void malformedSafeloadFieldIsAnInvalidManifest() throws Exception {
    KeyPair k = VerifierBugClassesTest.p256();
    String d = VerifierBugClassesTest.sha("x");
    for (String field :
        List.of(
            "{\"ignore\":[\"!x\"]}",
            "{\"opaque\":[\"a\",\"a\"]}",
            "{\"other\":[]}",
            "{\"ignore\":\"*.md\"}")) {
      String st =
          VerifierBugClassesTest.statement(
              VerifierBugClassesTest.rootOf(d),
              "[" + VerifierBugClassesTest.resource("a.bin", d) + "],\"safeload\":" + field,
              "");
      VerifierBugClassesTest.assertRejectedOverX(k, st, VerifyReason.SIGNATURE_MANIFEST_INVALID);
    }
  }

  @Test
  void ignorePathsAreLiteralAnchoredGlobs() {
    assertEquals("/ignore-me", OmsManifest.literalGlob("ignore-me"));
    assertEquals("/a\\*b/\\[c\\]", OmsManifest.literalGlob("a*b/[c]"));
    dev.safeload.FileGlob g = dev.safeload.FileGlob.of(OmsManifest.literalGlob("a*b/[c]"));
    assertTrue(
        g.matches("a*b/[c]")
            && g.matches("a*b/[c]/x")
            && !g.matches("axb/c")
            && !g.matches("d/a*b/[c]"));
  }

  /** The reference v1.1.0 goldens record ignore-me in ignore_paths: a bound verifier ignores it. */
  @Test
  void goldenIgnorePathsBecomeTheVerifiersIgnores() throws Exception {
    Path v110 = OmsGoldenTest.signed("v1.1.0-elliptic-key");
    ModelSignatureVerifier v =
        ModelSignatureVerifier.of(OmsGoldenTest.keyPolicy().build()).forModel(v110);
    assertTrue(v.ignoredFiles().contains("/ignore-me"), v.ignoredFiles().toString());
    assertTrue(!v.ignoredFiles().contains("/model.sig"));
    ProvenanceResult r =
        v.verify(
            withLeftOut(
                Vectors.model(v110, Set.of("model.sig"), Set.of()),
                List.of("ignore-me"),
                List.of()));
    OmsGoldenTest.assertAccepted(r, 2);
    // v1.0.1 records no ignore_paths: nothing is ignored on its behalf.
    assertEquals(
        Set.of(),
        ModelSignatureVerifier.of(OmsGoldenTest.keyPolicy().build())
            .forModel(OmsGoldenTest.signed("v1.0.1-elliptic-key"))
            .ignoredFiles());
  }

  static String payloadOf(Path sig) throws Exception {
    String b = Files.readString(sig);
    int i = b.indexOf("\"payload\":\"") + 11;
    return new String(
        Base64.getDecoder().decode(b.substring(i, b.indexOf('"', i))), StandardCharsets.UTF_8);
  }

  /**
   * Without patterns the payload has no safeload field, so it stays byte-compatible with the
   * reference.
   */
  @Test
  void noPatternsNoSafeloadField() throws Exception {
    Files.writeString(dir.resolve("a.bin"), "x");
    KeyPair k = VerifierBugClassesTest.p256();
    Path sig = ModelSigner.withKey(k.getPrivate(), k.getPublic()).signTo(dir);
    assertTrue(!payloadOf(sig).contains("safeload"));
    Path sig2 =
        ModelSigner.withKey(k.getPrivate(), k.getPublic()).opaqueFiles("LICENSE").signTo(dir);
    List<String> lines = new ArrayList<>(payloadOf(sig2).lines().toList());
    assertTrue(lines.contains("    \"safeload\": {"), String.join("\n", lines));
  }

  /**
   * OMS {@code ignore_paths} entries are literal paths of up to 4096 characters; the loader
   * expresses each as a {@link dev.safeload.FileGlob}, which holds at most 256. A verified
   * signature with a longer one made {@code SafeModelLoader.Builder.build()} throw
   * IllegalArgumentException; it is now the signature's finding, with a reason.
   */
  @Test
  void ignorePathTheLoaderCannotExpressIsAFinding() throws Exception {
    Files.writeString(dir.resolve("a.bin"), "x");
    KeyPair key = VerifierBugClassesTest.p256();
    String d = VerifierBugClassesTest.sha("x");
    String longPath = "d/".repeat(140) + "x";
    String st =
        VerifierBugClassesTest.statement(
                VerifierBugClassesTest.rootOf(d),
                "[" + VerifierBugClassesTest.resource("a.bin", d) + "]",
                "")
            .replace(
                "\"allow_symlinks\":false}",
                "\"allow_symlinks\":false,\"ignore_paths\":[\"" + longPath + "\"]}");
    Files.writeString(dir.resolve("model.sig"), VerifierBugClassesTest.bundleFor(key, st, null));
    ModelSignatureVerifier v =
        ModelSignatureVerifier.of(TrustPolicy.publicKeys(List.of(key.getPublic())).build())
            .forModel(dir);
    assertEquals(Set.of(), v.ignoredFiles());
    dev.safeload.ModelRejectedException e =
        assertThrows(
            dev.safeload.ModelRejectedException.class,
            () -> TestModels.loader(TestModels.acceptAll("any", "bin"), v).load(dir).close());
    // The signature's finding, then the engine's: a.bin is left unproven.
    assertEquals(
        List.of(VerifyReason.SIGNATURE_SERIALIZATION_UNSUPPORTED, Reason.UNPROVEN_FILE),
        e.findings().stream().map(Finding::reason).toList());
  }

  /**
   * A signed file that another verifier reads as a side file (an attestation bundle the signer
   * found in the folder) is not served, but it is present: it must match its signed digest, as a
   * pinned side file must match its pin. It was {@code SIGNATURE_FILE_MISSING}.
   */
  @Test
  void aSignedSideFileMustMatchItsDigest() throws Exception {
    KeyPair key = VerifierBugClassesTest.p256();
    String x = VerifierBugClassesTest.sha("x");
    String side = VerifierBugClassesTest.sha("attestations");
    String st =
        VerifierBugClassesTest.statement(
            VerifierBugClassesTest.rootOf(side, x),
            "["
                + VerifierBugClassesTest.resource("a.intoto.jsonl", side)
                + ","
                + VerifierBugClassesTest.resource("a.bin", x)
                + "]",
            "");
    String bundle = VerifierBugClassesTest.bundleFor(key, st, null);
    for (String content : List.of("attestations", "attestationS")) {
      ProvenanceResult r =
          ModelSignatureVerifier.of(TrustPolicy.publicKeys(List.of(key.getPublic())).build())
              .verify(
                  Vectors.model(
                      true,
                      List.of(VerifierBugClassesTest.file("a.bin", "x")),
                      java.util.Map.of(
                          "model.sig",
                          ByteBuffer.wrap(bundle.getBytes(StandardCharsets.UTF_8)),
                          "a.intoto.jsonl",
                          ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)))));
      if (content.equals("attestations")) {
        assertEquals(List.of(), r.findings());
        assertEquals(Set.of("a.bin"), r.proven());
      } else {
        assertEquals(
            List.of(VerifyReason.SIGNATURE_FILE_MISMATCH),
            r.findings().stream().map(Finding::reason).toList());
        assertEquals("a.intoto.jsonl", r.findings().get(0).file());
      }
    }
  }
}
