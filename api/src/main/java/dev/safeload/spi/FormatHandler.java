package dev.safeload.spi;

import java.nio.ByteBuffer;
import java.util.Set;

/**
 * Teaches safeload one file format. Found through {@link java.util.ServiceLoader} or registered on
 * {@code SafeModelLoader.Builder#handler}; a handler's verdicts count only if the policy allows its
 * {@link #id()}.
 *
 * <p>Contract:
 * <ul>
 *   <li>Stateless and thread-safe: one instance validates many files at once.
 *   <li>Fail closed: anything not understood is a finding. Never "suspicious but allowed".
 *   <li>Bounded: check every length and count from the file against {@link ModelBytes#size()} and a
 *       {@link dev.safeload.Setting} limit before allocating or looping on it.
 *   <li>Never read anything but the given {@link ModelBytes}: no file system, no network.
 * </ul>
 */
public interface FormatHandler {

  /** The SPI version this interface describes. */
  int SPI_VERSION = 1;

  /** A stable lower-case id, e.g. {@code safetensors}; policies allow formats by id. */
  String id();

  /** File name extensions (without the dot, lower case) that name this format. */
  Set<String> extensions();

  /**
   * How sure the handler is that a file starting with {@code head} is in its format.
   *
   * @param head     the first bytes of the file (up to 64 KiB), read-only, position 0, little-endian
   *                 (note that {@code duplicate()} resets a buffer's order to big-endian)
   * @param fileSize the whole file's size
   */
  Confidence detect(ByteBuffer head, long fileSize);

  /**
   * Validates one file and describes it. Report problems through {@code context} or by throwing
   * {@link FormatException}; the returned description is used only if no finding was reported.
   */
  ModelDescription validate(ModelBytes bytes, ValidationContext context);

  /**
   * Checks that span files, called once per file of this format after all files were validated on
   * their own. The default checks nothing.
   */
  default void validateModel(ModelView.ValidatedFile self, ModelView model, ValidationContext context) {}

  /** The SPI version the handler was written against. */
  default int spiVersion() {
    return SPI_VERSION;
  }
}
