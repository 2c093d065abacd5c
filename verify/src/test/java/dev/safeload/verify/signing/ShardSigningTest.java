package dev.safeload.verify.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.ModelRejectedException;
import dev.safeload.SafeModelLoader;
import dev.safeload.VerifiedModel;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.intoto.OmsManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing in shards ({@link ModelSigner#shardSize}): the manifest is the reference's, range for
 * range, and a loader with the bound verifier proves a multi-shard file from its shards alone,
 * without computing its whole-file digest.
 */
class ShardSigningTest {
  static final int MIB = 1 << 20;
  @TempDir Path tmp;

  static TrustPolicy policy(KeyPair kp) {
    return TrustPolicy.publicKeys(List.of(kp.getPublic())).build();
  }

  static OmsManifest signed(KeyPair kp, byte[] bundle) throws Exception {
    return ModelSignatureVerifier.of(policy(kp)).verifySignature(bundle).manifest();
  }

  static OmsManifest golden(String name) throws Exception {
    return OmsManifest.parse(
        Files.readAllBytes(OmsPayloadGoldenTest.payloads().resolve(name)), false);
  }

  /** Same ranges, digests, order and subject digest as the reference wrote for the same bytes. */
  static void assertSameResources(OmsManifest expected, OmsManifest actual) {
    assertEquals("shards", actual.method);
    assertEquals(expected.shardSize, actual.shardSize);
    assertEquals(expected.resources.size(), actual.resources.size());
    for (int i = 0; i < expected.resources.size(); i++) {
      OmsManifest.Resource e = expected.resources.get(i);
      OmsManifest.Resource a = actual.resources.get(i);
      assertEquals(
          e.path() + ":" + e.start() + ":" + e.end(), a.path() + ":" + a.start() + ":" + a.end());
      assertArrayEquals(e.digest(), a.digest(), e.path());
    }
    assertArrayEquals(expected.root, actual.root, "subject digest");
  }

  @Test
  void aSingleFileInSmallShardsMatchesTheReference() throws Exception {
    KeyPair kp = VerifierBugClassesTest.p256();
    Path file = tmp.resolve("file_model");
    Files.writeString(file, "This is a simple model"); // tests/conftest.py KNOWN_MODEL_TEXT
    byte[] bundle = ModelSigner.withKey(kp.getPrivate(), kp.getPublic()).shardSize(8).sign(file);
    assertSameResources(golden("sample_model_file_small_shards"), signed(kp, bundle));
  }

  @Test
  void aFolderInSmallShardsMatchesTheReference() throws Exception {
    KeyPair kp = VerifierBugClassesTest.p256();
    Path dir = new ShardVerificationTest().sampleModelIn(tmp);
    byte[] bundle = ModelSigner.withKey(kp.getPrivate(), kp.getPublic()).shardSize(8).sign(dir);
    assertSameResources(golden("sample_model_folder_small_shards"), signed(kp, bundle));
  }

  Path bigModel(int size) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("model"));
    byte[] body = new byte[size];
    new Random(17).nextBytes(body);
    Files.write(dir.resolve("weights"), body);
    Files.writeString(dir.resolve("config"), "{}");
    return dir;
  }

  SafeModelLoader loader(ModelSignatureVerifier v) {
    return TestModels.loader(TestModels.acceptAll("test-any", ""), v);
  }

  @Test
  void aMultiShardFileIsProvenFromItsShardsWithoutAWholeFileDigest() throws Exception {
    KeyPair kp = VerifierBugClassesTest.p256();
    Path dir = bigModel(3 * MIB + 5);
    ModelSigner.withKey(kp.getPrivate(), kp.getPublic()).shardSize(MIB).signTo(dir);
    ModelSignatureVerifier bound = ModelSignatureVerifier.of(policy(kp)).forModel(dir);
    assertFalse(bound.needsSha256("weights"), "four signed shards");
    assertTrue(bound.needsSha256("config"), "one shard: compared through the whole digest");
    assertTrue(bound.needsSha256("unlisted"));
    assertTrue(ModelSignatureVerifier.of(policy(kp)).needsSha256("weights"), "unbound");
    try (VerifiedModel m = loader(bound).load(dir)) {
      VerifiedModel.VerifiedFile w = m.file("weights");
      assertNull(w.sha256(), "no whole-file digest was computed");
      assertEquals(4, w.shards().get((long) MIB).size());
      assertNotNull(m.file("config").sha256());
      assertEquals(
          java.util.Set.of("weights", "config"), m.proofs().get(0).fileNames(), "both proven");
    }
  }

  @Test
  void aChangedByteInOneShardIsRefused() throws Exception {
    KeyPair kp = VerifierBugClassesTest.p256();
    Path dir = bigModel(3 * MIB);
    ModelSigner.withKey(kp.getPrivate(), kp.getPublic()).shardSize(MIB).signTo(dir);
    byte[] body = Files.readAllBytes(dir.resolve("weights"));
    body[2 * MIB + 7] ^= 1;
    Files.write(dir.resolve("weights"), body);
    ModelSignatureVerifier bound = ModelSignatureVerifier.of(policy(kp)).forModel(dir);
    ModelRejectedException e =
        assertThrows(ModelRejectedException.class, () -> loader(bound).load(dir).close());
    assertTrue(e.hasReason(VerifyReason.SIGNATURE_FILE_MISMATCH), e.findings().toString());
  }

  @Test
  void anEmptyFileCannotBeSignedInShards() throws Exception {
    KeyPair kp = VerifierBugClassesTest.p256();
    Path dir = bigModel(10);
    Files.write(dir.resolve("empty"), new byte[0]);
    ModelSigner signer = ModelSigner.withKey(kp.getPrivate(), kp.getPublic()).shardSize(MIB);
    java.io.IOException e = assertThrows(java.io.IOException.class, () -> signer.sign(dir));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> ModelSigner.withKey(kp.getPrivate(), kp.getPublic()).shardSize(0));
  }
}
