package dev.safeload.formats.zip;

import dev.safeload.Setting;

/**
 * Limits of the strict zip reader used by every zip-based format (PyTorch checkpoints, .npz). They
 * bound what a hostile archive can make safeload decompress or track.
 */
public final class Zip {
  private Zip() {}

  /** Most entries in one archive. */
  public static final Setting<Long> MAX_ENTRIES = Setting.limit("zip.maxEntries", 100_000);

  /** Largest uncompressed size of one entry. */
  public static final Setting<Long> MAX_ENTRY_BYTES = Setting.limit("zip.maxEntryBytes", 64L << 30);

  /** Largest sum of the entries' uncompressed sizes. */
  public static final Setting<Long> MAX_TOTAL_BYTES =
      Setting.limit("zip.maxTotalBytes", 256L << 30);

  /** Largest uncompressed/compressed ratio of a deflated entry (zip-bomb guard). */
  public static final Setting<Long> MAX_COMPRESSION_RATIO =
      Setting.limit("zip.maxCompressionRatio", 100);

  /**
   * Deflated entries that inflate to fewer bytes than this are not held to the ratio limit one by
   * one: a few KB of zero-filled tensor deflate 300:1 and are no bomb, and deflate itself cannot
   * exceed about 1032:1, so each such entry costs at most this much. They are judged together
   * instead: once their sum reaches this floor, their combined ratio must be within the limit, so
   * that many small entries cannot add up to a bomb. 16 MiB: real archives cross 100:1 below it
   * (scipy's own {@code carex_20_data.npz} holds a 1.4 MB array deflated 160:1 and a 0.7 MB one at
   * 234:1), and inflating 16 MiB costs tens of milliseconds, so the floor bounds the work a small
   * archive can cause without refusing numpy's zero-heavy output.
   */
  public static final Setting<Long> COMPRESSION_RATIO_FLOOR_BYTES =
      Setting.limit("zip.compressionRatioFloorBytes", 16L << 20);

  /**
   * Longest entry name in bytes (checked before the name is decoded or normalised). 4096 is Linux's
   * PATH_MAX: a longer name cannot be extracted there anyway.
   */
  public static final Setting<Long> MAX_NAME_BYTES = Setting.limit("zip.maxNameBytes", 4096);
}
