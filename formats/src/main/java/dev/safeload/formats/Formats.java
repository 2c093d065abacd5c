package dev.safeload.formats;

/** Facts about the built-in formats shared by several handlers. */
public final class Formats {
  private Formats() {}

  /** The artifact's module name, for diagnostics. */
  public static final String MODULE = "dev.safeload.formats";
}
