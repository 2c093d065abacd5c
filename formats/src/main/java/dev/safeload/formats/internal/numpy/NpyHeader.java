package dev.safeload.formats.internal.numpy;

import dev.safeload.Reason;
import dev.safeload.spi.FormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed .npy header: exactly {@code {'descr': ..., 'fortran_order': ..., 'shape': (...), }} read with
 * a tiny grammar (never an evaluator), a simple dtype, and the data size it implies.
 *
 * @param version    1, 2 or 3
 * @param dataOffset bytes before the array data
 * @param descr      the dtype string as written
 * @param object     whether the dtype is object ({@code |O}): the data is a pickle
 * @param itemSize   bytes per element (0 for object arrays)
 * @param fortran    fortran_order
 * @param shape      dimensions
 * @param dataBytes  itemSize x product(shape), or -1 for object arrays
 */
public record NpyHeader(int version, int dataOffset, String descr, boolean object, long itemSize, boolean fortran,
    List<Long> shape, long dataBytes) {

  /** The magic string. */
  public static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern SIMPLE = Pattern.compile("([<>|])(b1|\\?|[iu](1|2|4|8)|f(2|4|8|16)|c(8|16|32)"
      + "|([SUV])([0-9]{1,9})|([Mm])8\\[([0-9]{0,6})(Y|M|W|D|h|m|s|ms|us|ns|ps|fs|as)\\])");

  /** Number of bytes needed to know the header length. */
  public static final int PREAMBLE_MIN = 12;

  /** The header length from the preamble, after checking magic and version; -1 for the preamble size. */
  public static int[] preamble(byte[] first, long maxHeader) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (first.length <= i || first[i] != MAGIC[i]) {
        throw new FormatException(Reason.NUMPY_HEADER_INVALID, i, "not an .npy magic string");
      }
    }
    if (first.length < 10) {
      throw new FormatException(Reason.NUMPY_HEADER_INVALID, 6, "truncated preamble");
    }
    int major = first[6] & 0xff;
    int minor = first[7] & 0xff;
    if (minor != 0 || major < 1 || major > 3) {
      throw new FormatException(Reason.NUMPY_VERSION_UNSUPPORTED, 6, "version " + major + "." + minor);
    }
    long len;
    int pre;
    if (major == 1) {
      len = (first[8] & 0xff) | (first[9] & 0xff) << 8;
      pre = 10;
    } else {
      if (first.length < 12) {
        throw new FormatException(Reason.NUMPY_HEADER_INVALID, 8, "truncated preamble");
      }
      len = (first[8] & 0xffL) | (first[9] & 0xffL) << 8 | (first[10] & 0xffL) << 16 | (first[11] & 0xffL) << 24;
      pre = 12;
    }
    if (len > maxHeader) {
      throw new FormatException(Reason.NUMPY_HEADER_TOO_LARGE, 8, "header of " + len + " bytes is over the limit of "
          + maxHeader);
    }
    return new int[] {major, pre, (int) len};
  }

  /** Parses the header text that follows the preamble. */
  public static NpyHeader parse(int version, int preamble, byte[] header, long maxRank, long maxBytes) {
    String text = version == 3 ? new String(header, StandardCharsets.UTF_8) : new String(header, StandardCharsets.ISO_8859_1);
    Parser p = new Parser(text, preamble);
    String descr = null;
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
          if (p.peek() != '\'') {
            throw new FormatException(Reason.NUMPY_DTYPE_NOT_ALLOWED, preamble, "structured dtypes are not allowed");
          }
          descr = p.string();
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
          shape = p.shape(maxRank);
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
    boolean object = descr.equals("|O");
    long itemSize = 0;
    if (!object) {
      Matcher m = SIMPLE.matcher(descr);
      if (!m.matches()) {
        throw new FormatException(Reason.NUMPY_DTYPE_NOT_ALLOWED, preamble, "dtype '" + descr + "' is not allowed");
      }
      String t = m.group(2);
      if (t.equals("b1") || t.equals("?")) {
        itemSize = 1;
      } else if (m.group(6) != null) {
        long n = Long.parseLong(m.group(7));
        itemSize = m.group(6).equals("U") ? n * 4 : n;
      } else if (m.group(8) != null) {
        itemSize = 8;
      } else {
        itemSize = Long.parseLong(t.substring(1));
      }
    }
    long bytes = -1;
    if (!object) {
      try {
        bytes = itemSize;
        for (long d : shape) {
          bytes = Math.multiplyExact(bytes, d);
        }
      } catch (ArithmeticException e) {
        throw new FormatException(Reason.NUMPY_SIZE_OVERFLOW, preamble, "shape x itemsize overflows");
      }
      if (bytes > maxBytes) {
        throw new FormatException(Reason.NUMPY_SIZE_OVERFLOW, preamble, bytes + " bytes of data is over the limit");
      }
    }
    return new NpyHeader(version, preamble + header.length, descr, object, itemSize, fortran, List.copyOf(shape), bytes);
  }

  private static final class Parser {
    final String s;
    final int base;
    int i;

    Parser(String s, int base) {
      this.s = s;
      this.base = base;
    }

    FormatException bad(String why) {
      return new FormatException(Reason.NUMPY_HEADER_INVALID, base + i, why);
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

    String string() {
      expect('\'');
      int start = i;
      while (peek() != '\'') {
        char c = s.charAt(i);
        if (c == '\\' || c < 0x20 || c > 0x7e) {
          throw bad("unsupported character in a string");
        }
        i++;
      }
      String v = s.substring(start, i);
      i++;
      return v;
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

    List<Long> shape(long maxRank) {
      expect('(');
      List<Long> dims = new ArrayList<>();
      boolean trailingComma = false;
      ws();
      while (peek() != ')') {
        int start = i;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 0x80) {
          i++;
        }
        String d = s.substring(start, i);
        if (d.isEmpty() || (d.length() > 1 && d.charAt(0) == '0') || d.length() > 18) {
          throw new FormatException(Reason.NUMPY_SHAPE_INVALID, base + start, "dimension is not a plain non-negative int");
        }
        dims.add(Long.parseLong(d));
        if (dims.size() > maxRank) {
          throw new FormatException(Reason.NUMPY_SHAPE_INVALID, base + start, "rank over the limit of " + maxRank);
        }
        ws();
        trailingComma = false;
        if (peek() == ',') {
          i++;
          trailingComma = true;
          ws();
        } else if (peek() != ')') {
          throw new FormatException(Reason.NUMPY_SHAPE_INVALID, base + i, "expected ',' or ')' in shape");
        }
      }
      i++;
      if (dims.size() == 1 && !trailingComma) {
        throw new FormatException(Reason.NUMPY_SHAPE_INVALID, base + i, "(n) is an int, not a tuple");
      }
      return dims;
    }
  }
}
