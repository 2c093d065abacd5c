package dev.safeload.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.safeload.Delivery;
import dev.safeload.FileReport;
import dev.safeload.LoadPolicy;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.provenance.Sha256;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * When no verifier needs a file's whole-file SHA-256, the loader hashes only its shards (in
 * parallel), once each, in every delivery mode, hands over exactly the bytes it hashed, and claims
 * no whole-file digest anywhere. Work is counted ({@link Hasher#BYTES_HASHED}, {@link
 * ParallelShards#SHARDS_HASHED}), never timed.
 */
class ShardsOnlyTest {
  static final long MIB = 1 << 20;
  @TempDir Path dir;

  /** Declares one shard size and whether it needs the whole-file digest; keeps what it sees. */
  static final class Probe implements ProvenanceVerifier {
    final long shard;
    final boolean whole;
    volatile List<DigestedFile> files = List.of();

    Probe(long shard, boolean whole) {
      this.shard = shard;
      this.whole = whole;
    }

    @Override
    public String id() {
      return "probe";
    }

    @Override
    public Set<Long> shardSizes() {
      return Set.of(shard);
    }

    @Override
    public boolean needsSha256(String name) {
      return whole;
    }

    @Override
    public ProvenanceResult verify(DigestedModel model) {
      files = model.files();
      return ProvenanceResult.empty();
    }
  }

  static Sha256 sha(byte[] b, long from, long to) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256", "SUN");
    md.update(b, (int) from, (int) (to - from));
    return Sha256.of(md.digest());
  }

  static List<Sha256> shards(byte[] b, long s) throws Exception {
    List<Sha256> out = new ArrayList<>();
    for (long at = 0; at < b.length; at += s) {
      out.add(sha(b, at, Math.min(b.length, at + s)));
    }
    return out;
  }

  byte[] write(int size) throws Exception {
    byte[] b = new byte[size];
    new Random(14).nextBytes(b);
    Files.write(dir.resolve("w.dat"), b);
    return b;
  }

  SafeModelLoader loader(Probe p, Delivery mode, long threads) {
    return SafeModelLoader.builder()
        .discoverHandlers(false)
        .verifier(p)
        .policy(
            LoadPolicy.strict().toBuilder()
                .allowUnpinnedFiles()
                .opaqueFiles("*.dat")
                .delivery(mode)
                .set(LoadPolicy.PARALLELISM, threads)
                .build())
        .build();
  }

  @ParameterizedTest
  @EnumSource(
      value = Delivery.class,
      names = {"COPY_TO_MEMORY", "PRIVATE_FILE", "MAPPED_TRUSTED"})
  void onlyTheShardsAreHashedOnceEachAndTheBytesServedAreTheBytesHashed(Delivery mode)
      throws Exception {
    int size = (int) (5 * MIB + 12_345); // six shards, the last one short
    byte[] body = write(size);
    Probe p = new Probe(MIB, false);
    long bytes0 = Hasher.BYTES_HASHED.get();
    long shards0 = ParallelShards.SHARDS_HASHED.get();
    try (VerifiedModel m = loader(p, mode, 2).load(dir)) {
      long hashed = Hasher.BYTES_HASHED.get() - bytes0;
      assertEquals(size, hashed, "each byte hashed once: no whole-file pass beside the shards");
      assertEquals(6, ParallelShards.SHARDS_HASHED.get() - shards0);
      VerifiedModel.VerifiedFile f = m.file("w.dat");
      assertNull(f.sha256(), "no whole-file digest is claimed");
      assertEquals(shards(body, MIB), f.shards().get(MIB));
      byte[] served = new byte[size];
      f.buffer().get(served);
      assertArrayEquals(body, served);
      DigestedFile d = p.files.get(0);
      assertNull(d.sha256());
      assertEquals(shards(body, MIB), d.shards(MIB).orElseThrow());
      if (mode == Delivery.PRIVATE_FILE) {
        assertArrayEquals(body, Files.readAllBytes(m.materialize().resolve("w.dat")));
      } else {
        // A private copy made later re-hashes the shards of what it writes, and agrees.
        assertArrayEquals(body, Files.readAllBytes(m.materialize().resolve("w.dat")));
      }
    }
  }

  @Test
  void aScanReportsShardsAndNoWholeFileDigest() throws Exception {
    byte[] body = write((int) (3 * MIB));
    ScanReport r = loader(new Probe(MIB, false), Delivery.AUTOMATIC, 2).scan(dir);
    FileReport f = r.files().get(0);
    assertNull(f.sha256());
    assertEquals(true, f.read());
    assertEquals(3 * MIB, f.size());
    assertEquals(shards(body, MIB), f.shards().get(MIB));
  }

  @Test
  void aVerifierThatNeedsTheWholeDigestGetsItBesideTheShards() throws Exception {
    int size = (int) (3 * MIB + 1);
    byte[] body = write(size);
    Probe p = new Probe(MIB, true);
    long bytes0 = Hasher.BYTES_HASHED.get();
    long shards0 = ParallelShards.SHARDS_HASHED.get();
    try (VerifiedModel m = loader(p, Delivery.COPY_TO_MEMORY, 2).load(dir)) {
      assertEquals(2L * size, Hasher.BYTES_HASHED.get() - bytes0, "whole file and shards");
      assertEquals(0, ParallelShards.SHARDS_HASHED.get() - shards0, "one sequential pass");
      assertEquals(sha(body, 0, size), m.file("w.dat").sha256());
      assertNotNull(p.files.get(0).sha256());
    }
  }

  @Test
  void oneThreadHashesTheShardsInTheSequentialPass() throws Exception {
    int size = (int) (3 * MIB);
    byte[] body = write(size);
    Probe p = new Probe(MIB, false);
    long bytes0 = Hasher.BYTES_HASHED.get();
    long shards0 = ParallelShards.SHARDS_HASHED.get();
    try (VerifiedModel m = loader(p, Delivery.COPY_TO_MEMORY, 1).load(dir)) {
      assertEquals(size, Hasher.BYTES_HASHED.get() - bytes0);
      assertEquals(0, ParallelShards.SHARDS_HASHED.get() - shards0);
      assertNull(m.file("w.dat").sha256());
      assertEquals(shards(body, MIB), m.file("w.dat").shards().get(MIB));
    }
  }

  @Test
  void theRunnerFinishesEveryRangeAndReportsTheFirstFailure() throws Exception {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.atomic.AtomicInteger ran =
          new java.util.concurrent.atomic.AtomicInteger();
      ParallelShards.runAll(50, pool, 2, () -> i -> ran.incrementAndGet());
      assertEquals(50, ran.get());
      java.io.IOException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              java.io.IOException.class,
              () ->
                  ParallelShards.runAll(
                      50,
                      pool,
                      2,
                      () ->
                          i -> {
                            if (i == 7) {
                              throw new java.io.IOException("range 7");
                            }
                          }));
      assertEquals("range 7", e.getMessage());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void memoryCopiesOnTmpfsAreMappedAndUnlinked() throws Exception {
    if (!MemoryFiles.tmpfsRoom(4 * MIB)) {
      return; // no tmpfs here: copies go to direct memory, covered by the tests above
    }
    byte[] body = write((int) (2 * MIB));
    long before = countShm();
    try (VerifiedModel m = loader(new Probe(MIB, true), Delivery.COPY_TO_MEMORY, 1).load(dir)) {
      ByteBuffer b = m.file("w.dat").buffer();
      assertEquals(true, b.isDirect());
      assertEquals(true, b.isReadOnly());
      byte[] served = new byte[body.length];
      b.get(served);
      assertArrayEquals(body, served);
      assertEquals(before, countShm(), "the memory file has no name left in /dev/shm");
    }
  }

  private static long countShm() throws Exception {
    try (var s = Files.list(PrivateDirs.TMPFS)) {
      return s.filter(x -> x.getFileName().toString().startsWith("safeload-")).count();
    }
  }
}
