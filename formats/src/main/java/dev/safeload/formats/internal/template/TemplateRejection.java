package dev.safeload.formats.internal.template;

import dev.safeload.ReasonCode;

/** A template the lexer, parser or policy refuses, with its reason code and a short explanation. */
public final class TemplateRejection extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ReasonCode reason;

  TemplateRejection(ReasonCode reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** The reason code for the finding. */
  public ReasonCode reason() {
    return reason;
  }
}
