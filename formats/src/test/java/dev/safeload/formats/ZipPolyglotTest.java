package dev.safeload.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.ScanReport;
import dev.safeload.formats.readers.ZipReader;
import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zip ending a file whose own format is zip-based only in another layout: a legacy checkpoint
 * (torch.load reads its pickles and storages) or an {@code .npy} array (numpy.load reads the
 * array), whose last bytes Python's zipfile opens as an archive holding a checkpoint. Fixtures from
 * {@code src/test/resources/polyglot/generate.py}, checked there against the real readers.
 */
class ZipPolyglotTest {
  @TempDir Path dir;

  private static final Path ROOT = Scans.resource("polyglot");

  @Test
  void npyWhoseDataEndsInAZipIsAPolyglot() {
    ScanReport r = Scans.scan(ROOT.resolve("npy_ending_in_zip.npy"));
    assertEquals(Set.of("POLYGLOT"), Scans.reasons(r), Scans.describe(r));
  }

  @Test
  void legacyCheckpointWhoseLastStorageEndsInAZipIsAPolyglot() {
    ScanReport r = Scans.scan(ROOT.resolve("legacy_ending_in_zip.pt"));
    assertEquals(Set.of("POLYGLOT"), Scans.reasons(r), Scans.describe(r));
  }

  @Test
  void theSameArraysWithoutTheArchiveAreAccepted() {
    byte[] npy = Scans.read(ROOT.resolve("npy_ending_in_zip.npy"));
    npy[npy.length - 22] = 0; // the end record's signature, gone
    ScanReport r = Scans.scanBytes(dir, "a.npy", npy);
    assertTrue(r.accepted(), Scans.describe(r));
  }

  @Test
  void aZipOfTheFormatsOwnIsNotASecondReading() {
    ZipReader z = new ZipReader();
    ModelBytes npz = ModelBytes.of(ByteBuffer.wrap(new byte[] {'P', 'K', 3, 4, 0, 0}));
    ModelBytes npy = ModelBytes.of(ByteBuffer.wrap(Pickles.npy(2)));
    assertTrue(z.ownStructure("numpy", npz));
    assertEquals(false, z.ownStructure("numpy", npy));
    assertEquals(false, z.ownStructure("safetensors", npz));
  }
}
