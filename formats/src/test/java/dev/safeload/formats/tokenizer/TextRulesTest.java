package dev.safeload.formats.tokenizer;

import static dev.safeload.formats.tokenizer.TokenizerTesting.reasons;
import static dev.safeload.formats.tokenizer.TokenizerTesting.utf8;
import static dev.safeload.formats.tokenizer.TokenizerTesting.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.text.TextLines;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The text rules all three line-oriented handlers share, one test per rule, through the vocab
 * handler.
 */
class TextRulesTest {
  private static final VocabHandler VOCAB = new VocabHandler();
  private static final MergesHandler MERGES = new MergesHandler();
  private static final TextLines.Limits LIMITS = new TextLines.Limits(1 << 20, 100, false);

  @Test
  void sizeLimit() {
    assertEquals(List.of(), reasons(VOCAB, utf8("a\nb\n"), with(Tokenizers.MAX_TEXT_BYTES, 4)));
    assertEquals(
        List.of(FormatReason.TEXT_TOO_LARGE),
        reasons(VOCAB, utf8("a\nb\n"), with(Tokenizers.MAX_TEXT_BYTES, 3)));
  }

  @Test
  void emptyFile() {
    assertEquals(List.of(FormatReason.TEXT_EMPTY), reasons(VOCAB, new byte[0]));
  }

  @Test
  void byteOrderMark() {
    assertEquals(List.of(FormatReason.TEXT_BOM), reasons(VOCAB, utf8("\ufeff[PAD]\na\n")));
  }

  @Test
  void finalNewlineWhereRequired() {
    assertEquals(
        List.of(FormatReason.TEXT_NO_FINAL_NEWLINE), reasons(MERGES, utf8("#version: 0.2\na b")));
    assertEquals(
        List.of(),
        reasons(VOCAB, utf8("a\nb")),
        "vocab.txt readers agree on a last line without LF");
  }

  @Test
  void carriageReturnsAndControls() {
    assertEquals(
        List.of(FormatReason.TEXT_CONTROL_CHARACTER), reasons(VOCAB, utf8("a\r\nb\r\n")), "CRLF");
    assertEquals(
        List.of(FormatReason.TEXT_CONTROL_CHARACTER), reasons(VOCAB, utf8("a\rb\n")), "lone CR");
    assertEquals(
        List.of(FormatReason.TEXT_CONTROL_CHARACTER), reasons(VOCAB, utf8("a\0\nb\n")), "NUL");
    assertEquals(
        List.of(FormatReason.TEXT_CONTROL_CHARACTER), reasons(VOCAB, utf8("a\tb\n")), "tab");
    assertEquals(
        List.of(FormatReason.TEXT_CONTROL_CHARACTER), reasons(VOCAB, utf8("a\u007f\n")), "DEL");
    assertEquals(
        List.of(), reasons(VOCAB, utf8("a\u0085b\n")), "C1 controls are left to each format");
  }

  @Test
  void strictUtf8() {
    assertEquals(
        List.of(FormatReason.TEXT_NOT_UTF8),
        reasons(VOCAB, new byte[] {'a', (byte) 0xC0, (byte) 0xAF, '\n'}));
    assertEquals(
        List.of(FormatReason.TEXT_NOT_UTF8), reasons(VOCAB, new byte[] {'a', (byte) 0x80, '\n'}));
    assertEquals(
        List.of(FormatReason.TEXT_NOT_UTF8),
        reasons(VOCAB, new byte[] {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80}));
    assertEquals(
        List.of(FormatReason.TEXT_NOT_UTF8),
        reasons(VOCAB, new byte[] {'a', '\n', (byte) 0xE6, (byte) 0x9D}),
        "cut at the end");
    assertEquals(List.of(), reasons(VOCAB, utf8("東京\n##ü\n😀\n")));
  }

  @Test
  void lineLength() {
    assertEquals(List.of(), reasons(VOCAB, utf8("abcd\nx\n"), with(Tokenizers.MAX_LINE_BYTES, 4)));
    assertEquals(
        List.of(FormatReason.TEXT_LINE_TOO_LONG),
        reasons(VOCAB, utf8("abcde\nx\n"), with(Tokenizers.MAX_LINE_BYTES, 4)));
    assertEquals(
        List.of(FormatReason.TEXT_LINE_TOO_LONG),
        reasons(VOCAB, utf8("x\nabcde"), with(Tokenizers.MAX_LINE_BYTES, 4)),
        "an unterminated last line too");
  }

  @Test
  void linesAreVisitedInOrderWithoutTheirNewline() {
    List<String> lines = new ArrayList<>();
    TextLines.forEachLine(
        bytes("a\n\nbc"),
        LIMITS,
        (buf, s, e, n) -> lines.add(n + ":" + TextLines.string(buf, s, e)));
    assertEquals(List.of("1:a", "2:", "3:bc"), lines);
    lines.clear();
    TextLines.forEachLine(
        bytes("a\n"), LIMITS, (buf, s, e, n) -> lines.add(n + ":" + TextLines.string(buf, s, e)));
    assertEquals(List.of("1:a"), lines, "a final LF starts no further line");
  }

  @Test
  void workIsOneStepPerByte() {
    byte[] big = utf8("ab東京\n".repeat(10_000));
    long work =
        TextLines.forEachLine(ModelBytes.of(ByteBuffer.wrap(big)), LIMITS, (buf, s, e, n) -> {});
    assertEquals(big.length, work);
  }

  @Test
  void errorsCarryTheOffset() {
    FormatException e =
        assertThrows(
            FormatException.class,
            () -> TextLines.forEachLine(bytes("ab\ncd\0"), LIMITS, (buf, s, en, n) -> {}));
    assertEquals(5, e.offset());
  }

  @Test
  void whiteSpaceIsUnicodeWhiteSpace() {
    for (int cp :
        new int[] {' ', '\t', 0xA0, 0x1680, 0x2000, 0x200A, 0x2028, 0x202F, 0x3000, 0x85}) {
      assertTrue(TextLines.isWhiteSpace(cp), Integer.toHexString(cp));
    }
    for (int cp : new int[] {'a', 0x200B, 0x2581, 0xFEFF, 0x0120}) {
      assertTrue(!TextLines.isWhiteSpace(cp), Integer.toHexString(cp));
    }
  }

  private static ModelBytes bytes(String s) {
    return ModelBytes.of(ByteBuffer.wrap(utf8(s)));
  }
}
