package dev.safeload.formats.zip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import dev.safeload.ScanReport;
import dev.safeload.formats.Pickles;
import dev.safeload.formats.Scans;
import dev.safeload.formats.internal.zip.ZipArchive;
import dev.safeload.formats.internal.zip.ZipLimits;
import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compression-ratio cap has a floor ({@link Zip#COMPRESSION_RATIO_FLOOR_BYTES}, 16 MiB):
 * smaller deflated entries are judged together rather than one by one, and the declared-size limits
 * apply to all.
 */
class ZipRatioTest {
  @TempDir Path dir;

  /** An .npy of {@code n} float32 zeros: deflates far beyond 100:1. */
  static byte[] zeros(int n) {
    return Pickles.npy(n);
  }

  @Test
  void compressedZeroFilledTensorsFromNumpyAreAccepted() {
    // np.savez_compressed of a 100x110 float32 zero tensor: 44 KB from a few hundred bytes
    ScanReport r = Scans.scan(Scans.resource("numpy/zeros_compressed.npz"));
    assertTrue(r.accepted(), () -> Scans.describe(r));
  }

  @Test
  void aSparseMatrixKeptDenseByNumpyIsAccepted() {
    // np.savez_compressed of a 420x420 float64 diagonal matrix: 1.4 MB deflated 485:1, as real
    // archives do (scipy ships carex_20_data.npz with entries at 160:1 and 234:1)
    ScanReport r = Scans.scan(Scans.resource("numpy/sparse_dense_compressed.npz"));
    assertTrue(r.accepted(), () -> Scans.describe(r));
  }

  @Test
  void smallEntryOverTheRatioIsAccepted() {
    TestZip z = new TestZip();
    z.addDeflated("a.npy", zeros(2_000_000)); // 8 MB, several hundred to one
    assertEquals(Set.of(), Scans.reasons(Scans.scanBytes(dir, "x.npz", z.build())));
  }

  @Test
  void largeEntryOverTheRatio() {
    TestZip z = new TestZip();
    z.addDeflated("a.npy", zeros(5_000_000)); // 20 MB
    assertEquals(
        Set.of("ZIP_COMPRESSION_RATIO"), Scans.reasons(Scans.scanBytes(dir, "x.npz", z.build())));
  }

  @Test
  void manySmallEntriesOverTheRatioTogether() {
    TestZip z = new TestZip();
    for (int i = 0; i < 4; i++) {
      z.addDeflated("a" + i + ".npy", zeros(1_250_000)); // 4 x 5 MB
    }
    assertEquals(
        Set.of("ZIP_COMPRESSION_RATIO"), Scans.reasons(Scans.scanBytes(dir, "x.npz", z.build())));
  }

  @Test
  void manySmallEntriesWithinTheRatioTogether() {
    // random-looking data does not compress: small and large entries mixed stay far below the ratio
    TestZip z = new TestZip();
    byte[] noise = new byte[400_000];
    new java.util.Random(1).nextBytes(noise);
    for (int i = 0; i < 4; i++) {
      z.addDeflated("n" + i + ".bin", noise);
    }
    z.addDeflated("z.bin", zeros(20_000));
    byte[] bytes = z.build();
    // the entries are not .npy: read the container with the zip reader alone
    assertEquals(
        5,
        ZipArchive.read(
                ModelBytes.of(ByteBuffer.wrap(bytes)), new ZipLimits(100, 1L << 30, 1L << 30, 100))
            .entries()
            .size());
  }

  @Test
  void declaredSizeLimitAppliesBelowTheFloor() throws Exception {
    TestZip z = new TestZip();
    z.addDeflated("a.npy", zeros(1000));
    Path p = dir.resolve("x.npz");
    Files.write(p, z.build());
    LoadPolicy entry = LoadPolicy.strict().toBuilder().set(Zip.MAX_ENTRY_BYTES, 1000L).build();
    assertEquals(Set.of("ZIP_ENTRY_TOO_LARGE"), Scans.reasons(Scans.scan(p, entry)));
  }

  @Test
  void floorIsAPolicySetting() throws Exception {
    TestZip z = new TestZip();
    z.addDeflated("a.npy", zeros(200_000));
    Path p = dir.resolve("x.npz");
    Files.write(p, z.build());
    LoadPolicy low =
        LoadPolicy.strict().toBuilder().set(Zip.COMPRESSION_RATIO_FLOOR_BYTES, 4096L).build();
    assertEquals(Set.of("ZIP_COMPRESSION_RATIO"), Scans.reasons(Scans.scan(p, low)));
  }
}
