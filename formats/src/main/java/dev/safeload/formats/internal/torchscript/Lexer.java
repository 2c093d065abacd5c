package dev.safeload.formats.internal.torchscript;

import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.torchscript.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a code file into tokens with Python's indentation rules, restricted to what {@code
 * torch.jit.save} prints: ASCII outside string literals, spaces (never tabs) for indentation,
 * {@code \n} line ends, no comments, no backslash continuations, no triple quotes. Inside brackets
 * newlines and indentation are ignored (signatures span lines). Operator characters are tokenised
 * so that the parser can refuse them as non-canonical by name. One pass over the text; each
 * character is looked at a bounded number of times.
 */
final class Lexer {
  private final String src;
  private final Limits limits;
  private final List<Token> out = new ArrayList<>();
  private final int[] indents;
  private int indentDepth;
  private int pos;
  private int line = 1;
  private int lineStart;
  private int brackets;

  private Lexer(String src, Limits limits) {
    this.src = src;
    this.limits = limits;
    this.indents = new int[limits.maxDepth() + 2];
  }

  static List<Token> tokens(String src, Limits limits) {
    Lexer l = new Lexer(src, limits);
    l.run();
    return l.out;
  }

  private SourceError error(ReasonCode r, String msg) {
    return new SourceError(r, line, pos - lineStart + 1, msg);
  }

  private void add(Kind k, String text, int start) {
    if (out.size() >= limits.maxTokens()) {
      throw error(
          FormatReason.TORCHSCRIPT_LIMIT_EXCEEDED, "more than " + limits.maxTokens() + " tokens");
    }
    out.add(new Token(k, text, line, start - lineStart + 1));
  }

  private void run() {
    boolean atLineStart = true;
    while (pos < src.length()) {
      if (atLineStart && brackets == 0) {
        int start = pos;
        while (pos < src.length() && src.charAt(pos) == ' ') {
          pos++;
        }
        if (pos < src.length() && src.charAt(pos) == '\n') { // blank line
          pos++;
          line++;
          lineStart = pos;
          continue;
        }
        if (pos >= src.length()) {
          break;
        }
        indent(pos - start);
        atLineStart = false;
      }
      char c = src.charAt(pos);
      int start = pos;
      if (c == '\n') {
        if (brackets == 0) {
          add(Kind.NEWLINE, "\n", start);
          atLineStart = true;
        }
        pos++;
        line++;
        lineStart = pos;
      } else if (c == ' ') {
        pos++;
      } else if (isIdentStart(c)) {
        while (pos < src.length() && isIdentPart(src.charAt(pos))) {
          pos++;
        }
        if (pos - start > limits.maxIdentifier()) {
          throw error(
              FormatReason.TORCHSCRIPT_LIMIT_EXCEEDED,
              "identifier longer than " + limits.maxIdentifier());
        }
        add(Kind.NAME, src.substring(start, pos), start);
      } else if (c >= '0' && c <= '9') {
        number(start);
      } else if (c == '"' || c == '\'') {
        string(c, start);
      } else {
        punct(c, start);
      }
    }
    if (brackets != 0) {
      throw error(FormatReason.TORCHSCRIPT_SYNTAX_INVALID, "the file ends inside brackets");
    }
    if (!out.isEmpty() && out.get(out.size() - 1).kind() != Kind.NEWLINE) {
      add(Kind.NEWLINE, "\n", pos);
    }
    while (indentDepth > 0) {
      indentDepth--;
      add(Kind.DEDENT, "", pos);
    }
    add(Kind.END, "", pos);
  }

  private void indent(int width) {
    int current = indentDepth == 0 ? 0 : indents[indentDepth - 1];
    if (width > current) {
      if (indentDepth >= limits.maxDepth()) {
        throw error(
            FormatReason.TORCHSCRIPT_LIMIT_EXCEEDED,
            "blocks nested deeper than " + limits.maxDepth());
      }
      indents[indentDepth++] = width;
      add(Kind.INDENT, "", pos);
      return;
    }
    while (width < current) {
      indentDepth--;
      add(Kind.DEDENT, "", pos);
      current = indentDepth == 0 ? 0 : indents[indentDepth - 1];
    }
    if (width != current) {
      throw error(
          FormatReason.TORCHSCRIPT_SYNTAX_INVALID, "indentation matches no enclosing block");
    }
  }

  static boolean isIdentStart(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
  }

  static boolean isIdentPart(char c) {
    return isIdentStart(c) || c >= '0' && c <= '9';
  }

  /**
   * Decimal ints and floats as Python's repr writes them: {@code 1}, {@code 1.}, {@code 0.5},
   * {@code 1e-05}.
   */
  private void number(int start) {
    digits();
    if (pos < src.length() && src.charAt(pos) == '.') {
      pos++;
      digits();
    }
    if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
      pos++;
      if (pos < src.length() && (src.charAt(pos) == '-' || src.charAt(pos) == '+')) {
        pos++;
      }
      if (pos >= src.length() || !Character.isDigit(src.charAt(pos))) {
        throw error(FormatReason.TORCHSCRIPT_SYNTAX_INVALID, "exponent without digits");
      }
      digits();
    }
    if (pos < src.length() && isIdentPart(src.charAt(pos))) {
      throw error(
          FormatReason.TORCHSCRIPT_SYNTAX_INVALID,
          "a number runs into a name (hex, complex and suffixes are not written)");
    }
    if (pos - start > 64) {
      throw error(
          FormatReason.TORCHSCRIPT_LIMIT_EXCEEDED, "number literal longer than 64 characters");
    }
    add(Kind.NUMBER, src.substring(start, pos), start);
  }

  private void digits() {
    while (pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '9') {
      pos++;
    }
  }

  private void string(char quote, int start) {
    pos++;
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= src.length() || src.charAt(pos) == '\n') {
        throw error(FormatReason.TORCHSCRIPT_SYNTAX_INVALID, "unterminated string literal");
      }
      char c = src.charAt(pos++);
      if (c == quote) {
        break;
      }
      if (c == '\\') {
        if (pos >= src.length()) {
          throw error(FormatReason.TORCHSCRIPT_SYNTAX_INVALID, "unterminated string literal");
        }
        char e = src.charAt(pos++);
        switch (e) {
          case '\\', '\'', '"' -> sb.append(e);
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case 'a' -> sb.append('\u0007');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'v' -> sb.append('\u000b');
          case 'x' -> sb.append((char) hex(2));
          case 'u' -> sb.append((char) hex(4));
          default -> {
            if (e >= '0' && e <= '7') { // octal, up to three digits
              int v = e - '0';
              for (int i = 0;
                  i < 2 && pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '7';
                  i++) {
                v = v * 8 + (src.charAt(pos++) - '0');
              }
              sb.append((char) v);
            } else {
              throw error(
                  FormatReason.TORCHSCRIPT_SYNTAX_INVALID, "unknown escape \\" + printable(e));
            }
          }
        }
      } else if (c < 0x20 || c == 0x7f) {
        throw error(
            FormatReason.TORCHSCRIPT_SYNTAX_INVALID, "control character in a string literal");
      } else {
        sb.append(c);
      }
      if (sb.length() > limits.maxString()) {
        throw error(
            FormatReason.TORCHSCRIPT_LIMIT_EXCEEDED,
            "string literal longer than " + limits.maxString());
      }
    }
    add(Kind.STRING, sb.toString(), start);
  }

  private int hex(int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
      int d = pos < src.length() ? Character.digit(src.charAt(pos), 16) : -1;
      if (d < 0) {
        throw error(FormatReason.TORCHSCRIPT_SYNTAX_INVALID, "bad hex escape");
      }
      v = v * 16 + d;
      pos++;
    }
    return v;
  }

  /**
   * Operator characters the printer never writes become tokens, refused by the parser as
   * non-canonical.
   */
  private static final String OPERATORS = "+*/%@<>!&|^~";

  private void punct(char c, int start) {
    String t;
    if (c == '-' && pos + 1 < src.length() && src.charAt(pos + 1) == '>') {
      t = "->";
    } else if (c == '=' && pos + 1 < src.length() && src.charAt(pos + 1) == '=') {
      t = "==";
    } else if ("()[]{},:.=-".indexOf(c) >= 0 || OPERATORS.indexOf(c) >= 0) {
      t = String.valueOf(c);
    } else if (c == '\t') {
      throw error(
          FormatReason.TORCHSCRIPT_SYNTAX_INVALID,
          "a tab character (the printer indents with spaces)");
    } else if (c == '#') {
      throw error(FormatReason.TORCHSCRIPT_NONCANONICAL, "a comment (the printer writes none)");
    } else if (c == '\\') {
      throw error(FormatReason.TORCHSCRIPT_NONCANONICAL, "a backslash line continuation");
    } else if (c == ';') {
      throw error(FormatReason.TORCHSCRIPT_NONCANONICAL, "a semicolon");
    } else {
      throw error(
          FormatReason.TORCHSCRIPT_SYNTAX_INVALID,
          "character " + printable(c) + " outside a string literal");
    }
    if (t.equals("(") || t.equals("[") || t.equals("{")) {
      if (++brackets > limits.maxDepth()) {
        throw error(
            FormatReason.TORCHSCRIPT_LIMIT_EXCEEDED,
            "brackets nested deeper than " + limits.maxDepth());
      }
    } else if (t.equals(")") || t.equals("]") || t.equals("}")) {
      if (--brackets < 0) {
        throw error(FormatReason.TORCHSCRIPT_SYNTAX_INVALID, "unbalanced " + t);
      }
    }
    pos += t.length();
    add(Kind.PUNCT, t, start);
  }

  private static String printable(char c) {
    return c >= 0x20 && c < 0x7f
        ? "'" + c + "'"
        : "U+" + Integer.toHexString(0x10000 | c).substring(1).toUpperCase(java.util.Locale.ROOT);
  }
}
