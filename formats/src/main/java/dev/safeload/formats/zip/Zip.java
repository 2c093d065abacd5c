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
  public static final Setting<Long> MAX_TOTAL_BYTES = Setting.limit("zip.maxTotalBytes", 256L << 30);
  /** Largest uncompressed/compressed ratio of a deflated entry (zip-bomb guard). */
  public static final Setting<Long> MAX_COMPRESSION_RATIO = Setting.limit("zip.maxCompressionRatio", 100);
}
