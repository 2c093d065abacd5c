package dev.safeload.spi;

import dev.safeload.Finding;
import dev.safeload.ReasonCode;
import java.util.Objects;

/**
 * Thrown by a handler to stop validating a file at the first fatal problem. The loader turns it
 * into a {@link Finding}; any other exception from a handler becomes {@code HANDLER_ERROR}.
 */
public final class FormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ReasonCode reason;
  private final long offset;

  /**
   * @param reason the reason code
   * @param offset byte offset in the file, or {@link Finding#NO_OFFSET}
   * @param message a short explanation
   */
  public FormatException(ReasonCode reason, long offset, String message) {
    super(Objects.requireNonNull(message, "message"), null, false, false);
    this.reason = reason;
    this.offset = offset;
  }

  /** The explanation given when thrown: never null (the constructor requires one). */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage());
  }

  public ReasonCode reason() {
    return reason;
  }

  public long offset() {
    return offset;
  }
}
