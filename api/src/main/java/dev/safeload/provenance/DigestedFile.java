package dev.safeload.provenance;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A file of the model as the loader read it: its name relative to the model root ({@code
 * /}-separated), its size, the SHA-256 of exactly the bytes that will be served and, for the shard
 * sizes verifiers asked for ({@link ProvenanceVerifier#shardSizes()}), the SHA-256 of each
 * fixed-size range of those bytes, computed in the same pass.
 *
 * <p>The whole-file digest is absent (null) when every verifier said it does not need it ({@link
 * ProvenanceVerifier#needsSha256}) and shards were computed instead: the loader then hashes the
 * shards of one file in parallel, and nothing claims a whole-file digest that was never computed.
 *
 * @param sha256 the SHA-256 of the whole file, or null if only its shards were hashed
 * @param shards for each shard size {@code s}, the digests of {@code [0, s)}, {@code [s, 2s)}, ...
 *     in order, the last range ending at {@code size} (none for an empty file)
 */
public record DigestedFile(
    String name, long size, @Nullable Sha256 sha256, Map<Long, List<Sha256>> shards) {
  /**
   * The smallest shard size the loader computes in its single pass: bounds the digests kept per
   * byte.
   */
  public static final long MIN_SHARD_SIZE = 1 << 20;

  public DigestedFile {
    Objects.requireNonNull(name, "name");
    Map<Long, List<Sha256>> copy = new java.util.HashMap<>();
    shards.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    shards = Map.copyOf(copy);
    if (sha256 == null && shards.isEmpty()) {
      throw new IllegalArgumentException(name + ": a file needs its whole-file digest or shards");
    }
  }

  /** A file with its whole-file digest only. */
  public DigestedFile(String name, long size, Sha256 sha256) {
    this(name, size, sha256, Map.of());
  }

  /**
   * The whole-file digest, for a verifier that needs it: the loader computes it for every file
   * unless all verifiers said they do not need it ({@link ProvenanceVerifier#needsSha256}).
   *
   * @throws IllegalStateException if it was not computed (the loader then reports the verifier's
   *     failure, which rejects the model)
   */
  public Sha256 requireSha256() {
    if (sha256 == null) {
      throw new IllegalStateException(
          "the whole-file digest of " + name + " was not computed (only its shards were)");
    }
    return sha256;
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
