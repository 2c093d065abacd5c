package dev.safeload.verify.signing;

import dev.safeload.Reason;

/** A signature did not verify; {@link #reason()} is the stable reason code. */
public final class SignatureVerificationException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient Reason reason;

  public SignatureVerificationException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
