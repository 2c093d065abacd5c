package dev.safeload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Delivery;
import dev.safeload.LoadPolicy;
import dev.safeload.ModelRejectedException;
import dev.safeload.SafeModelLoader;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.provenance.Sha256;
import dev.safeload.toy.ToyHandler;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Shard digests declared by a verifier are computed in the loader's single pass, in every delivery
 * mode, and answer {@link DigestedModel#rangeSha256} without hashing the range again.
 */
class ShardDigestsTest {
  static final long MIB = 1 << 20;
  @TempDir Path dir;

  /** Declares shard sizes and keeps what the loader shows it. */
  static final class ShardProbe implements ProvenanceVerifier {
    final Set<Long> sizes;
    final long[][] ranges;
    volatile List<DigestedFile> files = List.of();
    final List<Optional<Sha256>> answers = new ArrayList<>();
    long rangesHashedDuringVerify;

    ShardProbe(Set<Long> sizes, long[][] ranges) {
      this.sizes = sizes;
      this.ranges = ranges;
    }

    @Override
    public String id() {
      return "shard-probe";
    }

    @Override
    public Set<Long> shardSizes() {
      return sizes;
    }

    @Override
    public ProvenanceResult verify(DigestedModel model) {
      files = model.files();
      long before = Proofs.RANGES_HASHED.get();
      for (long[] r : ranges) {
        answers.add(model.rangeSha256(files.get(0).name(), r[0], r[1]));
      }
      rangesHashedDuringVerify = Proofs.RANGES_HASHED.get() - before;
      return ProvenanceResult.empty();
    }
  }

  static Sha256 sha(byte[] b, int from, int to) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256", "SUN");
    md.update(b, from, to - from);
    return Sha256.of(md.digest());
  }

  static byte[] content(int size) {
    byte[] b = new byte[size];
    new Random(14).nextBytes(b);
    System.arraycopy("TOY1".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, b, 0, 4);
    return b;
  }

  /**
   * Runs the loader (a scan, or a load in the given mode) with the probe; the toy handler rejects
   * big files.
   */
  void run(ShardProbe probe, Delivery mode, boolean scan) throws Exception {
    SafeModelLoader l =
        SafeModelLoader.builder()
            .discoverHandlers(false)
            .handler(new ToyHandler())
            .verifier(probe)
            .policy(LoadPolicy.strict().toBuilder().allowFormat("toy").delivery(mode).build())
            .build();
    if (scan) {
      l.scan(dir);
    } else {
      try {
        l.load(dir).close();
      } catch (ModelRejectedException expected) {
        // the toy handler accepts only tiny bodies; the proofs ran on the digests all the same
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Delivery.class,
      names = {"COPY_TO_MEMORY", "PRIVATE_FILE", "MAPPED_TRUSTED"})
  void shardsOfTheServedBytesComeFromTheSinglePass(Delivery mode) throws Exception {
    int size = (int) (2 * MIB + MIB / 2 + 3);
    byte[] body = content(size);
    Files.write(dir.resolve("w.toy"), body);
    long two = 2 * MIB;
    ShardProbe probe =
        new ShardProbe(
            Set.of(MIB, two), new long[][] {{0, MIB}, {2 * MIB, size}, {two, size}, {5, 9}});
    run(probe, mode, false);
    DigestedFile f = probe.files.get(0);
    assertEquals(
        List.of(
            sha(body, 0, (int) MIB),
            sha(body, (int) MIB, (int) (2 * MIB)),
            sha(body, (int) (2 * MIB), size)),
        f.shards(MIB).orElseThrow());
    assertEquals(
        List.of(sha(body, 0, (int) two), sha(body, (int) two, size)), f.shards(two).orElseThrow());
    assertEquals(sha(body, 0, size), f.sha256());
    assertEquals(sha(body, 0, (int) MIB), probe.answers.get(0).orElseThrow());
    assertEquals(sha(body, (int) (2 * MIB), size), probe.answers.get(1).orElseThrow());
    assertEquals(sha(body, (int) two, size), probe.answers.get(2).orElseThrow());
    assertEquals(sha(body, 5, 9), probe.answers.get(3).orElseThrow());
    // Only the range that is no declared shard was hashed again.
    assertEquals(1, probe.rangesHashedDuringVerify);
  }

  @Test
  void aScanComputesThemToo() throws Exception {
    byte[] body = content((int) (3 * MIB));
    Files.write(dir.resolve("w.toy"), body);
    ShardProbe probe = new ShardProbe(Set.of(MIB), new long[][] {{MIB, 2 * MIB}});
    run(probe, Delivery.AUTOMATIC, true);
    assertEquals(
        3,
        probe.files.get(0).shards(MIB).orElseThrow().size(),
        "no empty shard after an exact multiple");
    assertEquals(sha(body, (int) MIB, (int) (2 * MIB)), probe.answers.get(0).orElseThrow());
    assertEquals(0, probe.rangesHashedDuringVerify);
  }

  @Test
  void sizesUnderTheMinimumAreHashedOnRequestInstead() throws Exception {
    byte[] body = content(10_000);
    Files.write(dir.resolve("w.toy"), body);
    ShardProbe probe = new ShardProbe(Set.of(4096L), new long[][] {{4096, 8192}});
    run(probe, Delivery.AUTOMATIC, true);
    assertTrue(probe.files.get(0).shards(4096).isEmpty());
    assertEquals(sha(body, 4096, 8192), probe.answers.get(0).orElseThrow());
    assertEquals(1, probe.rangesHashedDuringVerify);
  }

  @Test
  void hasherSplitsAnyFeedIntoTheSameShards() throws Exception {
    byte[] body = content((int) (3 * MIB + 17));
    Hasher h = new Hasher(Hasher.plan(List.of(MIB, 2 * MIB, 1000L, 3 * MIB, 4 * MIB, 5 * MIB)));
    Random r = new Random(1);
    int at = 0;
    while (at < body.length) {
      int n = Math.min(body.length - at, 1 + r.nextInt(300_000));
      if (r.nextBoolean()) {
        h.update(body, at, n);
      } else {
        h.update(ByteBuffer.allocateDirect(n).put(body, at, n).flip());
      }
      at += n;
    }
    Hasher.FileDigests d = h.finish();
    assertEquals(sha(body, 0, body.length), d.sha256());
    assertEquals(
        Set.of(MIB, 2 * MIB, 3 * MIB, 4 * MIB),
        d.shards().keySet(),
        "1000 is too small; at most four sizes");
    assertEquals(4, d.shards().get(MIB).size());
    assertEquals(sha(body, (int) (3 * MIB), body.length), d.shards().get(MIB).get(3));
    assertEquals(List.of(sha(body, 0, body.length)), d.shards().get(4 * MIB));
    assertEquals(body.length, h.count());
  }

  @Test
  void anEmptyFileHasNoShards() {
    Hasher.FileDigests d = new Hasher(List.of(MIB)).finish();
    assertEquals(List.of(), d.shards().get(MIB));
    assertEquals(0, DigestedFile.shardCount(0, MIB));
  }
}
