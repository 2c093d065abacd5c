package dev.safeload.formats.internal.onnx;

import dev.safeload.formats.FormatReason;
import dev.safeload.spi.FormatException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules for a tensor's {@code external_data} entries, in check order: known keys only, each
 * once; a location that is a relative path inside the model directory:
 *
 * <ol>
 *   <li>not empty, at most 4096 characters;
 *   <li>no leading {@code #} (the in-memory container convention) and no ONNX Runtime magic such as
 *       {@code _ORT_MEM_ADDR_}, which turns the offset into a raw memory address;
 *   <li>no control character, backslash or colon: a backslash is a separator to Windows and a name
 *       character to POSIX, and {@code C:w.bin} is drive-relative on Windows (two readings);
 *   <li>no leading {@code /};
 *   <li>no {@code ..} segment, and the last segment a name (not empty, not {@code .}): where {@code
 *       sub/..} leads depends on the folder ({@code sub} missing, a file or a link), not on the
 *       model, and a trailing {@code /} or {@code .} names a folder;
 *   <li>{@code .} and empty segments before the last are dropped: ONNX Runtime joins the location
 *       to the model's folder and the kernel opens {@code ./w.bin} and {@code sub//w.bin} as {@code
 *       w.bin} and {@code sub/w.bin} (onnx's {@code load_external_data_for_tensor} likewise), so
 *       the location is kept in that normal form, the one name the overlap rule and the served file
 *       are matched by;
 * </ol>
 *
 * offset and length as plain decimal digits; a length that matches the tensor's shape.
 */
final class ExternalData {
  private ExternalData() {}

  private static final Set<String> KEYS = Set.of("location", "offset", "length", "checksum");
  private static final int MAX_LOCATION = 4096;
  private static final java.util.regex.Pattern SHA1_HEX =
      java.util.regex.Pattern.compile("[0-9a-fA-F]{40}");
  private static final java.util.regex.Pattern DECIMAL =
      java.util.regex.Pattern.compile("[0-9]{1,18}");

  static OnnxWalker.External parse(
      String tensor,
      String dtype,
      List<Long> shape,
      List<String[]> entries,
      long expectedBytes,
      long at) {
    String location = null;
    long offset = 0;
    long length = -1;
    Set<String> seen = new HashSet<>();
    for (String[] e : entries) {
      String key = e[0];
      String value = e[1];
      long where = Long.parseLong(e[2]);
      if (!KEYS.contains(key)) {
        throw invalid(where, tensor, "unknown external_data key '" + printable(key) + "'");
      }
      if (!seen.add(key)) {
        throw invalid(where, tensor, "external_data key '" + key + "' appears twice");
      }
      switch (key) {
        case "location" -> location = checkLocation(value, tensor, where);
        case "offset" -> offset = decimal(value, tensor, "offset", where);
        case "length" -> length = decimal(value, tensor, "length", where);
        default -> {
          if (!SHA1_HEX.matcher(value).matches()) {
            throw invalid(where, tensor, "checksum is not a SHA-1 hex digest");
          }
        }
      }
    }
    if (location == null) {
      throw invalid(at, tensor, "external data without a location");
    }
    if (length >= 0 && length != expectedBytes) {
      throw invalid(
          at,
          tensor,
          "length " + length + " differs from the " + expectedBytes + " bytes its shape needs");
    }
    return new OnnxWalker.External(tensor, dtype, shape, location, offset, expectedBytes, at);
  }

  static String checkLocation(String loc, String tensor, long at) {
    if (loc.isEmpty() || loc.length() > MAX_LOCATION) {
      throw invalid(at, tensor, "location is empty or too long");
    }
    if (loc.startsWith("#")) {
      throw invalid(
          at,
          tensor,
          "location '" + printable(loc) + "' starts with '#' (in-memory container convention)");
    }
    if (loc.contains("_ORT_MEM_ADDR_")) {
      throw invalid(
          at,
          tensor,
          "location '" + printable(loc) + "' is ONNX Runtime's in-memory address marker");
    }
    for (int i = 0; i < loc.length(); i++) {
      char c = loc.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || c == ':') {
        throw invalid(
            at,
            tensor,
            "location '" + printable(loc) + "' has a control character, backslash or colon");
      }
    }
    if (loc.startsWith("/")) {
      throw invalid(at, tensor, "location '" + printable(loc) + "' is absolute");
    }
    String[] segs = loc.split("/", -1);
    StringBuilder normal = new StringBuilder(loc.length());
    for (int i = 0; i < segs.length; i++) {
      String seg = segs[i];
      boolean last = i == segs.length - 1;
      if (seg.equals("..") || (last && (seg.isEmpty() || seg.equals(".")))) {
        throw invalid(
            at,
            tensor,
            "location '"
                + printable(loc)
                + "' steps out of a folder ('..') or does not end in a file name");
      }
      if (seg.isEmpty() || seg.equals(".")) {
        continue; // "./w.bin", "sub/./w.bin", "sub//w.bin": the kernel opens sub/w.bin
      }
      if (normal.length() > 0) {
        normal.append('/');
      }
      normal.append(seg);
    }
    return normal.toString();
  }

  private static long decimal(String v, String tensor, String what, long at) {
    if (!DECIMAL.matcher(v).matches()) {
      throw invalid(
          at, tensor, what + " '" + printable(v) + "' is not a non-negative decimal integer");
    }
    return Long.parseLong(v);
  }

  private static FormatException invalid(long at, String tensor, String msg) {
    return new FormatException(
        FormatReason.ONNX_EXTERNAL_DATA_INVALID, at, "tensor '" + printable(tensor) + "': " + msg);
  }

  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && i < 120; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return sb.toString();
  }
}
