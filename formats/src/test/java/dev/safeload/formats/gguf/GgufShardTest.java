package dev.safeload.formats.gguf;

import static dev.safeload.formats.gguf.GgufWriter.INT32;
import static dev.safeload.formats.gguf.GgufWriter.UINT16;
import static dev.safeload.formats.gguf.GgufWriter.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ReasonCode;
import dev.safeload.SafeModelLoader;
import dev.safeload.formats.FormatReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Split GGUF models: names, counts and tensors agree across every shard. */
class GgufShardTest {
  @TempDir Path dir;

  private static final SafeModelLoader LOADER =
      SafeModelLoader.builder()
          .policy(LoadPolicy.strict().toBuilder().allowUnpinnedFiles().build())
          .build();

  private static byte[] shard(int no, int count, String tensor, Integer totalTensors) {
    GgufWriter w = new GgufWriter();
    w.kv("split.no", UINT16, new byte[] {(byte) no, 0});
    w.kv("split.count", UINT16, new byte[] {(byte) count, (byte) (count >>> 8)});
    if (totalTensors != null) {
      w.kv("split.tensors.count", INT32, u32(totalTensors));
    }
    w.tensor(tensor, 0, 0, 4);
    w.data = new byte[32];
    return w.build();
  }

  private List<ReasonCode> scan() throws Exception {
    return LOADER.scan(dir).findings().stream()
        .map(f -> (ReasonCode) f.reason())
        .distinct()
        .toList();
  }

  @Test
  void completeSplitModel() throws Exception {
    Files.write(dir.resolve("m-00001-of-00002.gguf"), shard(0, 2, "a", 2));
    Files.write(dir.resolve("m-00002-of-00002.gguf"), shard(1, 2, "b", null));
    assertEquals(List.of(), scan());
  }

  @Test
  void missingShard() throws Exception {
    Files.write(dir.resolve("m-00001-of-00002.gguf"), shard(0, 2, "a", null));
    assertEquals(List.of(FormatReason.GGUF_SHARD_INVALID), scan());
  }

  /** A small first shard may claim 65535 shards: the missing ones make one finding, not 65534. */
  @Test
  void manyMissingShardsReportedOnce() throws Exception {
    Files.write(dir.resolve("m-00001-of-65535.gguf"), shard(0, 65535, "a", null));
    List<Finding> f = LOADER.scan(dir).findings();
    assertEquals(1, f.size(), f::toString);
    assertEquals(FormatReason.GGUF_SHARD_INVALID, f.get(0).reason());
    assertEquals(true, f.get(0).message().contains("65533 more"), f.get(0).message());
  }

  @Test
  void tensorInTwoShards() throws Exception {
    Files.write(dir.resolve("m-00001-of-00002.gguf"), shard(0, 2, "a", null));
    Files.write(dir.resolve("m-00002-of-00002.gguf"), shard(1, 2, "a", null));
    assertEquals(List.of(FormatReason.GGUF_SHARD_INVALID), scan());
  }

  @Test
  void misnamedOrInconsistentShards() throws Exception {
    Files.write(dir.resolve("m-00001-of-00002.gguf"), shard(0, 2, "a", null));
    Files.write(dir.resolve("m-00002-of-00002.gguf"), shard(0, 2, "b", null));
    assertEquals(List.of(FormatReason.GGUF_SHARD_INVALID), scan());
  }

  @Test
  void declaredTensorTotalMustMatch() throws Exception {
    Files.write(dir.resolve("m-00001-of-00002.gguf"), shard(0, 2, "a", 3));
    Files.write(dir.resolve("m-00002-of-00002.gguf"), shard(1, 2, "b", null));
    List<Finding> f = LOADER.scan(dir).findings();
    assertEquals(1, f.size(), f::toString);
    assertEquals(FormatReason.GGUF_SHARD_INVALID, f.get(0).reason());
  }
}
