package dev.safeload.formats.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.ScanReport;
import dev.safeload.formats.Scans;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A legacy checkpoint's sys_info names the writing host's byte order, but torch writes and reads
 * legacy storages little-endian on every host, so sparse indices are checked little-endian whatever
 * it says. Fixtures from {@code src/test/resources/pytorch/generate_sysinfo.py}, checked there
 * against torch.load.
 */
class LegacySysInfoTest {
  @Test
  void indicesOutOfBoundsAsTorchReadsThemAreRefusedWhateverSysInfoSays() {
    // the index is 2**56 to torch, 1 if its bytes were read big-endian
    ScanReport r = Scans.scan(Scans.resource("pytorch/legacy_sysinfo_big_endian_sparse_oob.pt"));
    assertEquals(Set.of("PYTORCH_SPARSE_INDEX_INVALID"), Scans.reasons(r), Scans.describe(r));
  }

  @Test
  void aCheckpointFromABigEndianHostIsAccepted() {
    // valid indices (0..2): read big-endian, index 2 would be 2**57 and the file refused
    ScanReport r = Scans.scan(Scans.resource("pytorch/legacy_sysinfo_big_endian_sparse.pt"));
    assertTrue(r.accepted(), Scans.describe(r));
  }
}
