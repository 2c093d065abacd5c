package dev.safeload;

/**
 * A stable, documented code for why a file or model was rejected.
 *
 * <p>The engine's codes are the constants of {@link Reason}; each safeload module declares the
 * codes it reports in an enum of its own (built-in formats, verifiers). A library author who adds a
 * format through the SPI does the same: an enum implementing this interface, with a prefix of their
 * own so that codes never collide. A code, once published, never changes meaning. Compare codes by
 * {@link #code()} when they may come from different enums.
 */
public interface ReasonCode {
  /** The stable code, upper snake case, e.g. {@code SAFETENSORS_DUPLICATE_KEY}. */
  String code();

  /** One sentence saying what the code means, for reports and documentation. */
  String description();
}
