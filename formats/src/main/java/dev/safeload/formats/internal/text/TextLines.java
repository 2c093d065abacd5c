package dev.safeload.formats.internal.text;

import dev.safeload.formats.FormatReason;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;

/**
 * The rules every line-oriented tokenizer file (WordPiece {@code vocab.txt}, BPE {@code
 * merges.txt}, tiktoken ranks) shares, checked in one pass in this order:
 *
 * <ol>
 *   <li>the file is at most {@link Limits#maxBytes()} ({@code TEXT_TOO_LARGE}) and not empty
 *       ({@code TEXT_EMPTY});
 *   <li>it does not start with a UTF-8 byte order mark ({@code TEXT_BOM}): no producer writes one
 *       (Python's {@code "utf-8"} codec, the Rust tokenizers and tiktoken all write none), and both
 *       the Python and the Rust readers keep it as part of the first token;
 *   <li>if {@link Limits#requireFinalNewline()}, the last byte is LF ({@code
 *       TEXT_NO_FINAL_NEWLINE});
 *   <li>lines end with LF only. CR is refused anywhere ({@code TEXT_CONTROL_CHARACTER}) because the
 *       readers disagree on it: Python text mode turns a lone CR into a line break and CRLF into
 *       LF, Rust's {@code lines()} strips a CR only before LF, and {@code rstrip("\n")} keeps it in
 *       the token. No producer writes CRLF on the platforms models are built on;
 *   <li>no other C0 control character and no DEL ({@code TEXT_CONTROL_CHARACTER}), NUL included:
 *       tokenizers strip control characters from input, so a token holding one never matches;
 *   <li>strict UTF-8 ({@code TEXT_NOT_UTF8}), the one definition of {@link Utf8};
 *   <li>every line, without its LF, is at most {@link Limits#maxLineBytes()} ({@code
 *       TEXT_LINE_TOO_LONG}).
 * </ol>
 *
 * Each byte is examined once; the work counter returned by {@link #forEachLine} is the number of
 * bytes examined, so tests can assert linearity.
 */
public final class TextLines {

  /**
   * @param maxBytes largest file accepted (at most 1 GiB, one buffer)
   * @param maxLineBytes longest line, LF excluded
   * @param requireFinalNewline whether the last line must end with LF
   */
  public record Limits(long maxBytes, long maxLineBytes, boolean requireFinalNewline) {}

  /** Receives each line, LF excluded, as buffer indices that equal file offsets. */
  @FunctionalInterface
  public interface LineVisitor {
    /**
     * @param buf the whole file
     * @param start index of the line's first byte
     * @param end index just past its last byte (before the LF)
     * @param number 1-based line number
     */
    void line(ByteBuffer buf, int start, int end, long number);
  }

  private TextLines() {}

  /**
   * Checks the shared rules and hands each line to {@code visitor} in file order. A final line
   * without LF (if allowed) is visited too; an LF at the very end does not start another line.
   *
   * @return the number of bytes examined (the work done here)
   * @throws FormatException with a {@code TEXT_*} code, or whatever the visitor throws
   */
  public static long forEachLine(ModelBytes bytes, Limits limits, LineVisitor visitor) {
    long size = bytes.size();
    long max = Math.min(limits.maxBytes(), 1L << 30);
    if (size > max) {
      throw new FormatException(
          FormatReason.TEXT_TOO_LARGE, 0, "file of " + size + " bytes exceeds the limit of " + max);
    }
    if (size == 0) {
      throw new FormatException(FormatReason.TEXT_EMPTY, 0, "the file is empty");
    }
    int n = (int) size;
    ByteBuffer buf = bytes.slice(0, n);
    if (n >= 3
        && (buf.get(0) & 0xff) == 0xEF
        && (buf.get(1) & 0xff) == 0xBB
        && (buf.get(2) & 0xff) == 0xBF) {
      throw new FormatException(
          FormatReason.TEXT_BOM, 0, "the file starts with a UTF-8 byte order mark");
    }
    if (limits.requireFinalNewline() && buf.get(n - 1) != '\n') {
      throw new FormatException(
          FormatReason.TEXT_NO_FINAL_NEWLINE, n - 1, "the last line does not end with a newline");
    }
    long work = 0;
    int lineStart = 0;
    long line = 1;
    int p = 0;
    while (p < n) {
      int c = buf.get(p);
      work++;
      if (c == '\n') {
        checkLength(lineStart, p, line, limits);
        visitor.line(buf, lineStart, p, line);
        line++;
        lineStart = ++p;
      } else if (c >= 0x20 && c != 0x7f) {
        p++;
      } else if (c >= 0) {
        throw new FormatException(
            FormatReason.TEXT_CONTROL_CHARACTER,
            p,
            "control character 0x"
                + Integer.toHexString(c)
                + " on line "
                + line
                + (c == '\r' ? " (lines must end with LF only)" : ""));
      } else {
        int len = Utf8.sequenceLength(buf, p, n);
        if (len < 0) {
          throw new FormatException(FormatReason.TEXT_NOT_UTF8, p, "invalid UTF-8 on line " + line);
        }
        work += len - 1;
        p += len;
      }
      if (p - lineStart > limits.maxLineBytes()) {
        throw new FormatException(
            FormatReason.TEXT_LINE_TOO_LONG,
            lineStart,
            "line " + line + " is longer than " + limits.maxLineBytes() + " bytes");
      }
    }
    if (lineStart < n) {
      checkLength(lineStart, n, line, limits);
      visitor.line(buf, lineStart, n, line);
    }
    return work;
  }

  private static void checkLength(int start, int end, long line, Limits limits) {
    if (end - start > limits.maxLineBytes()) {
      throw new FormatException(
          FormatReason.TEXT_LINE_TOO_LONG,
          start,
          "line " + line + " is longer than " + limits.maxLineBytes() + " bytes");
    }
  }

  /**
   * The code point whose UTF-8 sequence starts at {@code p} (already validated), packed as {@code
   * (codePoint << 32) | indexAfter}.
   */
  public static long codePointAt(ByteBuffer buf, int p) {
    int b0 = buf.get(p) & 0xff;
    if (b0 < 0x80) {
      return ((long) b0 << 32) | (p + 1);
    }
    if (b0 < 0xE0) {
      return ((long) (((b0 & 0x1F) << 6) | (buf.get(p + 1) & 0x3F)) << 32) | (p + 2);
    }
    if (b0 < 0xF0) {
      return ((long)
                  (((b0 & 0x0F) << 12) | ((buf.get(p + 1) & 0x3F) << 6) | (buf.get(p + 2) & 0x3F))
              << 32)
          | (p + 3);
    }
    return ((long)
                (((b0 & 0x07) << 18)
                    | ((buf.get(p + 1) & 0x3F) << 12)
                    | ((buf.get(p + 2) & 0x3F) << 6)
                    | (buf.get(p + 3) & 0x3F))
            << 32)
        | (p + 4);
  }

  /** The last code point of the validated, non-empty UTF-8 range {@code [start, end)}. */
  public static int lastCodePoint(ByteBuffer buf, int start, int end) {
    int p = end - 1;
    while (p > start && (buf.get(p) & 0xC0) == 0x80) {
      p--;
    }
    return (int) (codePointAt(buf, p) >>> 32);
  }

  /**
   * Whether {@code cp} has the Unicode White_Space property (the set Rust's {@code trim} and {@code
   * char::is_whitespace} use, and, with U+001C..U+001F, Python's {@code str.split()}).
   */
  public static boolean isWhiteSpace(int cp) {
    return (cp >= 0x09 && cp <= 0x0D)
        || cp == 0x20
        || cp == 0x85
        || cp == 0xA0
        || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200A)
        || cp == 0x2028
        || cp == 0x2029
        || cp == 0x202F
        || cp == 0x205F
        || cp == 0x3000
        || (cp >= 0x1C && cp <= 0x1F);
  }

  /** Decodes a validated UTF-8 range. */
  public static String string(ByteBuffer buf, int start, int end) {
    byte[] raw = new byte[end - start];
    buf.get(start, raw);
    return new String(raw, java.nio.charset.StandardCharsets.UTF_8);
  }
}
