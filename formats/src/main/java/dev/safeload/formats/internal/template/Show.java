package dev.safeload.formats.internal.template;

import dev.safeload.formats.internal.template.Node.*;

/** Short Jinja-like renderings of expressions for rejection messages. */
final class Show {
  private Show() {}

  private static final int MAX = 80;

  static String expr(Expr e) {
    StringBuilder b = new StringBuilder();
    append(b, e, 0);
    return b.length() > MAX ? b.substring(0, MAX) + "..." : b.toString();
  }

  private static void append(StringBuilder b, Expr e, int depth) {
    if (b.length() > MAX || depth > 8) {
      b.append("…");
      return;
    }
    if (e instanceof Name n) {
      b.append(n.name());
    } else if (e instanceof Str s) {
      b.append('\'')
          .append(s.value().length() > 20 ? s.value().substring(0, 20) + "…" : s.value())
          .append('\'');
    } else if (e instanceof Int i) {
      b.append(i.value());
    } else if (e instanceof Getattr g) {
      append(b, g.obj(), depth + 1);
      b.append('.').append(g.name());
    } else if (e instanceof Getitem g) {
      append(b, g.obj(), depth + 1);
      b.append('[');
      append(b, g.key(), depth + 1);
      b.append(']');
    } else if (e instanceof Call c) {
      append(b, c.callee(), depth + 1);
      b.append("(…)");
    } else if (e instanceof Filter f) {
      if (f.obj() != null) {
        append(b, f.obj(), depth + 1);
      }
      b.append('|').append(f.name());
    } else if (e instanceof Concat c) {
      for (int i = 0; i < c.items().size(); i++) {
        if (i > 0) {
          b.append(" ~ ");
        }
        append(b, c.items().get(i), depth + 1);
      }
    } else if (e instanceof Bin x) {
      append(b, x.left(), depth + 1);
      b.append(' ').append(x.op()).append(' ');
      append(b, x.right(), depth + 1);
    } else {
      b.append('<').append(e.getClass().getSimpleName()).append('>');
    }
  }
}
