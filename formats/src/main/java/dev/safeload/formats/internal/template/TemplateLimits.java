package dev.safeload.formats.internal.template;

/**
 * Static caps on one template. The defaults leave ample room over the largest of 48 real chat
 * templates (16.7 KB, 3 770 tokens, 1 286 nodes, tree depth 29, block nesting 12, loop nesting 3).
 *
 * @param maxChars template length in UTF-16 characters
 * @param maxTokens lexer tokens
 * @param maxNodes syntax tree nodes
 * @param maxDepth parser recursion (nested brackets, unary operators, else-chains) and open
 *     brackets
 * @param maxHeight syntax tree height of one expression (left-leaning chains such as a + b + c)
 * @param maxBlockDepth nested statement blocks
 * @param maxLoopDepth nested for loops
 * @param maxStringLiteral decoded length of one string literal
 * @param maxIdentifier length of one identifier
 * @param maxMacros macro definitions
 * @param workPerNode policy analysis steps allowed per tree node (the fixpoints stay linear)
 */
record TemplateLimits(
    int maxChars,
    int maxTokens,
    int maxNodes,
    int maxDepth,
    int maxHeight,
    int maxBlockDepth,
    int maxLoopDepth,
    int maxStringLiteral,
    int maxIdentifier,
    int maxMacros,
    int workPerNode) {

  static final TemplateLimits DEFAULT =
      new TemplateLimits(256 * 1024, 20_000, 20_000, 64, 256, 32, 8, 64 * 1024, 64, 256, 64);
}
