package dev.safeload.formats.internal.tokenizer;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.text.TextLines;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * A tiktoken BPE rank file ({@code cl100k_base.tiktoken}, Llama 3's {@code
 * original/tokenizer.model}): one {@code <base64 token> <rank>} per line. tiktoken's {@code
 * load_tiktoken_bpe} is lenient where a check belongs: {@code base64.b64decode} without {@code
 * validate} drops characters outside the alphabet (so two spellings decode to one token), {@code
 * int()} takes signs, underscores and leading zeros, and a dict silently lets a repeated token's
 * last rank win. The file is therefore held to the form {@code tiktoken.load.dump_tiktoken_bpe}
 * writes. After the shared {@link TextLines} rules, each line in this order:
 *
 * <ol>
 *   <li>exactly two non-empty fields separated by one space, empty lines included ({@code
 *       TIKTOKEN_LINE_INVALID});
 *   <li>the token is canonical padded standard base64: alphabet {@code A-Za-z0-9+/}, length a
 *       multiple of 4, at most two {@code =} only at the end, unused bits zero ({@code
 *       TIKTOKEN_BASE64_INVALID}). Canonical base64 is one-to-one with the bytes, so the text
 *       itself serves as the duplicate key;
 *   <li>the rank is a canonical decimal ({@code 0} or no leading zero) below 2^31, and greater than
 *       the previous line's ({@code TIKTOKEN_RANK_INVALID}): the dump writes ranks in ascending
 *       order, which also makes them unique (tiktoken refuses repeated ranks);
 *   <li>at most {@code maxTokens} lines ({@code TIKTOKEN_TOO_MANY_TOKENS});
 *   <li>no token twice ({@code TIKTOKEN_DUPLICATE_TOKEN}).
 * </ol>
 *
 * Ranks need not be contiguous (real encodings leave gaps for special tokens). A missing final LF
 * is accepted, as {@code splitlines()} reads it the same.
 */
public final class Tiktoken {

  /** What a valid rank file holds, and the work spent on it. */
  public record Result(int tokens, long maxRank, long work) {}

  private Tiktoken() {}

  public static Result parse(ModelBytes bytes, TextLines.Limits text, long maxTokens) {
    Set<String> seen = new HashSet<>();
    long[] state = {0, -1}; // count, previous rank
    long work =
        TextLines.forEachLine(
            bytes,
            text,
            (ByteBuffer buf, int start, int end, long line) -> {
              int space = lineSpace(buf, start, end);
              if (space < 0) {
                throw new FormatException(
                    FormatReason.TIKTOKEN_LINE_INVALID,
                    start,
                    "line " + line + " is not '<base64 token> <rank>'");
              }
              if (!canonicalBase64(buf, start, space)) {
                throw new FormatException(
                    FormatReason.TIKTOKEN_BASE64_INVALID,
                    start,
                    "the token on line " + line + " is not canonical padded base64");
              }
              long rank = canonicalDecimal(buf, space + 1, end);
              if (rank < 0) {
                throw new FormatException(
                    FormatReason.TIKTOKEN_RANK_INVALID,
                    space + 1,
                    "the rank on line " + line + " is not a canonical decimal below 2^31");
              }
              if (rank <= state[1]) {
                throw new FormatException(
                    FormatReason.TIKTOKEN_RANK_INVALID,
                    space + 1,
                    "rank "
                        + rank
                        + " on line "
                        + line
                        + " does not exceed the previous rank "
                        + state[1]);
              }
              state[1] = rank;
              if (++state[0] > maxTokens) {
                throw new FormatException(
                    FormatReason.TIKTOKEN_TOO_MANY_TOKENS,
                    start,
                    "more than " + maxTokens + " tokens");
              }
              if (!seen.add(TextLines.string(buf, start, space))) {
                throw new FormatException(
                    FormatReason.TIKTOKEN_DUPLICATE_TOKEN,
                    start,
                    "the token on line " + line + " appeared before");
              }
            });
    return new Result((int) state[0], state[1], work + state[0]);
  }

  /**
   * The index of the single space of a {@code token rank} line with both fields non-empty, or -1.
   */
  private static int lineSpace(ByteBuffer buf, int start, int end) {
    int space = -1;
    for (int p = start; p < end; p++) {
      if (buf.get(p) == ' ') {
        if (space >= 0) {
          return -1;
        }
        space = p;
      }
    }
    return space > start && space < end - 1 ? space : -1;
  }

  static boolean canonicalBase64(ByteBuffer buf, int start, int end) {
    int n = end - start;
    if (n == 0 || n % 4 != 0) {
      return false;
    }
    int pad = 0;
    if (buf.get(end - 1) == '=') {
      pad = buf.get(end - 2) == '=' ? 2 : 1;
    }
    int last = 0;
    for (int p = start; p < end - pad; p++) {
      last = sextet(buf.get(p));
      if (last < 0) {
        return false;
      }
    }
    // The last data character's low bits beyond the decoded bytes must be zero: 4 bits with "==", 2
    // with "=".
    return pad == 0 || (last & (pad == 2 ? 0x0F : 0x03)) == 0;
  }

  private static int sextet(int c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  }

  /** The value of a canonical decimal below 2^31 in {@code [start, end)}, or -1. */
  static long canonicalDecimal(ByteBuffer buf, int start, int end) {
    if (end <= start || end - start > 10 || (buf.get(start) == '0' && end - start > 1)) {
      return -1;
    }
    long v = 0;
    for (int p = start; p < end; p++) {
      int d = buf.get(p) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v <= Integer.MAX_VALUE ? v : -1;
  }

  /**
   * Whether {@code head} starts with a complete canonical {@code <base64> <rank>} line, as every
   * rank file does (and no protobuf, JSON or WordPiece vocabulary can).
   */
  public static boolean looksLike(ByteBuffer head) {
    int p = head.position();
    int lim = head.limit();
    for (int i = p; i < lim && i - p < 1024; i++) {
      if (head.get(i) == '\n') {
        int space = lineSpace(head, p, i);
        return space > 0
            && canonicalBase64(head, p, space)
            && canonicalDecimal(head, space + 1, i) >= 0;
      }
    }
    return false;
  }
}
