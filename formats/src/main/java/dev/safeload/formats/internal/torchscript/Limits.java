package dev.safeload.formats.internal.torchscript;

/**
 * Bounds on one archive's code.
 *
 * @param maxFileBytes largest code file
 * @param maxCodeBytes all code files together
 * @param maxTokens tokens in one file
 * @param maxDepth nesting of blocks, brackets and expressions
 * @param maxIdentifier characters in one identifier
 * @param maxString characters in one string literal
 */
public record Limits(
    long maxFileBytes,
    long maxCodeBytes,
    int maxTokens,
    int maxDepth,
    int maxIdentifier,
    int maxString) {
  /** Generous for real exports (a large Hugging Face model prints a few MB of code). */
  public static final Limits DEFAULT =
      new Limits(8L << 20, 64L << 20, 2_000_000, 100, 1024, 1 << 16);
}
