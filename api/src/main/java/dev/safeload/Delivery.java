package dev.safeload;

/**
 * How verified bytes reach the application. Each mode closes the gap between checking a file and
 * using it in its own way; see the README's table.
 */
public enum Delivery {
  /**
   * The default: {@link #COPY_TO_MEMORY} for models up to the policy's in-memory limit, {@link
   * #PRIVATE_FILE} above it.
   */
  AUTOMATIC,
  /**
   * Hash and validate while copying into direct memory; hand out read-only buffers of the copy.
   * Later changes to the source cannot reach the application.
   */
  COPY_TO_MEMORY,
  /**
   * Hash and validate while copying into a new private directory (owner-only {@code 0700}, files
   * {@code 0400}); hand out buffers and paths of the copy. For engines that want a path.
   */
  PRIVATE_FILE,
  /**
   * Map the source once, validate and hash the mapping, and hand out that same mapping. No copy,
   * but a writer with access to the file can still change mapped bytes: choose this only for
   * storage you vouch for (read-only images and volumes). Size, modification and change times and
   * file identity are re-checked after the checks and when the model is closed; they do not show
   * every write: on Linux, a write through a writable shared mapping of the file to a page that
   * mapping has already dirtied changes neither time (ext4 and tmpfs update them on the first write
   * fault only), so a writer that mapped the file first is not seen. Scans read through a mapping
   * too, with the same limit. A file under 1 MiB is read into memory instead, hashed and judged
   * there as {@link #COPY_TO_MEMORY} does (the copy costs less than a mapping at that size), while
   * a run's copies stay within 64 MiB; the limit applies to the files mapped.
   */
  MAPPED_TRUSTED
}
