package dev.safeload.formats.internal.numpy;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.text.Utf8;
import dev.safeload.spi.FormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed .npy header: exactly {@code {'descr': ..., 'fortran_order': ..., 'shape': (...), }} read
 * with a tiny grammar (never an evaluator), and the data size it implies.
 *
 * <p>Rules, in check order (research/formats.md §4.4 N1-N4):
 *
 * <ol>
 *   <li>magic, version 1.0, 2.0 or 3.0, header length within the policy;
 *   <li>a dict of exactly the three keys, each once, then spaces and one newline;
 *   <li>{@code descr} is a type string or a structured dtype (below);
 *   <li>{@code fortran_order} is {@code True} or {@code False};
 *   <li>{@code shape} is a tuple of plain non-negative decimal ints, at most {@code maxRank} of
 *       them. In version 1.0 and 2.0 headers a dimension may end in {@code L}, as Python 2 wrote
 *       longs ({@code (2L,)}): NumPy strips exactly that suffix for those versions (its {@code
 *       _filter_header}) and not for 3.0, which Python 2 never wrote;
 *   <li>every dtype's itemsize (a type string's, a subarray's, a structure's) fits a C int, and
 *       each subarray dimension does, as NumPy keeps them;
 *   <li>itemsize x the non-zero dimensions does not overflow (NumPy checks them in any order, a
 *       zero dimension included), and the data is within the policy.
 * </ol>
 *
 * <p>Type strings: {@code |O} and {@code |O8} (the spelling of NumPy before 1.x on 64-bit) are
 * object dtypes, whose data is a pickle; otherwise byte order {@code <}, {@code >} or {@code |}
 * (never native {@code =}) and a fixed-size numeric, bytes, str, void or datetime code.
 *
 * <p>Structured dtypes are what {@code dtype.descr} writes, and what {@code
 * np.load(allow_pickle=False)} loads when no field is an object: a list of {@code (name, type)} or
 * {@code (name, type, shape)} tuples, where the name is a string or a {@code (title, name)} pair,
 * the type a type string or a nested list, and the shape a subarray tuple as above. Fields must
 * have names, and no name or title may repeat (NumPy refuses both), except padding: a field named
 * {@code ''} with a plain {@code |Vn} type, which NumPy skips but counts in the itemsize. The
 * itemsize is the exact sum of the fields' sizes (each type's size times its subarray's element
 * count), which is how NumPy's {@code descr_to_dtype} lays the fields out. Nesting depth and the
 * total number of fields are bounded by the policy; parsing is one pass over the header. A
 * structured dtype with an object field anywhere is an object dtype: NumPy pickles the whole array.
 *
 * @param version 1, 2 or 3
 * @param dataOffset bytes before the array data
 * @param descr the dtype as written (a type string, or the source text of a structured dtype)
 * @param object whether the dtype is or holds an object: the data is a pickle
 * @param itemSize bytes per element (0 for object arrays)
 * @param fortran fortran_order
 * @param shape dimensions
 * @param dataBytes itemSize x product(shape), or -1 for object arrays
 */
public record NpyHeader(
    int version,
    int dataOffset,
    String descr,
    boolean object,
    long itemSize,
    boolean fortran,
    List<Long> shape,
    long dataBytes) {

  /** The magic string. */
  public static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  private static final Pattern SIMPLE =
      Pattern.compile(
          "([<>|])(b1|\\?|[iu](1|2|4|8)|f(2|4|8|16)|c(8|16|32)"
              + "|([SUV])([0-9]{1,9})"
              // A datetime64/timedelta64 without a unit (np.datetime64('NaT'), an array of 'M8')
              // is written '<M8': a generic unit, still eight bytes an element.
              + "|([Mm])8(?:\\[([0-9]{0,6})(Y|M|W|D|h|m|s|ms|us|ns|ps|fs|as)\\])?)");

  /** Number of bytes needed to know the header length. */
  public static final int PREAMBLE_MIN = 12;

  /**
   * Bounds of the header grammar.
   *
   * @param maxRank most dimensions of the shape and of each subarray shape
   * @param maxBytes largest array in bytes
   * @param maxDepth deepest nesting of structured dtypes (1 for a flat one)
   * @param maxFields most fields of a structured dtype, counted over all nesting levels
   */
  public record Limits(long maxRank, long maxBytes, long maxDepth, long maxFields) {}

  /**
   * The header length from the preamble, after checking magic and version; -1 for the preamble
   * size.
   */
  public static int[] preamble(byte[] first, long maxHeader) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (first.length <= i || first[i] != MAGIC[i]) {
        throw new FormatException(FormatReason.NUMPY_HEADER_INVALID, i, "not an .npy magic string");
      }
    }
    if (first.length < 10) {
      throw new FormatException(FormatReason.NUMPY_HEADER_INVALID, 6, "truncated preamble");
    }
    int major = first[6] & 0xff;
    int minor = first[7] & 0xff;
    if (minor != 0 || major < 1 || major > 3) {
      throw new FormatException(
          FormatReason.NUMPY_VERSION_UNSUPPORTED, 6, "version " + major + "." + minor);
    }
    long len;
    int pre;
    if (major == 1) {
      len = (first[8] & 0xff) | (first[9] & 0xff) << 8;
      pre = 10;
    } else {
      if (first.length < 12) {
        throw new FormatException(FormatReason.NUMPY_HEADER_INVALID, 8, "truncated preamble");
      }
      len =
          (first[8] & 0xffL)
              | (first[9] & 0xffL) << 8
              | (first[10] & 0xffL) << 16
              | (first[11] & 0xffL) << 24;
      pre = 12;
    }
    // The array holding the header is allocated from this length: it must fit whatever the policy
    // says.
    if (len > maxHeader || len > Integer.MAX_VALUE - 64) {
      throw new FormatException(
          FormatReason.NUMPY_HEADER_TOO_LARGE,
          8,
          "header of " + len + " bytes is over the limit of " + maxHeader);
    }
    return new int[] {major, pre, (int) len};
  }

  /** Parses the header text that follows the preamble. */
  public static NpyHeader parse(int version, int preamble, byte[] header, Limits limits) {
    String text;
    if (version == 3) {
      // NumPy decodes a 3.0 header as strict UTF-8: a malformed byte fails its load.
      text = Utf8.decodeOrNull(header);
      if (text == null) {
        throw new FormatException(
            FormatReason.NUMPY_HEADER_INVALID, preamble, "a 3.0 header that is not UTF-8");
      }
    } else {
      text = new String(header, StandardCharsets.ISO_8859_1);
    }
    Parser p = new Parser(text, preamble, version, limits);
    String descr = null;
    Dtype dtype = null;
    Boolean fortran = null;
    List<Long> shape = null;
    p.ws();
    p.expect('{');
    for (int n = 0; n < 3; n++) {
      p.ws();
      String key = p.string();
      p.ws();
      p.expect(':');
      p.ws();
      switch (key) {
        case "descr" -> {
          if (descr != null) {
            throw p.bad("descr twice");
          }
          int start = p.i;
          dtype = p.dtype(0);
          descr = text.substring(start, p.i);
        }
        case "fortran_order" -> {
          if (fortran != null) {
            throw p.bad("fortran_order twice");
          }
          fortran = p.bool();
        }
        case "shape" -> {
          if (shape != null) {
            throw p.bad("shape twice");
          }
          shape = p.shape();
        }
        default -> throw p.bad("unexpected key '" + key + "'");
      }
      p.ws();
      if (p.peek() == ',') {
        p.i++;
      } else if (n < 2) {
        throw p.bad("expected ','");
      }
    }
    p.ws();
    p.expect('}');
    while (p.i < text.length() && text.charAt(p.i) == ' ') {
      p.i++;
    }
    if (p.i != text.length() - 1 || text.charAt(p.i) != '\n') {
      throw p.bad("the header does not end in spaces and one newline");
    }
    if (descr == null || dtype == null || fortran == null || shape == null) {
      // Unreachable (three distinct keys were read, each at most once), but said rather than
      // assumed.
      throw p.bad("descr, fortran_order and shape are each required");
    }
    boolean object = dtype.object;
    long itemSize = object ? 0 : dtype.size;
    long bytes = -1;
    if (!object) {
      bytes = p.times(itemSize, shape, preamble);
      if (bytes > limits.maxBytes()) {
        throw new FormatException(
            FormatReason.NUMPY_SIZE_OVERFLOW, preamble, bytes + " bytes of data is over the limit");
      }
    }
    return new NpyHeader(
        version,
        preamble + header.length,
        descr,
        object,
        itemSize,
        fortran,
        List.copyOf(shape),
        bytes);
  }

  /** A parsed dtype: its size in bytes and whether it is or holds an object. */
  private record Dtype(long size, boolean object, boolean plainVoid) {}

  private static final class Parser {
    final String s;
    final int base;
    final int version;
    final Limits limits;
    int i;
    long fields;

    Parser(String s, int base, int version, Limits limits) {
      this.s = s;
      this.base = base;
      this.version = version;
      this.limits = limits;
    }

    FormatException bad(String why) {
      return new FormatException(FormatReason.NUMPY_HEADER_INVALID, base + i, why);
    }

    FormatException dtypeBad(int at, String why) {
      return new FormatException(FormatReason.NUMPY_DTYPE_NOT_ALLOWED, base + at, why);
    }

    char peek() {
      if (i >= s.length()) {
        throw bad("header ends early");
      }
      return s.charAt(i);
    }

    void ws() {
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
    }

    void expect(char c) {
      if (peek() != c) {
        throw bad("expected '" + c + "'");
      }
      i++;
    }

    /** Skips {@code c} and the spaces after it if it comes next; says whether it did. */
    boolean skip(char c) {
      if (peek() != c) {
        return false;
      }
      i++;
      ws();
      return true;
    }

    /**
     * A string as Python's {@code repr} writes it, and only so: each character a name can hold has
     * one spelling, so names compare as written (NumPy refuses two fields of one name). A printable
     * character stands as itself (a Latin-1 one such as {@code 'café'} in a 1.0 header, any in a
     * 3.0 UTF-8 header); a Latin-1 one repr does not print is {@code \xNN} in lower-case hex
     * (NumPy's {@code literal_eval} reads it back). repr quotes with {@code '} unless the string
     * holds {@code '} and no {@code "}: {@code ("driver's age", '<f4')}. Other escapes (tab, the
     * four- and eight-digit forms, a backslash, a quote) are refused.
     */
    String string() {
      char quote = peek();
      if (quote != '\'' && quote != '"') {
        throw bad("expected a string");
      }
      i++;
      int start = i;
      while (peek() != quote) {
        int c = s.codePointAt(i);
        if (c == '\\') {
          hexEscape();
          continue;
        }
        if (c < 0x20 || (c > 0x7e && !printedAsIs(c))) {
          throw bad("unsupported character in a string");
        }
        i += Character.charCount(c);
      }
      String v = s.substring(start, i);
      if (quote == '"' && v.indexOf('\'') < 0) {
        throw bad("a string in double quotes that repr writes in single quotes");
      }
      i++;
      return v;
    }

    /**
     * {@code \xNN} for a Latin-1 code point that repr escapes so: a control but tab, newline and
     * carriage return (written {@code \t}, {@code \n}, {@code \r}), DEL, the C1 controls, no-break
     * space and soft hyphen.
     */
    private void hexEscape() {
      if (i + 3 >= s.length() || s.charAt(i + 1) != 'x') {
        throw bad("unsupported escape in a string");
      }
      int hi = lowerHex(s.charAt(i + 2));
      int lo = lowerHex(s.charAt(i + 3));
      int c = hi * 16 + lo;
      boolean reprEscapes =
          c < 0x20 ? c != '\t' && c != '\n' && c != '\r' : c >= 0x7f && !printedAsIs(c);
      if (hi < 0 || lo < 0 || !reprEscapes) {
        throw bad("unsupported escape in a string: repr writes that character otherwise");
      }
      i += 4;
    }

    /** An ASCII digit or a-f, as repr writes hex; -1 for anything else. */
    private static int lowerHex(char ch) {
      if (ch >= '0' && ch <= '9') {
        return ch - '0';
      }
      return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
    }

    /**
     * Whether Python's {@code repr} writes code point {@code c} as itself: np.save writes a Latin-1
     * field name such as {@code 'café'} in a 1.0 header and switches to a 3.0 (UTF-8) header for
     * one such as {@code 'été东'}, and repr escapes every character that is not printable (controls,
     * format characters such as bidi overrides, separators, surrogates, private-use and unassigned
     * code points).
     */
    private static boolean printedAsIs(int c) {
      return switch (Character.getType(c)) {
        case Character.CONTROL,
            Character.FORMAT,
            Character.SURROGATE,
            Character.PRIVATE_USE,
            Character.UNASSIGNED,
            Character.LINE_SEPARATOR,
            Character.PARAGRAPH_SEPARATOR,
            Character.SPACE_SEPARATOR ->
            false;
        default -> true;
      };
    }

    boolean bool() {
      if (s.startsWith("True", i)) {
        i += 4;
        return true;
      }
      if (s.startsWith("False", i)) {
        i += 5;
        return false;
      }
      throw bad("fortran_order is not True or False");
    }

    /**
     * A type string or a structured dtype at nesting {@code depth} (0 for the array's own dtype).
     */
    Dtype dtype(int depth) {
      int at = i;
      if (peek() == '[') {
        return struct(depth + 1);
      }
      if (peek() != '\'') {
        throw dtypeBad(at, "the dtype is neither a type string nor a list of fields");
      }
      String t = string();
      if (t.equals("|O") || t.equals("|O8")) {
        return new Dtype(8, true, false);
      }
      Matcher m = SIMPLE.matcher(t);
      if (!m.matches()) {
        throw dtypeBad(at, "dtype '" + t + "' is not allowed");
      }
      String code = m.group(2);
      long size;
      if (code.equals("b1") || code.equals("?")) {
        size = 1;
      } else if (m.group(6) != null) {
        long n = Long.parseLong(m.group(7));
        size = m.group(6).equals("U") ? n * 4 : n;
      } else if (m.group(8) != null) {
        size = 8;
      } else {
        size = Long.parseLong(code.substring(1));
      }
      return new Dtype(
          cInt(size, at),
          false,
          m.group(6) != null && m.group(6).equals("V") && m.group(1).equals("|"));
    }

    /** {@code [field, ...]}: the fields laid out one after the other. */
    Dtype struct(int depth) {
      int at = i;
      if (depth > limits.maxDepth()) {
        throw new FormatException(
            FormatReason.NUMPY_DTYPE_TOO_COMPLEX,
            base + at,
            "structured dtype nested deeper than " + limits.maxDepth());
      }
      expect('[');
      ws();
      if (peek() == ']') {
        throw dtypeBad(at, "structured dtype without fields");
      }
      Set<String> names = new HashSet<>();
      long size = 0;
      boolean object = false;
      do {
        if (peek() == ']') {
          break; // a trailing comma
        }
        if (++fields > limits.maxFields()) {
          throw new FormatException(
              FormatReason.NUMPY_DTYPE_TOO_COMPLEX,
              base + i,
              "structured dtype with more than " + limits.maxFields() + " fields");
        }
        int fieldAt = i;
        expect('(');
        ws();
        String title = null;
        if (skip('(')) {
          title = string();
          ws();
          expect(',');
          ws();
        }
        String name = string();
        ws();
        if (title != null) {
          expect(')');
          ws();
        }
        expect(',');
        ws();
        Dtype type = dtype(depth);
        ws();
        long fieldSize = type.size;
        boolean sub = false;
        if (skip(',') && peek() == '(') {
          sub = true;
          List<Long> subShape = shape();
          fieldSize = times(type.size, subShape, fieldAt);
          for (long d : subShape) {
            // numpy.dtype((type, shape)) refuses a dimension that does not fit a C int
            if (d > Integer.MAX_VALUE) {
              throw new FormatException(
                  FormatReason.NUMPY_SHAPE_INVALID,
                  base + fieldAt,
                  "subarray dimension " + d + " does not fit a C int");
            }
          }
          ws();
          skip(',');
        }
        expect(')');
        ws();
        boolean padding = name.isEmpty() && title == null && type.plainVoid && !sub;
        if (!padding) {
          if (name.isEmpty()) {
            throw dtypeBad(fieldAt, "a field without a name that is not void padding");
          }
          if (!names.add(name) || (title != null && !names.add(title))) {
            throw dtypeBad(fieldAt, "field name or title '" + name + "' is used twice");
          }
        }
        object |= type.object;
        size = cInt(add(size, cInt(fieldSize, fieldAt), fieldAt), fieldAt);
      } while (skip(','));
      expect(']');
      return new Dtype(size, object, false);
    }

    /**
     * {@code size} if it fits the C int NumPy keeps a dtype's itemsize in. numpy 2 and a 1.24
     * structured or subarray dtype refuse a larger one ("integer won't fit into a C int", "dtype
     * size in bytes must fit into a C int"); numpy 1.24 wraps a type string's ({@code
     * '<U536870912'} loads with an itemsize of -2**31), so either way the reader does not have the
     * dtype this header describes.
     */
    long cInt(long size, int at) {
      if (size > Integer.MAX_VALUE) {
        throw new FormatException(
            FormatReason.NUMPY_SIZE_OVERFLOW,
            base + at,
            "a dtype of " + size + " bytes: NumPy keeps an itemsize in a C int");
      }
      return size;
    }

    long add(long a, long b, int at) {
      try {
        return Math.addExact(a, b);
      } catch (ArithmeticException e) {
        throw new FormatException(
            FormatReason.NUMPY_SIZE_OVERFLOW, base + at, "the dtype's size overflows");
      }
    }

    /**
     * {@code size} x the dimensions, refused as NumPy refuses it: the product of the itemsize and
     * the non-zero dimensions must fit a signed 64-bit size whatever the order of the dimensions
     * (NumPy's array constructor skips a zero dimension and goes on checking the others, so {@code
     * (0, 10**18, 10**18)} is "array is too big" to numpy.load, not an empty array).
     */
    long times(long size, List<Long> dims, int at) {
      try {
        long bytes = size;
        boolean empty = false;
        for (long d : dims) {
          if (d == 0) {
            empty = true;
          } else {
            bytes = Math.multiplyExact(bytes, d);
          }
        }
        return empty ? 0 : bytes;
      } catch (ArithmeticException e) {
        throw new FormatException(
            FormatReason.NUMPY_SIZE_OVERFLOW, base + at, "shape x itemsize overflows");
      }
    }

    List<Long> shape() {
      long maxRank = limits.maxRank();
      expect('(');
      List<Long> dims = new ArrayList<>();
      boolean trailingComma = false;
      ws();
      while (peek() != ')') {
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
          i++;
        }
        String d = s.substring(start, i);
        if (d.isEmpty() || (d.length() > 1 && d.charAt(0) == '0') || d.length() > 18) {
          throw new FormatException(
              FormatReason.NUMPY_SHAPE_INVALID,
              base + start,
              "dimension is not a plain non-negative int");
        }
        // Python 2 wrote longs as 2L; NumPy drops that L for versions 1.0 and 2.0 only.
        if (version <= 2 && i < s.length() && s.charAt(i) == 'L') {
          i++;
        }
        dims.add(Long.parseLong(d));
        if (dims.size() > maxRank) {
          throw new FormatException(
              FormatReason.NUMPY_SHAPE_INVALID, base + start, "rank over the limit of " + maxRank);
        }
        ws();
        trailingComma = false;
        if (peek() == ',') {
          i++;
          trailingComma = true;
          ws();
        } else if (peek() != ')') {
          throw new FormatException(
              FormatReason.NUMPY_SHAPE_INVALID, base + i, "expected ',' or ')' in shape");
        }
      }
      i++;
      if (dims.size() == 1 && !trailingComma) {
        throw new FormatException(
            FormatReason.NUMPY_SHAPE_INVALID, base + i, "(n) is an int, not a tuple");
      }
      return dims;
    }
  }
}
