package dev.safeload.verify.signing;

import dev.safeload.ReasonCode;
import java.util.Objects;

/**
 * A signature, or one of the inputs it is checked against (bundle, manifest, certificate chain,
 * transparency log entry, trusted root, revocation feed), did not verify; {@link #reason()} is the
 * stable reason code. Every failure inside signature verification is one of these (fail closed), so
 * the verifier turns it into a finding without translating it.
 */
public final class SignatureVerificationException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient ReasonCode reason;

  /**
   * @param reason the stable reason code reported for this failure
   * @param message what failed, for people
   */
  public SignatureVerificationException(ReasonCode reason, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.reason = reason;
  }

  /**
   * @param reason the stable reason code reported for this failure
   * @param message what failed, for people
   * @param cause the lower-level error (parser, JCA), kept for diagnosis
   */
  public SignatureVerificationException(ReasonCode reason, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.reason = reason;
  }

  /** The explanation given when thrown: never null (the constructor requires one). */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage());
  }

  /**
   * @return the stable reason code
   */
  public ReasonCode reason() {
    return reason;
  }
}
