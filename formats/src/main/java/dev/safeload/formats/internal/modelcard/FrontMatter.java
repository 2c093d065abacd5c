package dev.safeload.formats.internal.modelcard;

import dev.safeload.Reason;
import dev.safeload.formats.internal.text.Utf8;
import dev.safeload.spi.FormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A bounded reader of the one field safeload takes from a Hugging Face model card: the top-level
 * {@code license} of the YAML front matter of {@code README.md}. It is not a YAML parser: it reads
 * the subset model cards use for that key and refuses everything else, so that it never reports a
 * licence another reader would read differently.
 *
 * <p>In check order:
 *
 * <ol>
 *   <li>No front matter (the file does not start with a {@code ---} line, after an optional UTF-8
 *       byte order mark): nothing is declared.
 *   <li>The closing {@code ---} (or {@code ...}) line must come within {@value #MAX_BYTES} bytes,
 *       and the front matter must be UTF-8.
 *   <li>Top-level keys start in column 0; {@code license} may appear once (a second one is a second
 *       reading). Its value is a plain scalar (a trailing {@code # comment} removed), a single- or
 *       double-quoted scalar without escapes other than {@code ''}, {@code \"} and {@code \\}, a
 *       flow list of plain scalars ({@code [mit, apache-2.0]}) or a block list of such scalars on
 *       the following, indented {@code - } lines. Anchors, aliases, tags, block scalars and maps
 *       are refused.
 * </ol>
 *
 * Every byte of the front matter is looked at a constant number of times.
 */
public final class FrontMatter {
  /** Longest front matter read (real model cards have a few KiB). */
  public static final int MAX_BYTES = 64 * 1024;

  /** Most licences one card may list. */
  public static final int MAX_LICENSES = 16;

  private static final java.util.regex.Pattern KEY_SPELLED_OTHERWISE =
      java.util.regex.Pattern.compile(
          "(?:license[ \\t]+|\"license\"[ \\t]*|'license'[ \\t]*|\\?[ \\t]*license)(?::|$)");

  private FrontMatter() {}

  /**
   * The {@code license} values, in order; empty if the file has no front matter or no such key.
   *
   * @throws FormatException ({@code LICENSE_UNKNOWN}) if the front matter cannot be read as above
   */
  public static List<String> licenses(ByteBuffer head) {
    ByteBuffer b = head.duplicate();
    int start = b.position();
    if (b.remaining() >= 3
        && (b.get(start) & 0xff) == 0xef
        && (b.get(start + 1) & 0xff) == 0xbb
        && (b.get(start + 2) & 0xff) == 0xbf) {
      start += 3;
    }
    int limit = Math.min(b.limit(), start + MAX_BYTES);
    int firstEnd = lineEnd(b, start, limit);
    if (firstEnd < 0 || !isLine(b, start, firstEnd, "---")) {
      return List.of();
    }
    int bodyStart = next(b, firstEnd);
    int pos = bodyStart;
    int bodyEnd = -1;
    while (pos < limit) {
      int end = lineEnd(b, pos, limit);
      if (end < 0) {
        break;
      }
      if (isLine(b, pos, end, "---") || isLine(b, pos, end, "...")) {
        bodyEnd = pos;
        break;
      }
      pos = next(b, end);
    }
    if (bodyEnd < 0) {
      throw fail(0, "the front matter does not end within " + MAX_BYTES + " bytes");
    }
    String text = Utf8.decodeOrNull(b, bodyStart, bodyEnd - bodyStart);
    if (text == null) {
      throw fail(bodyStart, "the front matter is not UTF-8");
    }
    return fromYaml(text, bodyStart);
  }

  private static List<String> fromYaml(String text, long offset) {
    String[] lines = text.split("\r?\n", -1);
    List<String> out = null;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (!line.startsWith("license:")) {
        if (KEY_SPELLED_OTHERWISE.matcher(line).lookingAt()) {
          // "license" : x, 'license': x, "license": x name the same key to a YAML reader.
          throw fail(offset, "the 'license' key is spelled in a way this reader does not take");
        }
        continue;
      }
      if (out != null) {
        throw fail(offset, "the front matter has two 'license' keys");
      }
      String rest = stripComment(line.substring("license:".length())).strip();
      if (rest.isEmpty()) {
        out = new ArrayList<>();
        for (String item; i + 1 < lines.length && (item = blockItem(lines[i + 1])) != null; ) {
          i++;
          if (out.size() >= MAX_LICENSES) {
            throw fail(offset, "more than " + MAX_LICENSES + " licences");
          }
          out.add(scalar(item, offset));
        }
        if (out.isEmpty()) {
          throw fail(offset, "'license' has no value");
        }
        // A nested map or anything else indented under the key would be a reading we do not make.
        if (i + 1 < lines.length && lines[i + 1].startsWith(" ") && !lines[i + 1].isBlank()) {
          throw fail(offset, "'license' holds a value this reader does not take");
        }
      } else if (rest.startsWith("[")) {
        if (!rest.endsWith("]")) {
          throw fail(offset, "'license' is a flow list this reader does not take");
        }
        out = new ArrayList<>();
        for (String item : rest.substring(1, rest.length() - 1).split(",", -1)) {
          if (out.size() >= MAX_LICENSES) {
            throw fail(offset, "more than " + MAX_LICENSES + " licences");
          }
          String s = item.strip();
          if (s.isEmpty()
              || s.startsWith("'")
              || s.startsWith("\"")
              || s.contains("[")
              || s.contains("]")) {
            throw fail(offset, "'license' is a flow list this reader does not take");
          }
          out.add(scalar(s, offset));
        }
      } else {
        out = new ArrayList<>(List.of(scalar(rest, offset)));
      }
    }
    return out == null ? List.of() : List.copyOf(out);
  }

  /** The scalar of a block-list item ({@code " - mit"}), or {@code null} if the line is not one. */
  private static @Nullable String blockItem(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    // YAML also allows a block list at the key's own indentation ("license:\n- mit").
    if (i < line.length()
        && line.charAt(i) == '-'
        && (i + 1 == line.length() || line.charAt(i + 1) == ' ')) {
      return stripComment(line.substring(i + 1)).strip();
    }
    return null;
  }

  private static String scalar(String s, long offset) {
    if (s.isEmpty()) {
      throw fail(offset, "'license' has an empty item");
    }
    char c = s.charAt(0);
    if (c == '\'') {
      if (s.length() < 2 || !s.endsWith("'")) {
        throw fail(offset, "unterminated quoted 'license'");
      }
      String inner = s.substring(1, s.length() - 1);
      if (inner.replace("''", "").contains("'")) {
        throw fail(offset, "bad quoting in 'license'");
      }
      return inner.replace("''", "'");
    }
    if (c == '"') {
      if (s.length() < 2 || !s.endsWith("\"")) {
        throw fail(offset, "unterminated quoted 'license'");
      }
      StringBuilder b = new StringBuilder();
      String inner = s.substring(1, s.length() - 1);
      for (int i = 0; i < inner.length(); i++) {
        char x = inner.charAt(i);
        if (x == '"') {
          throw fail(offset, "bad quoting in 'license'");
        }
        if (x == '\\') {
          if (i + 1 >= inner.length()
              || (inner.charAt(i + 1) != '"' && inner.charAt(i + 1) != '\\')) {
            throw fail(offset, "an escape in 'license' this reader does not take");
          }
          x = inner.charAt(++i);
        }
        b.append(x);
      }
      return b.toString();
    }
    if ("&*!|>{[@`%".indexOf(c) >= 0 || s.contains(": ") || s.contains("\t")) {
      throw fail(offset, "'license' is a YAML value this reader does not take");
    }
    return s;
  }

  private static String stripComment(String s) {
    // In plain YAML a comment starts at " #"; inside quotes it would be text, so quoted values keep
    // it.
    String t = s.strip();
    if (t.startsWith("'") || t.startsWith("\"")) {
      return t;
    }
    int hash = s.indexOf(" #");
    return hash < 0 ? s : s.substring(0, hash);
  }

  private static boolean isLine(ByteBuffer b, int start, int end, String text) {
    int e = end;
    if (e > start && b.get(e - 1) == '\r') {
      e--;
    }
    while (e > start && b.get(e - 1) == ' ') { // trailing spaces after a marker are allowed
      e--;
    }
    if (e - start != text.length()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (b.get(start + i) != text.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The index of the {@code \n} ending the line at {@code start}, or -1 if none before {@code
   * limit}.
   */
  private static int lineEnd(ByteBuffer b, int start, int limit) {
    for (int i = start; i < limit; i++) {
      if (b.get(i) == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static int next(ByteBuffer b, int lineEnd) {
    return lineEnd + 1;
  }

  private static FormatException fail(long offset, String message) {
    return new FormatException(Reason.LICENSE_UNKNOWN, offset, message);
  }
}
