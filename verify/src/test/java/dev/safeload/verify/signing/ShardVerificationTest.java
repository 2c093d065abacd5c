package dev.safeload.verify.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.ModelRejectedException;
import dev.safeload.SafeModelLoader;
import dev.safeload.VerifiedModel;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.provenance.Sha256;
import dev.safeload.provenance.Signer;
import dev.safeload.verify.VerifyReason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shard manifests checked through the loader's range digests ({@code DigestedModel.rangeSha256})
 * over the verified bytes, against the reference's own shard goldens: the sample model is rebuilt
 * from the reference's fixture recipe and the golden statement is signed with a test key.
 */
class ShardVerificationTest {
  @TempDir Path tmp;

  /** tests/conftest.py sample_model_folder: d{i}/f{i}{j} and f{i}. */
  Path sampleModel() throws Exception {
    return sampleModelIn(tmp);
  }

  Path sampleModelIn(Path base) throws Exception {
    Path dir = Files.createDirectories(base.resolve("sample_model"));
    for (int i = 0; i < 2; i++) {
      Files.createDirectories(dir.resolve("d" + i));
      for (int j = 0; j < 3; j++) {
        Files.writeString(
            dir.resolve("d" + i + "/f" + i + j), "This is file f" + i + j + " in d" + i + ".");
      }
    }
    for (int i = 0; i < 4; i++) {
      Files.writeString(dir.resolve("f" + i), "This is file f" + i + " in root.");
    }
    return dir;
  }

  SafeModelLoader loader(KeyPair kp) {
    // The reference fixtures are plain text files without an extension (f00, f1...).
    return TestModels.loader(
        TestModels.acceptAll("test-any", ""),
        ModelSignatureVerifier.of(TrustPolicy.publicKeys(List.of(kp.getPublic())).build()));
  }

  void signGolden(KeyPair kp, Path dir, String golden) throws Exception {
    String statement =
        Files.readString(OmsPayloadGoldenTest.payloads().resolve(golden), StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("model.sig"), VerifierBugClassesTest.bundleFor(kp, statement, null));
  }

  @Test
  void referenceSmallShardsVerifyByRange() throws Exception {
    KeyPair kp = VerifierBugClassesTest.p256();
    for (String golden :
        List.of(
            "sample_model_folder_small_shards",
            "sample_model_folder_shard",
            "sample_model_folder")) {
      Path dir = sampleModel();
      signGolden(kp, dir, golden);
      try (VerifiedModel m = loader(kp).load(dir)) {
        assertEquals(10, m.files().size(), golden);
      }
      deleteTree(dir);
    }
  }

  /**
   * The verifier starts no threads of its own: every range digest it needs is asked for on the
   * thread the loader runs it on, and the load still proves every file with the signer's key.
   */
  @Test
  void rangeDigestsAreAskedForOnTheThreadTheLoaderRunsTheVerifierOn() throws Exception {
    KeyPair kp = VerifierBugClassesTest.p256();
    Path dir = sampleModel();
    signGolden(kp, dir, "sample_model_folder_small_shards");
    ModelSignatureVerifier signature =
        ModelSignatureVerifier.of(TrustPolicy.publicKeys(List.of(kp.getPublic())).build());
    java.util.concurrent.atomic.AtomicInteger asked =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.List<String> elsewhere =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    ProvenanceVerifier watched =
        new ProvenanceVerifier() {
          @Override
          public String id() {
            return signature.id();
          }

          @Override
          public java.util.Set<String> sideFiles() {
            return signature.sideFiles();
          }

          @Override
          public ProvenanceResult verify(DigestedModel model) {
            Thread caller = Thread.currentThread();
            return signature.verify(
                new DigestedModel() {
                  @Override
                  public boolean isDirectory() {
                    return model.isDirectory();
                  }

                  @Override
                  public java.util.List<DigestedFile> files() {
                    return model.files();
                  }

                  @Override
                  public java.util.List<String> ignoredFiles() {
                    return model.ignoredFiles();
                  }

                  @Override
                  public java.util.List<String> unservedFiles() {
                    return model.unservedFiles();
                  }

                  @Override
                  public java.util.Optional<DigestedFile> file(String name) {
                    return model.file(name);
                  }

                  @Override
                  public java.util.Optional<java.nio.ByteBuffer> sideFile(String name) {
                    return model.sideFile(name);
                  }

                  @Override
                  public java.util.Optional<Sha256> rangeSha256(String name, long start, long end) {
                    asked.incrementAndGet();
                    if (Thread.currentThread() != caller) {
                      elsewhere.add(Thread.currentThread().getName());
                    }
                    return model.rangeSha256(name, start, end);
                  }
                });
          }
        };
    try (VerifiedModel m =
        TestModels.loader(TestModels.acceptAll("test-any", ""), watched).load(dir)) {
      assertEquals(10, m.files().size());
      assertEquals(1, m.proofs().size());
      assertEquals(Signer.Kind.PUBLIC_KEY, m.proofs().get(0).signer().kind());
      assertEquals(
          m.files().stream()
              .map(VerifiedModel.VerifiedFile::name)
              .collect(java.util.stream.Collectors.toSet()),
          m.proofs().get(0).fileNames());
    }
    assertTrue(asked.get() > 10, "small shards: several ranges per file, got " + asked.get());
    assertEquals(List.of(), elsewhere);
  }

  @Test
  void aBoundShardSignatureDeclaresItsShardSizeBeforeThePass() throws Exception {
    KeyPair kp = VerifierBugClassesTest.p256();
    ModelSignatureVerifier v =
        ModelSignatureVerifier.of(TrustPolicy.publicKeys(List.of(kp.getPublic())).build());
    assertEquals(
        java.util.Set.of(), v.shardSizes(), "unbound: the manifest is not known before the pass");
    for (String golden : List.of("sample_model_folder_small_shards", "sample_model_folder")) {
      Path dir = sampleModel();
      signGolden(kp, dir, golden);
      ModelSignatureVerifier bound = v.forModel(dir);
      String statement =
          Files.readString(OmsPayloadGoldenTest.payloads().resolve(golden), StandardCharsets.UTF_8);
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("sha256-sharded-(\\d+)").matcher(statement);
      assertEquals(
          m.find() ? java.util.Set.of(Long.parseLong(m.group(1))) : java.util.Set.of(),
          bound.shardSizes(),
          golden);
      deleteTree(dir);
    }
  }

  @Test
  void tamperedShardIsRejected() throws Exception {
    KeyPair kp = VerifierBugClassesTest.p256();
    Path dir = sampleModel();
    signGolden(kp, dir, "sample_model_folder_small_shards");
    // Same length, one byte changed in the second 8-byte shard of d0/f00.
    Files.writeString(dir.resolve("d0/f00"), "This is File f00 in d0.");
    ModelRejectedException e =
        assertThrows(ModelRejectedException.class, () -> loader(kp).load(dir));
    assertTrue(e.hasReason(VerifyReason.SIGNATURE_FILE_MISMATCH), e.findings().toString());
    assertEquals("d0/f00", e.findings().get(0).file());
  }

  @Test
  void shardsThatDoNotTileTheFileAreRejected() throws Exception {
    KeyPair kp = VerifierBugClassesTest.p256();
    Path dir = sampleModel();
    signGolden(kp, dir, "sample_model_folder_small_shards");
    Files.writeString(
        dir.resolve("f0"), "This is file f0 in root.!"); // one byte longer than signed
    ModelRejectedException e =
        assertThrows(ModelRejectedException.class, () -> loader(kp).load(dir));
    assertTrue(e.hasReason(VerifyReason.SIGNATURE_FILE_MISMATCH), e.findings().toString());
  }

  static void deleteTree(Path dir) throws Exception {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
