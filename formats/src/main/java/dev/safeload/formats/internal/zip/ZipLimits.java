package dev.safeload.formats.internal.zip;

import dev.safeload.formats.zip.Zip;
import dev.safeload.spi.ValidationContext;

/**
 * Resource limits for one archive, taken from the policy.
 *
 * @param maxEntries most entries
 * @param maxEntryBytes largest uncompressed entry
 * @param maxTotalBytes largest sum of uncompressed sizes
 * @param maxRatio largest uncompressed/compressed ratio of a deflated entry
 * @param ratioFloorBytes deflated entries inflating to fewer bytes are not held to {@code maxRatio}
 *     one by one, only together
 * @param maxNameBytes longest entry name, in bytes
 */
public record ZipLimits(
    long maxEntries,
    long maxEntryBytes,
    long maxTotalBytes,
    long maxRatio,
    long ratioFloorBytes,
    long maxNameBytes) {

  /** Limits with the default ratio floor and name length. */
  public ZipLimits(long maxEntries, long maxEntryBytes, long maxTotalBytes, long maxRatio) {
    this(
        maxEntries,
        maxEntryBytes,
        maxTotalBytes,
        maxRatio,
        Zip.COMPRESSION_RATIO_FLOOR_BYTES.defaultValue(),
        Zip.MAX_NAME_BYTES.defaultValue());
  }

  /** The limits the policy of {@code context} sets. */
  public static ZipLimits from(ValidationContext context) {
    return new ZipLimits(
        context.limit(Zip.MAX_ENTRIES),
        context.limit(Zip.MAX_ENTRY_BYTES),
        context.limit(Zip.MAX_TOTAL_BYTES),
        context.limit(Zip.MAX_COMPRESSION_RATIO),
        context.limit(Zip.COMPRESSION_RATIO_FLOOR_BYTES),
        context.limit(Zip.MAX_NAME_BYTES));
  }
}
