/**
 * A test kit for teams that gate their model files in unit tests and CI: assertions over {@link
 * dev.safeload.SafeModelLoader} results and a JUnit parameter source over a directory of model
 * files. Implementation lives in {@code dev.safeload.junit.internal}, which is not exported.
 */
module dev.safeload.junit {
  requires transitive dev.safeload.api;
  requires transitive org.junit.jupiter.api;
  requires transitive org.junit.jupiter.params;
  requires static org.jspecify;

  exports dev.safeload.junit;

  // Whether any format handler can be found, for the UNKNOWN_FORMAT hint.
  uses dev.safeload.spi.FormatHandler;

  // JUnit instantiates the @ModelFiles arguments provider reflectively.
  opens dev.safeload.junit.internal to
      org.junit.platform.commons;
}
