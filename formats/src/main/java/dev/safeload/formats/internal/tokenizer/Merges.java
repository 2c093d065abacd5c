package dev.safeload.formats.internal.tokenizer;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.text.TextLines;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * A BPE merges list ({@code merges.txt}, GPT-2 style): a {@code #version} line, then one merge per
 * line, {@code left right}, in priority order. Two readers exist and they differ, so the rules keep
 * to what both read the same way. transformers' {@code GPT2Tokenizer} drops the first line and the
 * text after the last LF unconditionally and splits each line on any whitespace; the Rust {@code
 * tokenizers} skips every line starting with {@code #version} and splits on single spaces. After
 * the shared {@link TextLines} rules (with a final LF required, or the Python reader loses the last
 * merge), in this order:
 *
 * <ol>
 *   <li>line 1 starts with {@code #version} ({@code MERGES_HEADER_INVALID});
 *   <li>every later line is exactly two non-empty tokens around one space, with no other
 *       White_Space code point, and is not another {@code #version} line ({@code
 *       MERGES_LINE_INVALID});
 *   <li>at most {@code maxMerges} merges ({@code MERGES_TOO_MANY});
 *   <li>no merge twice ({@code MERGES_DUPLICATE}): the later rank silently replaces the earlier
 *       one.
 * </ol>
 *
 * Whether the merged tokens exist in the vocabulary ({@code vocab.json}) is not checked here.
 */
public final class Merges {
  private static final byte[] VERSION =
      "#version".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** What a valid merges file holds, and the work spent on it. */
  public record Result(int merges, long work) {}

  private Merges() {}

  public static Result parse(ModelBytes bytes, TextLines.Limits text, long maxMerges) {
    Set<String> seen = new HashSet<>();
    int[] count = {0};
    long work =
        TextLines.forEachLine(
            bytes,
            text,
            (ByteBuffer buf, int start, int end, long line) -> {
              boolean version = startsWith(buf, start, end, VERSION);
              if (line == 1) {
                if (!version) {
                  throw new FormatException(
                      FormatReason.MERGES_HEADER_INVALID,
                      start,
                      "the first line is not a #version line; the Python reader would drop it as one");
                }
                return;
              }
              if (version) {
                throw new FormatException(
                    FormatReason.MERGES_LINE_INVALID,
                    start,
                    "line "
                        + line
                        + " starts with #version, which the Rust reader skips and the Python reader reads");
              }
              int space = -1;
              for (int p = start; p < end; ) {
                long v = TextLines.codePointAt(buf, p);
                int cp = (int) (v >>> 32);
                if (cp == ' ' && space < 0 && p > start) {
                  space = p;
                } else if (TextLines.isWhiteSpace(cp)) {
                  space = -2;
                  break;
                }
                p = (int) v;
              }
              if (space < 0 || space == end - 1) {
                throw new FormatException(
                    FormatReason.MERGES_LINE_INVALID,
                    start,
                    "line " + line + " is not two tokens separated by one space");
              }
              if (++count[0] > maxMerges) {
                throw new FormatException(
                    FormatReason.MERGES_TOO_MANY, start, "more than " + maxMerges + " merges");
              }
              if (!seen.add(TextLines.string(buf, start, end))) {
                throw new FormatException(
                    FormatReason.MERGES_DUPLICATE,
                    start,
                    "the merge on line " + line + " appeared before");
              }
            });
    return new Result(count[0], work + count[0]);
  }

  /** Whether {@code head} starts with {@code #version}. */
  public static boolean looksLike(ByteBuffer head) {
    return startsWith(head, head.position(), head.limit(), VERSION);
  }

  private static boolean startsWith(ByteBuffer buf, int start, int end, byte[] prefix) {
    if (end - start < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (buf.get(start + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
