package dev.safeload.verify;

/** Entry point placeholder for the verify module; see {@code PinSet}. */
final class Verifiers {
  private Verifiers() {}
}
