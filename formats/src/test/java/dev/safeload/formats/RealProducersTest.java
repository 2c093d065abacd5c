package dev.safeload.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.formats.pickle.PickleProfile;
import dev.safeload.formats.pytorch.PyTorch;
import dev.safeload.spi.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files written by real PyTorch 1.13 / torchvision 0.14 / NumPy 1.24 (Debian packages) through
 * {@code src/test/resources/pytorch/generate.py}: accepted by default, and the ones {@code
 * torch.load(weights_only=True)} itself refuses are rejected with their own reasons.
 */
class RealProducersTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pytorch/resnet_basicblock_state_dict.pt",
        "pytorch/torchvision_mlp_state_dict.pth",
        "pytorch/optimizer_checkpoint.ckpt",
        "pytorch/legacy_state_dict.pt",
        "pytorch/dtypes.pt",
        "pytorch/shared_views.pt",
        "pytorch/torchscript_linear.pt",
        "numpy/float32.npy",
        "numpy/int64_fortran.npy",
        "numpy/bool.npy",
        "numpy/bigendian.npy",
        "numpy/scalar.npy",
        "numpy/empty.npy",
        "numpy/unicode.npy",
        "numpy/arrays.npz",
        "numpy/arrays_compressed.npz",
        "pickle/data_v0.pkl",
        "pickle/data_v1.pkl",
        "pickle/data_v2.pkl",
        "pickle/data_v3.pkl",
        "pickle/data_v4.pkl",
        "pickle/data_v5.pkl"
      })
  void acceptedByDefault(String fixture) {
    ScanReport r = Scans.scan(Scans.resource(fixture));
    assertTrue(r.accepted(), () -> fixture + ": " + Scans.describe(r));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pytorch/protocol4_state_dict.pt=PICKLE_OPCODE_NOT_ALLOWED",
        "pytorch/legacy_tar.pt=PYTORCH_LEGACY_TAR",
        "pytorch/checkpoint.pt.gz=ARCHIVE_COMPRESSED",
        "pytorch/checkpoint.pt.bz2=ARCHIVE_COMPRESSED",
        "pytorch/checkpoint.pt.xz=ARCHIVE_COMPRESSED",
        "numpy/object.npy=PICKLE_GLOBAL_NOT_ALLOWED",
        "numpy/object_member.npz=PICKLE_GLOBAL_NOT_ALLOWED"
      })
  void refusedWithTheirOwnReason(String spec) {
    String[] s = spec.split("=");
    assertEquals(Set.of(s[1]), Scans.reasons(Scans.scan(Scans.resource(s[0]))), s[0]);
  }

  @Test
  void protocol4CheckpointPassesTheExtendedProfile() {
    LoadPolicy p =
        LoadPolicy.strict().toBuilder()
            .set(PyTorch.PROFILE, PickleProfile.torchWeightsExtended())
            .build();
    ScanReport r = Scans.scan(Scans.resource("pytorch/protocol4_state_dict.pt"), p);
    assertTrue(r.accepted(), () -> Scans.describe(r));
  }

  @Test
  void sharedViewsAreDescribedOverOneStorage() throws Exception {
    Path copy = dir.resolve("shared_views.pt");
    Files.copy(Scans.resource("pytorch/shared_views.pt"), copy);
    LoadPolicy policy = LoadPolicy.strict().toBuilder().allowUnpinnedFiles().build();
    try (VerifiedModel m = SafeModelLoader.builder().policy(policy).build().load(copy)) {
      var d = m.files().get(0).description();
      List<TensorInfo> t = d.tensors();
      assertEquals(
          List.of("base", "slice", "matrix", "transposed", "strided"),
          t.stream().map(TensorInfo::name).toList());
      assertEquals(List.of(4L, 6L), t.get(2).shape());
      assertEquals("float32", t.get(0).dtype());
      assertEquals(
          t.get(0).offset() + 2 * 4,
          t.get(1).offset()); // slice starts 2 floats into the shared record
      assertEquals("1", d.metadata().get("pytorch.storages"));
      assertTrue(d.metadata().get("pickle.globals").contains("torch._utils._rebuild_tensor_v2"));
    }
  }

  @Test
  void legacyStorageBytesMustMatch() {
    byte[] b = Scans.read(Scans.resource("pytorch/legacy_state_dict.pt"));
    byte[] longer = Pickles.of(b, new byte[] {0});
    assertEquals(
        Set.of("PICKLE_TRAILING_BYTES"), Scans.reasons(Scans.scanBytes(dir, "x.pt", longer)));
    byte[] shorter = java.util.Arrays.copyOf(b, b.length - 1);
    assertEquals(
        Set.of("PYTORCH_LEGACY_INVALID"), Scans.reasons(Scans.scanBytes(dir, "y.pt", shorter)));
  }

  @Test
  void legacyMagicFollowedByAMaliciousMainPickle() {
    // modelscan N8: only the first pickle scanned. Here the fourth one imports os.system.
    byte[] legacy = Scans.read(Scans.resource("pytorch/legacy_state_dict.pt"));
    byte[] head = java.util.Arrays.copyOf(legacy, 15 + 6); // magic + protocol version
    byte[] sysInfo =
        Pickles.of(
            0x80,
            2,
            "}(",
            Pickles.str("protocol_version"),
            "M",
            0xe9,
            3,
            Pickles.str("little_endian"),
            0x88,
            Pickles.str("type_sizes"),
            "}(",
            Pickles.str("short"),
            "K",
            2,
            Pickles.str("int"),
            "K",
            4,
            Pickles.str("long"),
            "K",
            4,
            "uu.");
    byte[] evil = Pickles.of(0x80, 2, "cos\nsystem\n", Pickles.str("id"), 0x85, "R.");
    byte[] file = Pickles.of(head, sysInfo, evil, 0x80, 2, "].");
    ScanReport r = Scans.scanBytes(dir, "legacy.pt", file);
    assertEquals(Set.of("PICKLE_GLOBAL_NOT_ALLOWED"), Scans.reasons(r), Scans.describe(r));
    assertTrue(r.findings().get(0).message().contains("os.system"));
  }
}
