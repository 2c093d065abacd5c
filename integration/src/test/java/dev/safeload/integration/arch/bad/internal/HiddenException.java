package dev.safeload.integration.arch.bad.internal;

/** Fixture for ArchitectureTest: an internal exception. */
public class HiddenException extends Exception {
  private static final long serialVersionUID = 1L;
}
