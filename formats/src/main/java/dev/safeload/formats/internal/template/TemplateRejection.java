package dev.safeload.formats.internal.template;

import dev.safeload.Reason;

/** A template the lexer, parser or policy refuses, with its reason code and a short explanation. */
public final class TemplateRejection extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Reason reason;

  TemplateRejection(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** The reason code for the finding. */
  public Reason reason() {
    return reason;
  }
}
