package dev.safeload.formats.internal.json;

import dev.safeload.formats.internal.json.JsonException.Kind;
import dev.safeload.formats.internal.text.Utf8;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A strict JSON pull reader that works in place over a {@link ByteBuffer} region: nothing is copied
 * out of the buffer unless the caller asks for a value as a {@code String}.
 *
 * <p>Strict means RFC 8259 with every optional leniency refused:
 *
 * <ul>
 *   <li>whitespace is only {@code 0x20 0x09 0x0A 0x0D}; no BOM, no comments, no NaN (unless {@link
 *       #allowPythonNonFinite()}), no single quotes;
 *   <li>strings are strict UTF-8: overlong forms, encoded surrogates, code points above U+10FFFF
 *       and cut sequences are {@link Kind#UTF8} errors; raw control characters and unpaired
 *       surrogate escapes are {@link Kind#SYNTAX} errors;
 *   <li>numbers follow the JSON grammar exactly (no leading zeros, no {@code +}, no {@code .5});
 *       {@link Token#INTEGER} (no fraction, no exponent) is told apart from {@link Token#FLOAT};
 *   <li>an object may not repeat a key at any level; keys are compared after unescaping, so {@code
 *       "w"} and {@code "\u0077"} are the same key;
 *   <li>exactly one top-level value, then only whitespace;
 *   <li>caps on nesting, string length, number length and object size ({@link Limits}).
 * </ul>
 *
 * <p>Typical use: call {@link #next()} until {@link Token#END_DOCUMENT}; after {@link Token#NAME}
 * or {@link Token#STRING} the raw bytes between the quotes are {@code [tokenStart(), tokenEnd())}
 * of the buffer; compare them with {@link #tokenEquals(byte[])} or decode them with {@link
 * #stringValue()}. Every violation throws {@link JsonException} with an absolute file offset.
 *
 * <p>Duplicate detection costs O(1) per key and allocates nothing per key: keys stay spans of the
 * buffer, small objects are scanned linearly, large ones use an open-addressing table of key
 * indices. The hash (a multiply-xorshift over the unescaped bytes, eight at a time) is seeded per
 * reader, and a probe run longer than {@value #MAX_PROBES} is rejected as {@link
 * Kind#MEMBER_LIMIT}, so crafted collisions cannot make the check quadratic. Not thread-safe; one
 * reader per document.
 */
public final class JsonReader {

  /** What {@link #next()} read. */
  public enum Token {
    BEGIN_OBJECT,
    END_OBJECT,
    BEGIN_ARRAY,
    END_ARRAY,
    /** An object member's key; the value follows with the next call. */
    NAME,
    STRING,
    /** A number without fraction or exponent. */
    INTEGER,
    /** A number with a fraction or an exponent. */
    FLOAT,
    TRUE,
    FALSE,
    NULL,
    /** The single top-level value ended and only whitespace followed. */
    END_DOCUMENT
  }

  /**
   * Caps checked while reading.
   *
   * @param maxDepth most nested arrays/objects open at once
   * @param maxStringBytes longest string or key, in raw (escaped) bytes
   * @param maxNumberChars longest number literal
   * @param maxMembers most members of one object
   */
  public record Limits(int maxDepth, int maxStringBytes, int maxNumberChars, int maxMembers) {
    public Limits {
      if (maxDepth < 1 || maxStringBytes < 0 || maxNumberChars < 1 || maxMembers < 0) {
        throw new IllegalArgumentException("invalid JSON limits");
      }
    }
  }

  private static final int S_VALUE = 0; // a value is required
  private static final int S_OBJ_FIRST = 1; // after '{': a key or '}'
  private static final int S_OBJ_KEY = 2; // after ',' in an object: a key
  private static final int S_ARR_FIRST = 3; // after '[': a value or ']'
  private static final int S_AFTER = 4; // after a value: ',', a closing bracket, or the end
  private static final int S_DONE = 5;

  /**
   * Longest probe run accepted when inserting a key. Bounds the work per key whatever the keys are,
   * so that duplicate detection stays linear even if the seeded hash were beaten.
   */
  private static final int MAX_PROBES = 512;

  /** Objects with at most this many keys are checked for duplicates by linear scan. */
  private static final int LINEAR_KEYS = 8;

  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};
  private static final byte[] NAN = {'N', 'a', 'N'};
  private static final byte[] INFINITY = {'I', 'n', 'f', 'i', 'n', 'i', 't', 'y'};
  private static final byte[] MINUS_INFINITY = {'-', 'I', 'n', 'f', 'i', 'n', 'i', 't', 'y'};

  private final ByteBuffer buf;
  private final int start;
  private final int end;
  private final long fileOffset;
  private final Limits limits;
  private final long seed;
  private boolean pythonNonFinite;

  private int pos;
  private int state = S_VALUE;
  private int depth;

  /** Per open container: true for an object. */
  private boolean[] isObject = new boolean[16];

  private int tokStart;
  private int tokEnd;
  private boolean tokEscaped;
  private boolean tokUnusual;
  private long tokLong;
  private long tokHash;

  // Keys of all open objects, as a stack; frameBase[d] is where the keys of the object at depth d
  // start.
  private int[] frameBase = new int[16];
  private int keyCount;
  private int[] keyStart = new int[64];
  private int[] keyLen = new int[64]; // ~len when the key has escapes
  private int[] keyHash = new int[64];
  private int expectedMembers;

  /**
   * Per depth, a hash table of key index + 1 (0 = empty), used once an object outgrows LINEAR_KEYS.
   */
  private int[][] tables = new int[16][];

  private byte[] scratch = new byte[0];
  private final byte[] utf8 = new byte[4];

  /**
   * A reader over {@code buf}'s remaining bytes ({@code position()} to {@code limit()}). The buffer
   * is only read with absolute gets; its position is not changed.
   *
   * @param fileOffset the file offset of {@code buf.position()}, for error offsets
   */
  public JsonReader(ByteBuffer buf, long fileOffset, Limits limits) {
    this.buf =
        buf.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN); // words are read little-endian
    this.start = buf.position();
    this.end = buf.limit();
    this.fileOffset = fileOffset;
    this.limits = limits;
    this.pos = start;
    this.seed = ThreadLocalRandom.current().nextLong() | 1L;
  }

  /**
   * Also accepts the three spellings Python's {@code json} module writes for non-finite floats,
   * {@code NaN}, {@code Infinity} and {@code -Infinity}, exactly so and only where a value may
   * stand; each reads as {@link Token#FLOAT}. Everything else stays strict: {@code nan}, {@code
   * +Infinity}, {@code -NaN}, {@code Infinityx} or {@code NaN} as a key are syntax errors, as they
   * are for Python's {@code json.loads}. For JSON side files that Python writes ({@code
   * trainer_state.json} logs a NaN loss); never for files whose numbers locate bytes (safetensors
   * headers, shard indexes). Call before the first {@link #next()}.
   *
   * @return this reader
   */
  public JsonReader allowPythonNonFinite() {
    this.pythonNonFinite = true;
    return this;
  }

  /**
   * For detection: whether the bytes from {@code i} of {@code head} (after an opening brace) can
   * continue a JSON object: optional whitespace, then a key's quote or the closing brace, or the
   * head ends first. Tells a JSON object from text that merely starts with a brace, such as a Jinja
   * chat template opening with a tag ({@code {{ bos_token }}}, {@code {%- if ... %}}, {@code {# ...
   * #}}): claiming that as JSON would report a refused template's content as malformed JSON.
   */
  public static boolean mayFollowBrace(ByteBuffer head, int i) {
    for (int p = i; p < head.limit(); p++) {
      int c = head.get(p);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return c == '"' || c == '}';
      }
    }
    return true;
  }

  /**
   * For detection: whether the byte at {@code i} of {@code head} (after a {@code [}) can follow
   * {@code [} in a JSON document, or the head ends there. Tells a JSON array from text that merely
   * starts with a bracket, such as a BERT {@code vocab.txt} whose first token is {@code [PAD]}.
   */
  public static boolean mayFollowBracket(ByteBuffer head, int i) {
    if (i >= head.limit()) {
      return true;
    }
    int c = head.get(i);
    return c == ' '
        || c == '\n'
        || c == '\r'
        || c == '\t'
        || c == ']'
        || c == '['
        || c == '{'
        || c == '"'
        || c == '-'
        || (c >= '0' && c <= '9')
        || c == 't'
        || c == 'f'
        || c == 'n'
        || c == 'N'
        || c == 'I';
  }

  /**
   * Sizes the key bookkeeping of the top-level object for about {@code members} keys, so that a
   * caller that knows the count (a safetensors header's tensor count, bounded by a policy cap) does
   * not pay for repeated growth. Call before the first {@link #next()}.
   */
  public void expectMembers(int members) {
    int n = Math.max(64, Math.min(members, 1 << 28) + 1);
    if (n > keyStart.length) {
      keyStart = new int[n];
      keyLen = new int[n];
      keyHash = new int[n];
    }
    expectedMembers = members;
  }

  /** A power of two at least twice {@code members + 1} (load factor at most 1/2). */
  private static int tableSize(int members) {
    int m = Math.min(Math.max(members, 0), 1 << 28);
    return Math.max(64, Integer.highestOneBit(2 * (m + 1) - 1) << 1);
  }

  /** Reads the next token. */
  public Token next() {
    int b = skipWhitespace();
    switch (state) {
      case S_VALUE:
        return value(b);
      case S_OBJ_FIRST:
        if (b == '}') {
          pos++;
          return close(true);
        }
        return key(b);
      case S_OBJ_KEY:
        return key(b);
      case S_ARR_FIRST:
        if (b == ']') {
          pos++;
          return close(false);
        }
        return value(b);
      case S_AFTER:
        if (depth == 0) {
          if (b >= 0) {
            throw error(Kind.SYNTAX, pos, "unexpected data after the JSON value");
          }
          state = S_DONE;
          return Token.END_DOCUMENT;
        }
        boolean obj = isObject[depth - 1];
        if (b == ',') {
          pos++;
          int c = skipWhitespace();
          return obj ? key(c) : value(c);
        }
        if (b == (obj ? '}' : ']')) {
          pos++;
          return close(obj);
        }
        throw error(
            Kind.SYNTAX,
            pos,
            b < 0 ? "unexpected end of JSON" : obj ? "expected ',' or '}'" : "expected ',' or ']'");
      default:
        throw new IllegalStateException("the document has ended");
    }
  }

  /**
   * For schema-specific fast paths: when a value is expected next, skips whitespace and returns the
   * buffer index of the value's first byte, else -1. Nothing is consumed.
   */
  public int valueStart() {
    if (state != S_VALUE) {
      return -1;
    }
    skipWhitespace();
    return pos;
  }

  /**
   * For schema-specific fast paths: consumes {@code [valueStart(), end)} as one value. The caller
   * guarantees that those bytes are exactly one complete value in the strict grammar, within {@link
   * Limits}, without duplicate keys; it must have matched them against a pattern that admits
   * nothing else (see the safetensors header parser's canonical-entry matcher).
   */
  public void consumeValue(int end) {
    if (state != S_VALUE || end <= pos || end > this.end) {
      throw new IllegalStateException("no value expected here");
    }
    tokStart = pos;
    tokEnd = end;
    pos = end;
    state = S_AFTER;
  }

  /** Skips the value that starts with the next token (all of it, if it is an array or object). */
  public void skipValue() {
    Token t = next();
    if (t == Token.BEGIN_OBJECT || t == Token.BEGIN_ARRAY) {
      int target = depth - 1;
      while (depth > target) {
        next();
      }
    } else if (t == Token.NAME
        || t == Token.END_OBJECT
        || t == Token.END_ARRAY
        || t == Token.END_DOCUMENT) {
      throw error(Kind.SYNTAX, tokStart, "expected a value");
    }
  }

  /** Nesting depth: 0 at top level, 1 inside the outermost array or object, ... */
  public int depth() {
    return depth;
  }

  /**
   * Buffer index of the first byte of the current token (inside the quotes for strings and keys).
   */
  public int tokenStart() {
    return tokStart;
  }

  /** Buffer index just past the current token (before the closing quote for strings and keys). */
  public int tokenEnd() {
    return tokEnd;
  }

  /** Whether the current string or key contains escapes (its raw bytes differ from its value). */
  public boolean tokenEscaped() {
    return tokEscaped;
  }

  /**
   * Whether the current string or key may hold a control character: false guarantees it is plain
   * printable ASCII without escapes, so a caller can skip {@link #tokenHasControl()}.
   */
  public boolean tokenUnusual() {
    return tokUnusual;
  }

  /** File offset of the current token, for findings. */
  public long tokenOffset() {
    return fileOffset + (tokStart - start);
  }

  /** File offset of the next unread byte. */
  public long offset() {
    return fileOffset + (pos - start);
  }

  /** Whether the current string or key, unescaped, equals {@code ascii}. No allocation. */
  public boolean tokenEquals(byte[] ascii) {
    int len = tokEnd - tokStart;
    if (!tokEscaped) {
      if (len != ascii.length) {
        return false;
      }
      for (int i = 0; i < len; i++) {
        if (buf.get(tokStart + i) != ascii[i]) {
          return false;
        }
      }
      return true;
    }
    int p = tokStart;
    for (byte a : ascii) {
      if (p >= tokEnd) {
        return false;
      }
      long v = codePointAt(buf, p);
      if ((int) (v >>> 32) != a) {
        return false;
      }
      p = (int) v;
    }
    return p == tokEnd;
  }

  /** The current string or key, unescaped. */
  public String stringValue() {
    int len = tokEnd - tokStart;
    scratch = ensure(scratch, len);
    int n;
    if (tokEscaped) {
      n = decode(tokStart, tokEnd, scratch);
    } else {
      buf.get(tokStart, scratch, 0, len);
      n = len;
    }
    return new String(scratch, 0, n, StandardCharsets.UTF_8);
  }

  /** The unescaped UTF-8 length of the current string or key. No allocation. */
  public int decodedLength() {
    if (!tokEscaped) {
      return tokEnd - tokStart;
    }
    int n = 0;
    for (int p = tokStart; p < tokEnd; ) {
      long v = codePointAt(buf, p);
      int cp = (int) (v >>> 32);
      n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      p = (int) v;
    }
    return n;
  }

  /**
   * Whether the current string or key, unescaped, holds a control character (U+0000..U+001F or
   * U+007F..U+009F). No allocation.
   */
  public boolean tokenHasControl() {
    for (int p = tokStart; p < tokEnd; ) {
      long v = codePointAt(buf, p);
      int cp = (int) (v >>> 32);
      if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
        return true;
      }
      p = (int) v;
    }
    return false;
  }

  /** At most the first {@code maxChars} code points of the current string or key, for messages. */
  public String tokenPrefix(int maxChars) {
    StringBuilder sb = new StringBuilder();
    for (int p = tokStart, i = 0; p < tokEnd && i < maxChars; i++) {
      long v = codePointAt(buf, p);
      int cp = (int) (v >>> 32);
      sb.appendCodePoint(Character.isISOControl(cp) ? '?' : cp);
      p = (int) v;
    }
    return sb.toString();
  }

  /**
   * The code point at {@code p} of a string span this reader validated, decoding an escape or a
   * UTF-8 sequence: {@code (codePoint << 32) | indexAfter}.
   */
  static long codePointAt(ByteBuffer buf, int p) {
    int b = buf.get(p);
    int cp;
    int next;
    if (b >= 0) {
      if (b != '\\') {
        return ((long) b << 32) | (p + 1);
      }
      int c = buf.get(p + 1);
      next = p + 2;
      switch (c) {
        case 'b' -> cp = '\b';
        case 'f' -> cp = '\f';
        case 'n' -> cp = '\n';
        case 'r' -> cp = '\r';
        case 't' -> cp = '\t';
        case 'u' -> {
          cp = hex4(buf, p + 2);
          next = p + 6;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(buf, p + 8) - 0xDC00);
            next = p + 12;
          }
        }
        default -> cp = c;
      }
    } else {
      int b0 = b & 0xff;
      if (b0 < 0xE0) {
        cp = ((b0 & 0x1F) << 6) | (buf.get(p + 1) & 0x3F);
        next = p + 2;
      } else if (b0 < 0xF0) {
        cp = ((b0 & 0x0F) << 12) | ((buf.get(p + 1) & 0x3F) << 6) | (buf.get(p + 2) & 0x3F);
        next = p + 3;
      } else {
        cp =
            ((b0 & 0x07) << 18)
                | ((buf.get(p + 1) & 0x3F) << 12)
                | ((buf.get(p + 2) & 0x3F) << 6)
                | (buf.get(p + 3) & 0x3F);
        next = p + 4;
      }
    }
    return ((long) cp << 32) | next;
  }

  /**
   * The value of the current {@link Token#INTEGER} if it is in {@code [0, 2^63)}, else {@code -1}
   * (negative, including {@code -0}, or too large).
   */
  public long nonNegativeLong() {
    return tokLong; // computed while scanning the number
  }

  /** The raw text of the current scalar token (a number, {@code true}, ...), for reports. */
  public String rawText() {
    byte[] b = new byte[tokEnd - tokStart];
    buf.get(tokStart, b);
    return new String(b, StandardCharsets.US_ASCII);
  }

  /**
   * Decodes the string or key whose raw (escaped, already validated) bytes are {@code [from, to)}
   * of the buffer into {@code out} as UTF-8; returns the decoded length, which is never more than
   * {@code to - from}.
   */
  public int decode(int from, int to, byte[] out) {
    return decode(buf, from, to, out);
  }

  /**
   * Decodes a string's raw bytes {@code [from, to)} of {@code buf}, which a {@link JsonReader} has
   * already validated, into {@code out} as UTF-8; returns the decoded length ({@code <= to -
   * from}). Lets an index keep names as spans of the buffer and decode them only when asked.
   */
  public static int decode(ByteBuffer buf, int from, int to, byte[] out) {
    int n = 0;
    int p = from;
    while (p < to) {
      byte b = buf.get(p);
      if (b != '\\') {
        out[n++] = b;
        p++;
        continue;
      }
      byte c = buf.get(p + 1);
      p += 2;
      switch (c) {
        case 'b' -> out[n++] = '\b';
        case 'f' -> out[n++] = '\f';
        case 'n' -> out[n++] = '\n';
        case 'r' -> out[n++] = '\r';
        case 't' -> out[n++] = '\t';
        case 'u' -> {
          int cp = hex4(buf, p);
          p += 4;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            int lo = hex4(buf, p + 2);
            p += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          n = putUtf8(out, n, cp);
        }
        default -> out[n++] = c; // '"', '\\', '/'
      }
    }
    return n;
  }

  // ------------------------------------------------------------------------------------------
  // tokens

  private Token key(int b) {
    if (b != '"') {
      throw error(Kind.SYNTAX, pos, b < 0 ? "unexpected end of JSON" : "expected a key");
    }
    scanString(true);
    addKey();
    int c = skipWhitespace();
    if (c != ':') {
      throw error(Kind.SYNTAX, pos, "expected ':'");
    }
    pos++;
    state = S_VALUE;
    return Token.NAME;
  }

  private Token value(int b) {
    switch (b) {
      case '{':
        open(true);
        return Token.BEGIN_OBJECT;
      case '[':
        open(false);
        return Token.BEGIN_ARRAY;
      case '"':
        scanString(false);
        state = S_AFTER;
        return Token.STRING;
      case 't':
        literal(TRUE);
        return Token.TRUE;
      case 'f':
        literal(FALSE);
        return Token.FALSE;
      case 'n':
        literal(NULL);
        return Token.NULL;
      case 'N':
        return nonFinite(NAN);
      case 'I':
        return nonFinite(INFINITY);
      default:
        if (b == '-' || (b >= '0' && b <= '9')) {
          return number();
        }
        if (b < 0) {
          throw error(Kind.SYNTAX, pos, "unexpected end of JSON");
        }
        if (b >= 0x80 && Utf8.sequenceLength(buf, pos, end) < 0) {
          throw error(Kind.UTF8, pos, "invalid UTF-8");
        }
        throw error(Kind.SYNTAX, pos, "expected a JSON value");
    }
  }

  private void open(boolean object) {
    if (depth >= limits.maxDepth()) {
      throw error(Kind.DEPTH_LIMIT, pos, "nesting deeper than " + limits.maxDepth());
    }
    tokStart = pos;
    tokEnd = ++pos;
    if (depth == isObject.length) {
      isObject = Arrays.copyOf(isObject, depth * 2);
      frameBase = Arrays.copyOf(frameBase, depth * 2);
      tables = Arrays.copyOf(tables, depth * 2);
    }
    isObject[depth] = object;
    frameBase[depth] = keyCount;
    depth++;
    state = object ? S_OBJ_FIRST : S_ARR_FIRST;
  }

  private Token close(boolean object) {
    depth--;
    tokStart = pos - 1;
    tokEnd = pos;
    if (object) {
      int base = frameBase[depth];
      if (keyCount - base > LINEAR_KEYS) {
        int[] table = tables[depth];
        int mask = table.length - 1;
        for (int k = base;
            k < keyCount;
            k++) { // clear only this object's slots: O(keys), not O(table)
          int s = keyHash[k] & mask;
          while (table[s] != k + 1) {
            s = (s + 1) & mask;
          }
          table[s] = 0;
        }
      }
      keyCount = base;
    }
    state = S_AFTER;
    return object ? Token.END_OBJECT : Token.END_ARRAY;
  }

  private void literal(byte[] word) {
    tokStart = pos;
    if (end - pos < word.length) {
      throw error(Kind.SYNTAX, pos, "expected a JSON value");
    }
    for (int i = 0; i < word.length; i++) {
      if (buf.get(pos + i) != word[i]) {
        throw error(Kind.SYNTAX, pos, "expected a JSON value");
      }
    }
    pos += word.length;
    tokEnd = pos;
    state = S_AFTER;
  }

  private Token nonFinite(byte[] word) {
    if (!pythonNonFinite) {
      throw error(Kind.SYNTAX, pos, "expected a JSON value (NaN and Infinity are not JSON)");
    }
    literal(word);
    tokLong = -1;
    return Token.FLOAT;
  }

  private Token number() {
    int p = pos;
    if (pythonNonFinite && p + 1 < end && buf.get(p) == '-' && buf.get(p + 1) == 'I') {
      return nonFinite(MINUS_INFINITY);
    }
    tokStart = p;
    boolean negative = buf.get(p) == '-';
    if (negative) {
      p++;
    }
    int c = p < end ? buf.get(p) : -1;
    long v = 0;
    if (c == '0') {
      p++;
    } else if (c >= '1' && c <= '9') {
      // value of the integer part as it is scanned; -1 once it leaves [0, 2^63)
      v = c - '0';
      p++;
      while (p < end) {
        int d = buf.get(p) - '0';
        if (d < 0 || d > 9) {
          break;
        }
        v = v < 0 || v > (Long.MAX_VALUE - d) / 10 ? -1 : v * 10 + d;
        p++;
      }
    } else {
      throw error(Kind.SYNTAX, p, "invalid number");
    }
    tokLong = negative ? -1 : v;
    boolean isFloat = false;
    if (p < end && buf.get(p) == '.') {
      int q = digits(p + 1);
      if (q == p + 1) {
        throw error(Kind.SYNTAX, q, "invalid number");
      }
      p = q;
      isFloat = true;
    }
    if (p < end && (buf.get(p) | 0x20) == 'e') {
      p++;
      if (p < end && (buf.get(p) == '+' || buf.get(p) == '-')) {
        p++;
      }
      int q = digits(p);
      if (q == p) {
        throw error(Kind.SYNTAX, q, "invalid number");
      }
      p = q;
      isFloat = true;
    }
    if (p - tokStart > limits.maxNumberChars()) {
      throw error(
          Kind.NUMBER_LIMIT,
          tokStart,
          "number longer than " + limits.maxNumberChars() + " characters");
    }
    pos = p;
    tokEnd = p;
    state = S_AFTER;
    return isFloat ? Token.FLOAT : Token.INTEGER;
  }

  private int digits(int p) {
    while (p < end) {
      int d = buf.get(p) - '0';
      if (d < 0 || d > 9) {
        break;
      }
      p++;
    }
    return p;
  }

  /**
   * Scans a string starting at the opening quote at {@code pos}; validates escapes and UTF-8. Plain
   * printable ASCII is consumed eight bytes at a time. For keys it also hashes the unescaped UTF-8
   * bytes, packed little-endian into 64-bit words, so that a key hashes the same however it is
   * escaped.
   */
  private void scanString(boolean hash) {
    int p = pos + 1;
    long h = seed;
    long acc = 0; // pending unescaped bytes not yet mixed into h
    int k = 0; // number of pending bytes
    boolean escaped = false;
    boolean unusual = false; // an escape, DEL or a non-ASCII byte: worth a closer look by callers
    final int e = end;
    final ByteBuffer b = buf;
    for (; ; ) {
      while (p + 8 <= e) {
        long w = b.getLong(p);
        long special =
            (w & HIGH_BITS)
                | zeroByte(w & CONTROL_BITS)
                | zeroByte(w ^ QUOTES)
                | zeroByte(w ^ BACKSLASHES)
                | zeroByte(w ^ DELS);
        // The lowest flagged byte is exact: zeroByte() can only over-report above a real hit.
        int plain = special == 0 ? 8 : Long.numberOfTrailingZeros(special) >>> 3;
        if (hash && plain > 0) {
          long bytes = plain == 8 ? w : w & ((1L << (plain << 3)) - 1);
          if (k == 0) {
            if (plain == 8) {
              h = mix(h, bytes);
            } else {
              acc = bytes;
              k = plain;
            }
          } else {
            acc |= bytes << (k << 3);
            int total = k + plain;
            if (total >= 8) {
              h = mix(h, acc);
              acc = k == 0 ? 0 : bytes >>> ((8 - k) << 3);
              k = total - 8;
              if (k == 0) {
                acc = 0;
              }
            } else {
              k = total;
            }
          }
        }
        p += plain;
        if (plain < 8) {
          break;
        }
      }
      if (p >= e) {
        throw error(Kind.SYNTAX, pos, "unterminated string");
      }
      int c = b.get(p);
      if (c == '"') {
        break;
      }
      int from;
      int n;
      if (c >= 0x20 && c != '\\') { // printable ASCII, or DEL, near the end of the buffer
        unusual |= c == 0x7f;
        from = p;
        n = 1;
        p++;
      } else if (c == '\\') {
        escaped = true;
        unusual = true;
        int q = scanEscape(p);
        n = putUtf8(utf8, 0, (int) (codePointAt(b, p) >>> 32));
        from = -1;
        p = q;
      } else if (c < 0) {
        unusual = true;
        n = Utf8.sequenceLength(buf, p, end);
        if (n < 0) {
          throw error(Kind.UTF8, p, "invalid UTF-8 in a string");
        }
        from = p;
        p += n;
      } else {
        throw error(Kind.SYNTAX, p, "unescaped control character in a string");
      }
      if (hash) {
        for (int i = 0; i < n; i++) { // the unescaped bytes, one at a time
          long v = (from < 0 ? utf8[i] : b.get(from + i)) & 0xffL;
          acc |= v << (k << 3);
          if (++k == 8) {
            h = mix(h, acc);
            acc = 0;
            k = 0;
          }
        }
      }
    }
    tokStart = pos + 1;
    tokEnd = p;
    tokEscaped = escaped;
    tokUnusual = unusual;
    if (p - tokStart > limits.maxStringBytes()) {
      throw error(
          Kind.STRING_LIMIT, pos, "string longer than " + limits.maxStringBytes() + " bytes");
    }
    pos = p + 1;
    if (hash) {
      tokHash = mix(h ^ k, acc);
    }
  }

  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final long CONTROL_BITS =
      0xE0E0E0E0E0E0E0E0L; // a byte below 0x20 has none of these
  private static final long QUOTES = 0x2222222222222222L;
  private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
  private static final long DELS = 0x7F7F7F7F7F7F7F7FL;
  private static final long ONES = 0x0101010101010101L;

  /** Non-zero if and only if some byte of {@code v} is zero. */
  private static long zeroByte(long v) {
    return (v - ONES) & ~v & HIGH_BITS;
  }

  private static long mix(long h, long w) {
    long x = (h ^ w) * 0x9E3779B97F4A7C15L;
    return x ^ (x >>> 29);
  }

  /** Validates the escape at {@code p} (a backslash); returns the index after it. */
  private int scanEscape(int p) {
    if (p + 1 >= end) {
      throw error(Kind.SYNTAX, p, "unterminated string");
    }
    switch (buf.get(p + 1)) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
        return p + 2;
      case 'u':
        int cp = hex4Checked(p + 2);
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
          throw error(Kind.SYNTAX, p, "unpaired low surrogate escape");
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (p + 7 >= end || buf.get(p + 6) != '\\' || buf.get(p + 7) != 'u') {
            throw error(Kind.SYNTAX, p, "unpaired high surrogate escape");
          }
          int lo = hex4Checked(p + 8);
          if (lo < 0xDC00 || lo > 0xDFFF) {
            throw error(Kind.SYNTAX, p, "unpaired high surrogate escape");
          }
          return p + 12;
        }
        return p + 6;
      default:
        throw error(Kind.SYNTAX, p, "invalid escape");
    }
  }

  private int hex4Checked(int p) {
    if (end - p < 4) {
      throw error(Kind.SYNTAX, p, "truncated \\u escape");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = hexDigit(buf.get(p + i));
      if (d < 0) {
        throw error(Kind.SYNTAX, p + i, "invalid \\u escape");
      }
      v = (v << 4) | d;
    }
    return v;
  }

  private static int hex4(ByteBuffer buf, int p) {
    int v = 0;
    for (int i = 0; i < 4; i++) {
      v = (v << 4) | hexDigit(buf.get(p + i));
    }
    return v;
  }

  private static int hexDigit(int c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  }

  private static int putUtf8(byte[] out, int n, int cp) {
    if (cp < 0x80) {
      out[n++] = (byte) cp;
    } else if (cp < 0x800) {
      out[n++] = (byte) (0xC0 | (cp >> 6));
      out[n++] = (byte) (0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out[n++] = (byte) (0xE0 | (cp >> 12));
      out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
      out[n++] = (byte) (0x80 | (cp & 0x3F));
    } else {
      out[n++] = (byte) (0xF0 | (cp >> 18));
      out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
      out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
      out[n++] = (byte) (0x80 | (cp & 0x3F));
    }
    return n;
  }

  /** Skips JSON whitespace; returns the next byte (0..255) or -1 at the end of the region. */
  private int skipWhitespace() {
    int p = pos;
    while (p < end) {
      int c = buf.get(p) & 0xff;
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        pos = p;
        return c;
      }
      p++;
    }
    pos = p;
    return -1;
  }

  // ------------------------------------------------------------------------------------ duplicates

  private void addKey() {
    int d = depth - 1;
    int base = frameBase[d];
    int members = keyCount - base;
    if (members >= limits.maxMembers()) {
      throw error(
          Kind.MEMBER_LIMIT,
          tokStart - 1,
          "object with more than " + limits.maxMembers() + " members");
    }
    int h = (int) (tokHash ^ (tokHash >>> 32));
    int len = tokEnd - tokStart;
    if (members < LINEAR_KEYS) {
      for (int k = base; k < keyCount; k++) {
        if (keyHash[k] == h && sameKey(k)) {
          throw error(Kind.DUPLICATE_KEY, tokStart - 1, "duplicate key");
        }
      }
    } else {
      int[] table = tables[d];
      if (members == LINEAR_KEYS) { // switch from linear scan to the hash table
        if (table == null) {
          table = tables[d] = new int[d == 0 ? tableSize(expectedMembers) : 64];
        }
        for (int k = base; k < keyCount; k++) {
          insert(table, k);
        }
      } else if ((members + 1) * 2 > table.length) {
        int[] bigger = new int[table.length * 2];
        for (int k = base; k < keyCount; k++) {
          insert(bigger, k);
        }
        table = tables[d] = bigger;
      }
      int mask = table.length - 1;
      int probes = 0;
      for (int s = h & mask; ; s = (s + 1) & mask) {
        int k = table[s] - 1;
        if (k < 0) {
          break;
        }
        if (keyHash[k] == h && sameKey(k)) {
          throw error(Kind.DUPLICATE_KEY, tokStart - 1, "duplicate key");
        }
        if (++probes > MAX_PROBES) {
          // At load <= 1/2 a random hash practically never runs this long: keys crafted to collide.
          throw error(Kind.MEMBER_LIMIT, tokStart - 1, "keys collide abnormally (hash flooding)");
        }
      }
    }
    if (keyCount == keyStart.length) {
      int n = keyCount * 2;
      keyStart = Arrays.copyOf(keyStart, n);
      keyLen = Arrays.copyOf(keyLen, n);
      keyHash = Arrays.copyOf(keyHash, n);
    }
    int k = keyCount++;
    keyStart[k] = tokStart;
    keyLen[k] = tokEscaped ? ~len : len;
    keyHash[k] = h;
    if (members >= LINEAR_KEYS) {
      insert(tables[d], k);
    }
  }

  private void insert(int[] table, int k) {
    int mask = table.length - 1;
    int s = keyHash[k] & mask;
    while (table[s] != 0) {
      s = (s + 1) & mask;
    }
    table[s] = k + 1;
  }

  /** Whether stored key {@code k} equals the current key token, after unescaping both. */
  private boolean sameKey(int k) {
    int len = tokEnd - tokStart;
    int kl = keyLen[k];
    boolean kEsc = kl < 0;
    if (kEsc) {
      kl = ~kl;
    }
    int ks = keyStart[k];
    if (!kEsc && !tokEscaped) {
      if (kl != len) {
        return false;
      }
      for (int i = 0; i < len; i++) {
        if (buf.get(ks + i) != buf.get(tokStart + i)) {
          return false;
        }
      }
      return true;
    }
    // Compare code point by code point: no buffer proportional to a (hostile) key's length.
    int p = tokStart;
    int q = ks;
    int qEnd = ks + kl;
    while (p < tokEnd && q < qEnd) {
      long a = codePointAt(buf, p);
      long c = codePointAt(buf, q);
      if ((a >>> 32) != (c >>> 32)) {
        return false;
      }
      p = (int) a;
      q = (int) c;
    }
    return p == tokEnd && q == qEnd;
  }

  private static byte[] ensure(byte[] a, int n) {
    // The scratch only serves stringValue(), whose callers check lengths first; do not keep a big
    // one.
    return a.length >= n && a.length <= 4096 ? a : new byte[Math.max(n, 64)];
  }

  private JsonException error(Kind kind, int at, String message) {
    return new JsonException(kind, fileOffset + (at - start), message);
  }
}
