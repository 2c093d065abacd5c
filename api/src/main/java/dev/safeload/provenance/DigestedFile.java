package dev.safeload.provenance;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A file of the model as the loader read it: its name relative to the model root ({@code
 * /}-separated), its size, the SHA-256 of exactly the bytes that will be served and, for the shard
 * sizes verifiers asked for ({@link ProvenanceVerifier#shardSizes()}), the SHA-256 of each
 * fixed-size range of those bytes, computed in the same pass.
 *
 * @param shards for each shard size {@code s}, the digests of {@code [0, s)}, {@code [s, 2s)}, ...
 *     in order, the last range ending at {@code size} (none for an empty file)
 */
public record DigestedFile(String name, long size, Sha256 sha256, Map<Long, List<Sha256>> shards) {
  /**
   * The smallest shard size the loader computes in its single pass: bounds the digests kept per
   * byte.
   */
  public static final long MIN_SHARD_SIZE = 1 << 20;

  public DigestedFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sha256, "sha256");
    Map<Long, List<Sha256>> copy = new java.util.HashMap<>();
    shards.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    shards = Map.copyOf(copy);
  }

  /** A file with its whole-file digest only. */
  public DigestedFile(String name, long size, Sha256 sha256) {
    this(name, size, sha256, Map.of());
  }

  /** Number of shards of {@code shardSize} bytes a file of {@code size} bytes has. */
  public static long shardCount(long size, long shardSize) {
    if (shardSize <= 0) {
      throw new IllegalArgumentException("shard size must be positive, got " + shardSize);
    }
    return (size + shardSize - 1) / shardSize;
  }

  /**
   * The digests of this file's shards of {@code shardSize} bytes, if they were computed in the
   * pass.
   */
  public Optional<List<Sha256>> shards(long shardSize) {
    List<Sha256> s = shards.get(shardSize);
    return Optional.ofNullable(s);
  }
}
