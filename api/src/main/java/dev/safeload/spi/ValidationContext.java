package dev.safeload.spi;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ReasonCode;
import dev.safeload.Setting;
import java.util.List;

/**
 * What the loader tells a handler while it validates one file, and where the handler reports
 * findings. Not thread-safe: one context per file.
 */
public interface ValidationContext {

  /** The file's name relative to the model root. */
  String fileName();

  /** The policy's value for a setting (its default unless the application overrode it). */
  <T> T setting(Setting<T> setting);

  /** Shorthand for a numeric limit. */
  default long limit(Setting<Long> limit) {
    return setting(limit);
  }

  /**
   * Records a finding and lets validation continue, for handlers that can report several problems.
   * Use {@link FormatException} to stop at a fatal one.
   *
   * @param offset byte offset or {@link Finding#NO_OFFSET}
   */
  void report(ReasonCode reason, long offset, String message);

  /**
   * A context that applies {@code policy} and appends findings to {@code sink} (at most 1000; a
   * handler reporting more is cut short, and the file is rejected anyway). The loader validates
   * every file through one; handler unit tests and fuzz targets use it to call a handler directly.
   */
  static ValidationContext collecting(String fileName, LoadPolicy policy, List<Finding> sink) {
    return new CollectingContext(fileName, policy, sink);
  }
}
