package dev.safeload.formats.tokenizer;

import dev.safeload.Setting;
import dev.safeload.formats.internal.text.TextLines;
import dev.safeload.spi.ValidationContext;

/** The settings every tokenizer-file handler reads, with their secure defaults. */
public final class Tokenizers {
  /** Largest vocab.txt, merges.txt or tiktoken file (the biggest real ones are a few MB). */
  public static final Setting<Long> MAX_TEXT_BYTES =
      Setting.limit("tokenizer.text.maxBytes", 64L << 20);

  /** Longest line of a tokenizer text file, newline excluded (real tokens are tens of bytes). */
  public static final Setting<Long> MAX_LINE_BYTES =
      Setting.limit("tokenizer.text.maxLineBytes", 16L << 10);

  /** Most tokens, merges or pieces in one file (real vocabularies stay below 300,000). */
  public static final Setting<Long> MAX_TOKENS = Setting.limit("tokenizer.maxTokens", 4_000_000L);

  /** Largest SentencePiece model. */
  public static final Setting<Long> MAX_SENTENCEPIECE_BYTES =
      Setting.limit("sentencepiece.maxBytes", 64L << 20);

  /**
   * Longest string field of a SentencePiece model (pieces, trainer options, normalization rules).
   */
  public static final Setting<Long> MAX_SENTENCEPIECE_STRING_BYTES =
      Setting.limit("sentencepiece.maxStringBytes", 1L << 20);

  /** Largest precompiled normalization charsmap (the built-in nmt_nfkc one is about 240 KB). */
  public static final Setting<Long> MAX_CHARSMAP_BYTES =
      Setting.limit("sentencepiece.maxCharsmapBytes", 16L << 20);

  /** Most self-test samples. */
  public static final Setting<Long> MAX_SELF_TEST_SAMPLES =
      Setting.limit("sentencepiece.maxSelfTestSamples", 10_000L);

  private Tokenizers() {}

  static TextLines.Limits textLimits(ValidationContext c, boolean requireFinalNewline) {
    return new TextLines.Limits(
        c.limit(MAX_TEXT_BYTES), c.limit(MAX_LINE_BYTES), requireFinalNewline);
  }
}
