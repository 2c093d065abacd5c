package dev.safeload.verify;

import java.io.IOException;

/**
 * A pin file that cannot be trusted to mean one thing: malformed JSON or {@code sha256sum} text, an
 * unknown field, a duplicate path, a bad digest, a negative size. Loading fails as a whole; no
 * partial pin set is ever returned.
 */
public final class PinFileException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong and where (line or JSON location)
   */
  public PinFileException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong and where; {@code cause} is the parser's own error
   */
  public PinFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
