package dev.safeload.formats.internal.torchscript;

import dev.safeload.ReasonCode;

/**
 * A rejection inside one code file, located by line and column; the archive reader turns it into a
 * finding that names the file (the file offset of deflated code is not meaningful).
 */
public final class SourceError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ReasonCode reason;
  private final int line;
  private final int column;

  SourceError(ReasonCode reason, int line, int column, String message) {
    super(message, null, false, false);
    this.reason = reason;
    this.line = line;
    this.column = column;
  }

  public ReasonCode reason() {
    return reason;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}
