package dev.safeload.toy;

import dev.safeload.ReasonCode;

/**
 * A library author's own reason codes, as the SPI documents: an enum implementing {@link
 * ReasonCode}.
 */
public enum ToyReason implements ReasonCode {
  TOY_BODY_INVALID("The toy body is not 'OK'."),
  TOY_DIGEST_NOT_ALLOWED(
      "The toy provenance verifier's allowlist does not hold the file's digest.");

  private final String description;

  ToyReason(String description) {
    this.description = description;
  }

  @Override
  public String code() {
    return name();
  }

  @Override
  public String description() {
    return description;
  }
}
