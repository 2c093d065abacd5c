package dev.safeload.formats.safetensors;

import dev.safeload.Setting;

/**
 * Limits of the safetensors handlers: single files and the shard index.
 *
 * <p>Set through the policy ({@code LoadPolicy.Builder.set}); the defaults are the values below.
 */
public final class Safetensors {
  private Safetensors() {}

  /** Largest header length N; the reference's cap is 100,000,000 bytes (not 100 MiB). */
  public static final Setting<Long> MAX_HEADER_BYTES =
      Setting.limit("safetensors.maxHeaderBytes", 100_000_000L);

  /** Most tensors in one file (header bloat is a CPU and memory attack). */
  public static final Setting<Long> MAX_TENSORS = Setting.limit("safetensors.maxTensors", 300_000L);

  /** Most dimensions in one shape (the reference has no cap). */
  public static final Setting<Long> MAX_RANK = Setting.limit("safetensors.maxRank", 16L);

  /** Longest tensor name, in UTF-8 bytes. */
  public static final Setting<Long> MAX_NAME_BYTES =
      Setting.limit("safetensors.maxNameBytes", 1024L);

  /** Most {@code __metadata__} entries. */
  public static final Setting<Long> MAX_METADATA_ENTRIES =
      Setting.limit("safetensors.maxMetadataEntries", 10_000L);

  /** Most UTF-8 bytes of {@code __metadata__} keys and values together (payloads hide there). */
  public static final Setting<Long> MAX_METADATA_BYTES =
      Setting.limit("safetensors.maxMetadataBytes", 16L << 20);

  /** Most {@code weight_map} entries. */
  public static final Setting<Long> MAX_INDEX_ENTRIES =
      Setting.limit("safetensors-index.maxEntries", 300_000L);
}
