package dev.safeload.verify.internal.sigstore;

import dev.safeload.Reason;

/**
 * A verification step failed. Carries the stable reason so the public verifier can turn it into a
 * finding; every failure inside signature verification is one of these (fail closed).
 */
public final class SigException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient Reason reason;

  public SigException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public SigException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
