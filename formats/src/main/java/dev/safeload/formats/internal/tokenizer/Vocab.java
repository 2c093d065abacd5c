package dev.safeload.formats.internal.tokenizer;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.text.TextLines;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * A WordPiece vocabulary ({@code vocab.txt}): one token per line, the line number (from 0) is the
 * token's id. After the shared {@link TextLines} rules, each line is checked in this order:
 *
 * <ol>
 *   <li>not empty, and neither starting nor ending with a White_Space code point ({@code
 *       VOCAB_TOKEN_INVALID}): transformers' {@code load_vocab} keeps the line as it is (minus the
 *       LF) while the Rust {@code WordPiece::read_file} trims trailing whitespace, so such a token
 *       means two different vocabularies; no producer writes one, since WordPiece splits input on
 *       whitespace first;
 *   <li>at most {@code maxTokens} lines ({@code VOCAB_TOO_MANY_TOKENS});
 *   <li>no token twice ({@code VOCAB_DUPLICATE_TOKEN}): both readers silently let the last line
 *       win, so the earlier id decodes to a token that never encodes to it.
 * </ol>
 *
 * A missing final LF is accepted (both readers read the last line the same way).
 */
public final class Vocab {

  /** What a valid vocabulary holds, and the work spent on it (bytes examined plus lines hashed). */
  public record Result(int tokens, long work) {}

  private Vocab() {}

  public static Result parse(ModelBytes bytes, TextLines.Limits text, long maxTokens) {
    Set<String> seen = new HashSet<>();
    int[] count = {0};
    long work =
        TextLines.forEachLine(
            bytes,
            text,
            (ByteBuffer buf, int start, int end, long line) -> {
              if (start == end) {
                throw new FormatException(
                    FormatReason.VOCAB_TOKEN_INVALID, start, "line " + line + " is empty");
              }
              if (TextLines.isWhiteSpace((int) (TextLines.codePointAt(buf, start) >>> 32))
                  || TextLines.isWhiteSpace(TextLines.lastCodePoint(buf, start, end))) {
                throw new FormatException(
                    FormatReason.VOCAB_TOKEN_INVALID,
                    start,
                    "the token on line "
                        + line
                        + " starts or ends with whitespace, which readers trim differently");
              }
              if (++count[0] > maxTokens) {
                throw new FormatException(
                    FormatReason.VOCAB_TOO_MANY_TOKENS,
                    start,
                    "more than " + maxTokens + " tokens");
              }
              if (!seen.add(TextLines.string(buf, start, end))) {
                throw new FormatException(
                    FormatReason.VOCAB_DUPLICATE_TOKEN,
                    start,
                    "the token on line "
                        + line
                        + " appeared before; readers would keep only the last id");
              }
            });
    return new Result(count[0], work + count[0]);
  }

  /**
   * Whether {@code head} looks like a vocabulary: at least two complete lines, each non-empty and
   * free of ASCII whitespace and controls, and a first byte that cannot start a JSON document (
   * <code>&#123;</code> or {@code [} followed by a JSON value), so that JSON and merges or tiktoken
   * files (which have a space on every line) are not taken for one.
   */
  public static boolean looksLike(ByteBuffer head) {
    int p = head.position();
    int lim = head.limit();
    if (p >= lim) {
      return false;
    }
    int c0 = head.get(p);
    if (c0 == '{' || (c0 == '[' && p + 1 < lim && startsJsonValue(head.get(p + 1)))) {
      return false;
    }
    int lines = 0;
    int lineStart = p;
    for (int i = p; i < lim; i++) {
      int c = head.get(i);
      if (c == '\n') {
        if (i == lineStart) {
          return false;
        }
        lines++;
        lineStart = i + 1;
      } else if (c >= 0 && c <= 0x20 || c == 0x7f) {
        return false;
      }
    }
    return lines >= 2;
  }

  private static boolean startsJsonValue(int c) {
    return c == '"'
        || c == '{'
        || c == '['
        || c == ']'
        || c == '-'
        || (c >= '0' && c <= '9')
        || c == 't'
        || c == 'f'
        || c == 'n'
        || c == ' '
        || c == '\n'
        || c == '\r'
        || c == '\t';
  }
}
