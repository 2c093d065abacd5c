package dev.safeload.internal.policy;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict, bounded JSON reader for small settings files (the policy file): RFC 8259 with no
 * extensions. It refuses what other readers would read differently: duplicate keys, a byte-order
 * mark, invalid UTF-8, lone surrogates in escapes, numbers that are not integers or do not fit a
 * long, control characters in strings, and anything after the value. Input is at most {@link
 * #MAX_BYTES} and nesting at most {@link #MAX_DEPTH} deep, so the work is linear and the recursion
 * bounded.
 *
 * <p>Values: {@code Map<String, Object>} (insertion order), {@code List<Object>}, {@code String},
 * {@code Long}, {@code Boolean}, and {@link #NULL}.
 */
public final class PolicyJson {
  /** Largest accepted input. */
  public static final int MAX_BYTES = 1 << 20;

  /** Deepest accepted nesting of arrays and objects. */
  public static final int MAX_DEPTH = 32;

  /** The JSON {@code null}. */
  public static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  private final String s;
  private int pos;

  private PolicyJson(String s) {
    this.s = s;
  }

  /**
   * Parses one JSON value.
   *
   * @throws IllegalArgumentException with the problem and its position (line:column) if the bytes
   *     are not strict JSON within the bounds
   */
  public static Object parse(byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException("larger than " + MAX_BYTES + " bytes");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not valid UTF-8");
    }
    PolicyJson p = new PolicyJson(text);
    p.ws();
    Object v = p.value(0);
    p.ws();
    if (p.pos != text.length()) {
      throw p.error("unexpected content after the JSON value");
    }
    return v;
  }

  private Object value(int depth) {
    if (pos >= s.length()) {
      throw error("unexpected end of input");
    }
    char c = s.charAt(pos);
    switch (c) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string();
      case 't':
        literal("true");
        return Boolean.TRUE;
      case 'f':
        literal("false");
        return Boolean.FALSE;
      case 'n':
        literal("null");
        return NULL;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character " + describe(c));
    }
  }

  private Map<String, Object> object(int depth) {
    checkDepth(depth);
    pos++; // {
    Map<String, Object> m = new LinkedHashMap<>();
    ws();
    if (peek() == '}') {
      pos++;
      return m;
    }
    while (true) {
      ws();
      if (peek() != '"') {
        throw error("expected a key in double quotes");
      }
      int at = pos;
      String key = string();
      ws();
      expect(':');
      ws();
      Object v = value(depth);
      if (m.put(key, v) != null) {
        pos = at;
        throw error("duplicate key \"" + key + "\"");
      }
      ws();
      char c = next();
      if (c == '}') {
        return m;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) {
    checkDepth(depth);
    pos++; // [
    List<Object> l = new ArrayList<>();
    ws();
    if (peek() == ']') {
      pos++;
      return l;
    }
    while (true) {
      ws();
      l.add(value(depth));
      ws();
      char c = next();
      if (c == ']') {
        return l;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() {
    pos++; // "
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return sb.toString();
      }
      if (c < 0x20) {
        pos--;
        throw error("control character in a string");
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          char u = hex4();
          if (Character.isHighSurrogate(u)) {
            if (!s.startsWith("\\u", pos)) {
              throw error("lone surrogate in a \\u escape");
            }
            pos += 2;
            char low = hex4();
            if (!Character.isLowSurrogate(low)) {
              throw error("lone surrogate in a \\u escape");
            }
            sb.append(u).append(low);
          } else if (Character.isLowSurrogate(u)) {
            throw error("lone surrogate in a \\u escape");
          } else {
            sb.append(u);
          }
        }
        default -> {
          pos--;
          throw error("invalid escape \\" + describe(e));
        }
      }
    }
  }

  private char hex4() {
    if (pos + 4 > s.length()) {
      throw error("unexpected end of input");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(s.charAt(pos), 16);
      if (d < 0 || s.charAt(pos) > 'f') {
        throw error("invalid \\u escape");
      }
      v = v * 16 + d;
      pos++;
    }
    return (char) v;
  }

  private Long number() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (pos >= s.length() || s.charAt(pos) < '0' || s.charAt(pos) > '9') {
      throw error("invalid number");
    }
    if (s.charAt(pos) == '0'
        && pos + 1 < s.length()
        && s.charAt(pos + 1) >= '0'
        && s.charAt(pos + 1) <= '9') {
      throw error("leading zero in a number");
    }
    while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
      pos++;
    }
    if (pos < s.length()
        && (s.charAt(pos) == '.' || s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      throw error("only integers are allowed here");
    }
    String digits = s.substring(start, pos);
    if (digits.length() > 20) {
      pos = start;
      throw error("number out of range");
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      pos = start;
      throw error("number out of range");
    }
  }

  private void literal(String word) {
    if (!s.startsWith(word, pos)) {
      throw error("invalid literal");
    }
    pos += word.length();
  }

  private void checkDepth(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
  }

  private void ws() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private char peek() {
    return pos < s.length() ? s.charAt(pos) : '\0';
  }

  private char next() {
    if (pos >= s.length()) {
      throw error("unexpected end of input");
    }
    return s.charAt(pos++);
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private static String describe(char c) {
    return c >= 0x20 && c < 0x7f
        ? "'" + c + "'"
        : String.format(java.util.Locale.ROOT, "U+%04X", (int) c);
  }

  /** An error at the current position, as line:column (both from 1). */
  private IllegalArgumentException error(String message) {
    int line = 1;
    int col = 1;
    for (int i = 0; i < Math.min(pos, s.length()); i++) {
      if (s.charAt(i) == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return new IllegalArgumentException(message + " at " + line + ":" + col);
  }
}
