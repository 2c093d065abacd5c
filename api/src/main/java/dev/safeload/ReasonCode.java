package dev.safeload;

/**
 * A stable, documented code for why a file or model was rejected.
 *
 * <p>The built-in codes are the constants of {@link Reason}. A library author who adds a format
 * through the SPI declares their own enum implementing this interface, with a prefix of their own
 * so that codes never collide. A code, once published, never changes meaning.
 */
public interface ReasonCode {
  /** The stable code, upper snake case, e.g. {@code SAFETENSORS_DUPLICATE_KEY}. */
  String code();

  /** One sentence saying what the code means, for reports and documentation. */
  String description();
}
