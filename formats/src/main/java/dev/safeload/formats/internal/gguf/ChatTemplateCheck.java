package dev.safeload.formats.internal.gguf;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Rejects Jinja chat templates that reach for Python internals, the way known sandbox escapes and the
 * CVE-2024-34359 SSTI do ({@code ''.__class__.__mro__}, {@code |attr('\x5f\x5f...')},
 * {@code lipsum.__globals__}, {@code cycler.__init__}, {@code '%c' % 95}, template loading).
 *
 * <p>This is a lexical check of the code inside {@code {{ }}} and {@code {% %}}; it cannot prove a
 * template harmless, so it rejects on any construct whose only use is building or reaching such names.
 * The real allowlist is {@link dev.safeload.formats.gguf.ChatTemplatePins}: a pinned template skips
 * this check.
 */
public final class ChatTemplateCheck {
  private ChatTemplateCheck() {}

  /** Identifiers that name template loading or objects used as gadgets in published escapes. */
  private static final Set<String> FORBIDDEN_NAMES = Set.of(
      "attr", "import", "include", "extends", "from", "self", "lipsum", "cycler", "joiner",
      "config", "request", "getattr", "setattr", "globals", "builtins", "mro", "subclasses",
      "format", "format_map", "func_globals", "gi_frame", "gi_code", "f_globals", "f_locals",
      "cr_frame", "ag_frame", "tb_frame", "eval", "exec", "os", "sys", "subprocess", "popen",
      "module", "modules", "loader", "environment", "_module");

  /** A short explanation of the first forbidden construct, or null if none was found. */
  public static @Nullable String check(String t) {
    int i = 0;
    int n = t.length();
    while (i < n) {
      int open = t.indexOf('{', i);
      if (open < 0 || open + 1 >= n) {
        return null;
      }
      char k = t.charAt(open + 1);
      if (k == '#') {
        int end = t.indexOf("#}", open + 2);
        if (end < 0) {
          return "unterminated comment";
        }
        i = end + 2;
      } else if (k == '{' || k == '%') {
        String close = k == '{' ? "}}" : "%}";
        int[] end = new int[1];
        String bad = checkCode(t, open + 2, close, end);
        if (bad != null) {
          return bad;
        }
        i = end[0];
      } else {
        i = open + 1;
      }
    }
    return null;
  }

  /** Scans one code region up to {@code close} (outside string literals); sets {@code end[0]} past it. */
  private static @Nullable String checkCode(String t, int from, String close, int[] end) {
    int i = from;
    int n = t.length();
    while (i < n) {
      char c = t.charAt(i);
      if (t.startsWith(close, i)) {
        end[0] = i + 2;
        return null;
      }
      if (c == '\'' || c == '"') {
        StringBuilder lit = new StringBuilder();
        int j = i + 1;
        while (j < n && t.charAt(j) != c) {
          char d = t.charAt(j);
          if (d == '\\') {
            if (j + 1 >= n) {
              return "unterminated string literal";
            }
            char e = t.charAt(j + 1);
            // Plain escapes only: hex, unicode, named and octal escapes spell names without spelling them.
            if ("ntr\\'\"".indexOf(e) < 0) {
              return "string escape \\" + e + " in template code";
            }
            lit.append('\\').append(e);
            j += 2;
            continue;
          }
          lit.append(d);
          j++;
        }
        if (j >= n) {
          return "unterminated string literal";
        }
        String s = lit.toString();
        if (s.contains("__")) {
          return "dunder name in a string literal: " + abbreviate(s);
        }
        if (s.startsWith("_") || s.endsWith("_")) {
          return "string literal starting or ending with '_' (building a dunder name): " + abbreviate(s);
        }
        if (s.contains("%c")) {
          return "'%c' formatting in template code";
        }
        i = j + 1;
        continue;
      }
      if (Character.isLetter(c) || c == '_') {
        int j = i;
        while (j < n && (Character.isLetterOrDigit(t.charAt(j)) || t.charAt(j) == '_')) {
          j++;
        }
        String id = t.substring(i, j);
        if (id.contains("__")) {
          return "dunder attribute access: " + id;
        }
        if (FORBIDDEN_NAMES.contains(id)) {
          return "forbidden name in template code: " + id;
        }
        i = j;
        continue;
      }
      i++;
    }
    return "unterminated " + (close.equals("}}") ? "expression" : "statement");
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
