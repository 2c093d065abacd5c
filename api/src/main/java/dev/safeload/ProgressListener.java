package dev.safeload;

/**
 * Told how far the loader has read each file, for progress displays on long models. Set it with
 * {@link SafeModelLoader.Builder#progress}.
 *
 * <p>Called from the loader's reading threads, possibly for several files at once, after every few
 * megabytes; implementations must be thread-safe and quick (record the numbers, draw elsewhere). An
 * exception thrown here is logged and ignored: progress never decides a verdict.
 */
@FunctionalInterface
public interface ProgressListener {
  /** Ignores all progress. */
  ProgressListener NONE = (file, bytesRead, fileSize) -> {};

  /**
   * @param file the file's name relative to the model root
   * @param bytesRead bytes of it read and hashed so far (reaches {@code fileSize} once)
   * @param fileSize the file's size
   */
  void bytesRead(String file, long bytesRead, long fileSize);
}
