package dev.safeload.formats.internal.zip;

import dev.safeload.formats.zip.Zip;
import dev.safeload.spi.ValidationContext;

/**
 * Resource limits for one archive, taken from the policy.
 *
 * @param maxEntries        most entries
 * @param maxEntryBytes     largest uncompressed entry
 * @param maxTotalBytes     largest sum of uncompressed sizes
 * @param maxRatio          largest uncompressed/compressed ratio of a deflated entry
 */
public record ZipLimits(long maxEntries, long maxEntryBytes, long maxTotalBytes, long maxRatio) {

  /** The limits the policy of {@code context} sets. */
  public static ZipLimits from(ValidationContext context) {
    return new ZipLimits(context.limit(Zip.MAX_ENTRIES), context.limit(Zip.MAX_ENTRY_BYTES),
        context.limit(Zip.MAX_TOTAL_BYTES), context.limit(Zip.MAX_COMPRESSION_RATIO));
  }
}
