package dev.safeload.formats.internal.template;

import dev.safeload.formats.FormatReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Splits a template into tokens the way Jinja's lexer does with chat-template settings (default
 * delimiters, no line statements). What matters for safety is where a tag ends and what each token
 * is, so these are reproduced exactly:
 *
 * <ol>
 *   <li>{@code \r\n} and {@code \r} become {@code \n} before anything else.
 *   <li>Text runs to the earliest {@code {{}, {@code {%} or {@code {#}; one {@code -} or {@code +}
 *       right after the opener belongs to it (whitespace control), so {@code {{-1}}} prints {@code
 *       1}. <li>A comment ends at the first {@code #}}; comments do not nest and produce no tokens.
 *       <li>Inside a tag, the closer ({@code }}}/{@code -}}} or {@code %}}/{@code -%}}/{@code +%}})
 *       counts only at a token boundary and only while no {@code ( [ {} is open: Jinja balances
 *       brackets, so {@code {{ x[']'] }}} and {@code {{ {'a': 1}}}}} are one expression each. A
 *       closing bracket that does not match is a syntax error.
 *   <li>Tokens are tried in Jinja's order: whitespace, float, integer, name, string, operator
 *       (longest first). Strings may span lines; their escapes are decoded like Python's {@code
 *       unicode-escape}, so {@code '\x5f'} is {@code _}.
 * </ol>
 *
 * <p>Refused rather than imitated (fail closed): any non-ASCII character inside a tag outside
 * string literals (Jinja accepts Unicode identifiers and NFKC-folds them, and separates tokens by
 * Unicode spaces Java does not see as such), {@code \N{…}} escapes, a backslash before a non-ASCII
 * character, and escapes that produce a surrogate code point. Work is linear: every step consumes
 * input.
 */
final class Lexer {

  /** Token kinds. Operators carry their text. */
  enum Kind {
    DATA,
    VAR_BEGIN,
    VAR_END,
    BLOCK_BEGIN,
    BLOCK_END,
    NAME,
    STRING,
    INTEGER,
    FLOAT,
    OP,
    EOF
  }

  /**
   * One token; {@code text} is the name, operator or decoded string; numbers carry {@code number}.
   */
  record Token(Kind kind, String text, @Nullable Number number, int pos) {
    boolean isOp(String op) {
      return kind == Kind.OP && text.equals(op);
    }

    boolean isName(String name) {
      return kind == Kind.NAME && text.equals(name);
    }

    /** The value of an INTEGER or FLOAT token (the lexer sets it for both). */
    Number value() {
      return Objects.requireNonNull(number, "not a number token");
    }
  }

  private static final String[] OPERATORS2 = {"//", "**", "==", "!=", ">=", "<="};
  private static final String OPERATORS1 = "+-/*%~[](){}=<>.:|,;";

  private final String src;
  private final TemplateLimits limits;
  private final List<Token> tokens = new ArrayList<>();

  private Lexer(String src, TemplateLimits limits) {
    this.src = src;
    this.limits = limits;
  }

  /** The tokens of {@code template}, ending with one EOF token. */
  static List<Token> tokenize(String template, TemplateLimits limits) {
    if (template.length() > limits.maxChars()) {
      throw new TemplateRejection(
          FormatReason.TEMPLATE_TOO_COMPLEX,
          "template of "
              + template.length()
              + " characters exceeds the limit of "
              + limits.maxChars());
    }
    Lexer l = new Lexer(normalizeNewlines(template), limits);
    l.run();
    return l.tokens;
  }

  private static String normalizeNewlines(String s) {
    if (s.indexOf('\r') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\r') {
        b.append('\n');
        if (i + 1 < s.length() && s.charAt(i + 1) == '\n') {
          i++;
        }
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private void add(Kind kind, String text, @Nullable Number number, int pos) {
    if (tokens.size() >= limits.maxTokens()) {
      throw new TemplateRejection(
          FormatReason.TEMPLATE_TOO_COMPLEX, "more than " + limits.maxTokens() + " tokens");
    }
    tokens.add(new Token(kind, text, number, pos));
  }

  private void run() {
    int n = src.length();
    int pos = 0;
    while (pos < n) {
      int open = nextOpener(pos);
      if (open < 0) {
        add(Kind.DATA, src.substring(pos), null, pos);
        break;
      }
      if (open > pos) {
        add(Kind.DATA, src.substring(pos, open), null, pos);
      }
      char kind = src.charAt(open + 1);
      int p = open + 2;
      if (p < n && (src.charAt(p) == '-' || src.charAt(p) == '+')) {
        p++;
      }
      if (kind == '#') {
        int end = src.indexOf("#}", p);
        if (end < 0) {
          throw syntax(open, "comment is not closed with #}");
        }
        pos = end + 2;
      } else {
        pos = tag(kind == '{', open, p);
      }
    }
    add(Kind.EOF, "", null, n);
  }

  /**
   * The index of the earliest <code>{{</code>, <code>{%</code> or <code>{#</code> at or after
   * {@code from}, or -1.
   */
  private int nextOpener(int from) {
    int i = from;
    while (true) {
      i = src.indexOf('{', i);
      if (i < 0 || i + 1 >= src.length()) {
        return -1;
      }
      char c = src.charAt(i + 1);
      if (c == '{' || c == '%' || c == '#') {
        return i;
      }
      i++;
    }
  }

  /**
   * Lexes one {@code {{ }}} or {@code {% %}} tag whose body starts at {@code p}; returns the index
   * after it.
   */
  private int tag(boolean variable, int open, int p) {
    add(variable ? Kind.VAR_BEGIN : Kind.BLOCK_BEGIN, "", null, open);
    int n = src.length();
    StringBuilder stack = new StringBuilder(); // expected closing brackets
    while (true) {
      if (stack.length() == 0) {
        int end = closer(variable, p);
        if (end >= 0) {
          add(variable ? Kind.VAR_END : Kind.BLOCK_END, "", null, p);
          return end;
        }
      }
      if (p >= n) {
        throw syntax(open, "tag is not closed");
      }
      char c = src.charAt(p);
      if (isSpace(c)) {
        p++;
        continue;
      }
      if (c >= '0' && c <= '9') {
        p = number(p);
        continue;
      }
      if (isNameStart(c)) {
        int q = p + 1;
        while (q < n && isNamePart(src.charAt(q))) {
          q++;
        }
        if (q - p > limits.maxIdentifier()) {
          throw new TemplateRejection(
              FormatReason.TEMPLATE_TOO_COMPLEX,
              "identifier longer than " + limits.maxIdentifier());
        }
        if (!variable
            && tokens.get(tokens.size() - 1).kind() == Kind.BLOCK_BEGIN
            && q - p == 3
            && src.startsWith("raw", p)) {
          // Jinja would read everything up to the first endraw tag as text, even inside quotes.
          throw syntax(open, "raw blocks are not read by safeload");
        }
        add(Kind.NAME, src.substring(p, q), null, p);
        p = q;
        continue;
      }
      if (c == '\'' || c == '"') {
        p = string(p);
        continue;
      }
      String op = operator(p);
      if (op != null) {
        char o = op.charAt(0);
        if (op.length() == 1 && (o == '(' || o == '[' || o == '{')) {
          if (stack.length() >= limits.maxDepth()) {
            throw new TemplateRejection(
                FormatReason.TEMPLATE_TOO_COMPLEX,
                "brackets nested deeper than " + limits.maxDepth());
          }
          stack.append(o == '(' ? ')' : o == '[' ? ']' : '}');
        } else if (op.length() == 1 && (o == ')' || o == ']' || o == '}')) {
          if (stack.length() == 0 || stack.charAt(stack.length() - 1) != o) {
            throw syntax(p, "unexpected '" + o + "'");
          }
          stack.setLength(stack.length() - 1);
        }
        add(Kind.OP, op, null, p);
        p += op.length();
        continue;
      }
      if (c >= 0x80 && Character.isLetter(src.codePointAt(p))) {
        throw new TemplateRejection(
            FormatReason.TEMPLATE_NAME_NOT_ALLOWED,
            "non-ASCII identifier at " + p + " (Jinja folds Unicode names with NFKC)");
      }
      throw syntax(
          p,
          c >= 0x80
              ? "non-ASCII character outside a string literal in a tag"
              : "unexpected character 0x" + Integer.toHexString(c));
    }
  }

  /** The index after the closer at {@code p}, or -1 if there is none. */
  private int closer(boolean variable, int p) {
    if (variable) {
      if (src.startsWith("-}}", p)) {
        return p + 3;
      }
      return src.startsWith("}}", p) ? p + 2 : -1;
    }
    if (src.startsWith("-%}", p) || src.startsWith("+%}", p)) {
      return p + 3;
    }
    return src.startsWith("%}", p) ? p + 2 : -1;
  }

  private @Nullable String operator(int p) {
    for (String op : OPERATORS2) {
      if (src.startsWith(op, p)) {
        return op;
      }
    }
    char c = src.charAt(p);
    return OPERATORS1.indexOf(c) >= 0 ? String.valueOf(c) : null;
  }

  // Jinja's float and integer rules, case-insensitive, with '_' separators:
  //   float   (\d+_)*\d+((\.(\d+_)*\d+)?e[+\-]?(\d+_)*\d+|\.(\d+_)*\d+)
  //   integer 0b(_?[01])+|0o(_?[0-7])+|0x(_?[0-9a-f])+|[1-9](_?\d)*|0(_?0)*
  // scanned by hand, not by java.util.regex: its matcher recurses once per repetition of a group,
  // so a run of a few thousand digits overflowed the stack (a template may hold 256 Ki
  // characters; the length limit below applies only once the literal is found). Each rule is
  // deterministic (a shorter run is always followed by a digit or '_', never by '.' or 'e'), so
  // the longest run is the regex's match and the scan reads each character once.

  private int number(int p) {
    // Jinja's float rule has a look-behind: no float right after a dot (so x.0.1 is x[0][1]).
    boolean afterDot = p > 0 && src.charAt(p - 1) == '.';
    int floatEnd = afterDot ? -1 : floatEnd(p);
    if (floatEnd >= 0) {
      checkNumberLength(p, floatEnd);
      double v = Double.parseDouble(src.substring(p, floatEnd).replace("_", ""));
      add(Kind.FLOAT, src.substring(p, floatEnd), v, p);
      return floatEnd;
    }
    int radix = 10;
    int end;
    char c1 = p + 1 < src.length() ? Character.toLowerCase(src.charAt(p + 1)) : 0;
    int prefixed = src.charAt(p) == '0' && "box".indexOf(c1) >= 0 ? prefixedEnd(p + 2, c1) : -1;
    if (prefixed >= 0) {
      end = prefixed;
      radix = c1 == 'b' ? 2 : c1 == 'o' ? 8 : 16;
    } else if (src.charAt(p) == '0') {
      end = zerosEnd(p);
    } else {
      end = digitsEnd(p, 10); // the caller saw a digit here
    }
    checkNumberLength(p, end);
    String digits = src.substring(p, end).replace("_", "").toLowerCase(java.util.Locale.ROOT);
    if (radix != 10) {
      digits = digits.substring(2);
    }
    java.math.BigInteger v = new java.math.BigInteger(digits, radix);
    if (v.bitLength() > 31) {
      throw new TemplateRejection(
          FormatReason.TEMPLATE_TOO_COMPLEX,
          "integer literal " + abbreviate(src.substring(p, end)) + " exceeds 2^31");
    }
    add(Kind.INTEGER, src.substring(p, end), v.longValue(), p);
    return end;
  }

  /** End of the float literal at {@code p}, or -1 if none starts there. */
  private int floatEnd(int p) {
    int mantissa = digitsEnd(p, 10);
    if (mantissa == p) {
      return -1;
    }
    if (mantissa < src.length() && src.charAt(mantissa) == '.') {
      int fraction = digitsEnd(mantissa + 1, 10);
      if (fraction == mantissa + 1) {
        return -1;
      }
      int exponent = exponentEnd(fraction);
      return exponent >= 0 ? exponent : fraction;
    }
    return exponentEnd(mantissa);
  }

  /** End of {@code e[+\-]?(\d+_)*\d+} at {@code p}, or -1. */
  private int exponentEnd(int p) {
    if (p >= src.length() || (src.charAt(p) != 'e' && src.charAt(p) != 'E')) {
      return -1;
    }
    int q = p + 1;
    if (q < src.length() && (src.charAt(q) == '+' || src.charAt(q) == '-')) {
      q++;
    }
    int end = digitsEnd(q, 10);
    return end == q ? -1 : end;
  }

  /** End of {@code (_?D)+} at {@code p} (D a digit of the radix named by {@code kind}), or -1. */
  private int prefixedEnd(int p, char kind) {
    int radix = kind == 'b' ? 2 : kind == 'o' ? 8 : 16;
    int q = p < src.length() && src.charAt(p) == '_' ? p + 1 : p;
    int end = digitsEnd(q, radix);
    return end == q ? -1 : end;
  }

  /** End of {@code 0(_?0)*} at {@code p}, where a '0' stands. */
  private int zerosEnd(int p) {
    int q = p + 1;
    while (true) {
      if (q < src.length() && src.charAt(q) == '0') {
        q++;
      } else if (q + 1 < src.length() && src.charAt(q) == '_' && src.charAt(q + 1) == '0') {
        q += 2;
      } else {
        return q;
      }
    }
  }

  /**
   * End of the longest run of digits of {@code radix} joined by single underscores ({@code
   * D(_?D)*}, the same as {@code (D+_)*D+}) at {@code p}; {@code p} if no digit stands there.
   */
  private int digitsEnd(int p, int radix) {
    if (p >= src.length() || !isDigit(src.charAt(p), radix)) {
      return p;
    }
    int q = p + 1;
    while (true) {
      if (q < src.length() && isDigit(src.charAt(q), radix)) {
        q++;
      } else if (q + 1 < src.length()
          && src.charAt(q) == '_'
          && isDigit(src.charAt(q + 1), radix)) {
        q += 2;
      } else {
        return q;
      }
    }
  }

  /** An ASCII digit of {@code radix} (2, 8, 10 or 16; either case), as the regex's classes are. */
  private static boolean isDigit(char c, int radix) {
    return c < 128 && Character.digit(c, radix) >= 0;
  }

  private void checkNumberLength(int p, int end) {
    if (end - p > 64) {
      throw new TemplateRejection(
          FormatReason.TEMPLATE_TOO_COMPLEX, "number literal longer than 64 characters at " + p);
    }
  }

  /** Lexes the string literal opening at {@code p}; returns the index after its closing quote. */
  private int string(int p) {
    char quote = src.charAt(p);
    int n = src.length();
    int j = p + 1;
    while (j < n) {
      char c = src.charAt(j);
      if (c == '\\') {
        j += 2;
      } else if (c == quote) {
        break;
      } else {
        j++;
      }
    }
    if (j >= n) {
      throw syntax(p, "string literal is not closed");
    }
    String value = unescape(p + 1, j);
    if (value.length() > limits.maxStringLiteral()) {
      throw new TemplateRejection(
          FormatReason.TEMPLATE_TOO_COMPLEX,
          "string literal longer than " + limits.maxStringLiteral() + " characters");
    }
    add(Kind.STRING, value, null, p);
    return j + 1;
  }

  /**
   * Decodes {@code src[from, to)} like Python's unicode-escape codec (after Jinja's
   * backslashreplace).
   */
  private String unescape(int from, int to) {
    if (src.indexOf('\\', from) < 0 || src.indexOf('\\', from) >= to) {
      return src.substring(from, to);
    }
    StringBuilder b = new StringBuilder(to - from);
    int i = from;
    while (i < to) {
      char c = src.charAt(i);
      if (c != '\\') {
        b.append(c);
        i++;
        continue;
      }
      char e = src.charAt(i + 1); // the scan guarantees a character after each backslash
      i += 2;
      switch (e) {
        case '\n' -> {} // line continuation
        case '\\', '\'', '"' -> b.append(e);
        case 'a' -> b.append('\u0007');
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'v' -> b.append('\u000b');
        case 'x' -> i = hexEscape(b, i, to, 2, from);
        case 'u' -> i = hexEscape(b, i, to, 4, from);
        case 'U' -> i = hexEscape(b, i, to, 8, from);
        case 'N' -> throw syntax(from, "\\N{...} escapes are not read by safeload");
        default -> {
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int k = 0; k < 2 && i < to && src.charAt(i) >= '0' && src.charAt(i) <= '7'; k++) {
              v = v * 8 + (src.charAt(i++) - '0');
            }
            b.append((char) v);
          } else if (e >= 0x80) {
            throw syntax(from, "backslash before a non-ASCII character in a string literal");
          } else {
            b.append('\\').append(e); // Python keeps unknown escapes as they are
          }
        }
      }
    }
    return b.toString();
  }

  private int hexEscape(StringBuilder b, int i, int to, int digits, int literalStart) {
    if (i + digits > to) {
      throw syntax(literalStart, "truncated \\x/\\u/\\U escape");
    }
    int v = 0;
    for (int k = 0; k < digits; k++) {
      int d = Character.digit(src.charAt(i + k), 16);
      if (d < 0 || src.charAt(i + k) >= 0x80) {
        throw syntax(literalStart, "bad \\x/\\u/\\U escape");
      }
      v = v * 16 + d;
      if (v > 0x10FFFF) {
        throw syntax(literalStart, "\\U escape beyond U+10FFFF");
      }
    }
    if (v >= 0xD800 && v <= 0xDFFF) {
      throw syntax(literalStart, "escape produces a lone surrogate");
    }
    b.appendCodePoint(v);
    return i + digits;
  }

  /** Python's {@code \s} restricted to ASCII (other characters in tags are refused anyway). */
  static boolean isSpace(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
  }

  private static boolean isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isNamePart(char c) {
    return isNameStart(c) || (c >= '0' && c <= '9');
  }

  private static TemplateRejection syntax(int pos, String message) {
    return new TemplateRejection(
        FormatReason.TEMPLATE_SYNTAX, message + " (at character " + pos + ")");
  }

  private static String abbreviate(String s) {
    return s.length() <= 24 ? s : s.substring(0, 24) + "...";
  }
}
