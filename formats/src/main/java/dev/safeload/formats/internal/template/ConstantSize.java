package dev.safeload.formats.internal.template;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.template.Node.*;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Bounds what Jinja computes while it compiles a template. Jinja's optimizer folds every expression
 * made only of literals ({@code 'a' * 300000000}, {@code 'x'|indent(100000000)}, {@code
 * [[1]]|tojson(indent=100000000)}) when the template is compiled, before anything is rendered and
 * whatever the sandbox: loading such a template takes gigabytes or minutes in every renderer that
 * compiles it (llama-cpp-python compiles every template of a model at load). The sandbox does not
 * look at string repetition at all.
 *
 * <p>So an expression without names (no variable, global or macro can take part) may produce at
 * most {@link #MAX_SIZE} characters or elements. The size is an upper bound computed from the
 * literals: lengths of strings and containers, and the magnitude of numbers, which count for
 * repetition, widths and indents. Values the application supplies at render time are not bounded
 * here: rendering budgets belong to the renderer (research note templates.md §0).
 */
final class ConstantSize {

  /** Largest constant result: four times the largest template the policy reads. */
  static final long MAX_SIZE = 1L << 20;

  /** Saturation value for sizes and magnitudes. */
  private static final long BIG = Long.MAX_VALUE / 4;

  /**
   * A constant's shape: {@code len} bounds its length in characters (strings) or elements and
   * characters (containers); {@code num} bounds the magnitude of any number in it.
   */
  private record Val(boolean number, boolean text, long len, double num, int depth) {
    static Val num(double n) {
      return new Val(true, false, 1, Math.abs(n), 0);
    }

    static Val str(long len) {
      return new Val(false, true, len, 0, 0);
    }

    static Val other(long len, double num, int depth) {
      return new Val(false, false, len, num, depth);
    }

    Val merge(Val o) {
      return new Val(
          number && o.number,
          text && o.text,
          Math.max(len, o.len),
          Math.max(num, o.num),
          Math.max(depth, o.depth));
    }

    /** Characters of its str(). */
    long strLen() {
      if (number) {
        return num >= 1e15 ? 400 : 24; // the repr of a float never exceeds a few hundred chars
      }
      if (text) {
        return len;
      }
      return sat(mul(len, 10), 32); // a container's repr: quotes, separators, escapes
    }

    /** A count or width taken from this value: its magnitude if a number, else its length. */
    double count() {
      return number ? num : len;
    }
  }

  private final Map<Expr, @Nullable Val> memo = new IdentityHashMap<>();

  /**
   * Refuses {@code e} if it is constant and may fold to more than {@link #MAX_SIZE}.
   *
   * @throws TemplateRejection {@code TEMPLATE_TOO_COMPLEX}
   */
  void check(Expr e) {
    if (leaf(e)) {
      return; // a literal's size is bounded by the lexer; a name is not constant
    }
    Val v = val(e);
    if (v != null && v.len > MAX_SIZE) {
      throw new TemplateRejection(
          FormatReason.TEMPLATE_TOO_COMPLEX,
          "a constant expression may fold to more than "
              + MAX_SIZE
              + " characters when Jinja compiles the template: "
              + Show.expr(e));
    }
  }

  private static boolean leaf(Expr e) {
    return e instanceof Name
        || e instanceof Str
        || e instanceof Int
        || e instanceof Bool
        || e instanceof NoneLit
        || e instanceof Flt;
  }

  private @Nullable Val val(@Nullable Expr e) {
    if (e == null || e instanceof Name || e instanceof NsRef) {
      return null;
    }
    if (leaf(e)) {
      return compute(e); // cheaper than the memo
    }
    if (memo.containsKey(e)) {
      return memo.get(e);
    }
    Val v = compute(e);
    memo.put(e, v);
    return v;
  }

  /** The value of a constant expression, or null if a name takes part. */
  private @Nullable Val compute(Expr e) {
    if (e instanceof Str s) {
      return Val.str(s.value().length());
    }
    if (e instanceof Int i) {
      return Val.num(i.value());
    }
    if (e instanceof Flt f) {
      return Val.num(Double.isFinite(f.value()) ? f.value() : BIG);
    }
    if (e instanceof Bool || e instanceof NoneLit) {
      return Val.num(1);
    }
    if (e instanceof ListLit l) {
      return container(l.items());
    }
    if (e instanceof TupleLit t) {
      return container(t.items());
    }
    if (e instanceof DictLit d) {
      Val k = container(d.keys());
      Val v = container(d.values());
      return k == null || v == null
          ? null
          : Val.other(sat(k.len, v.len), Math.max(k.num, v.num), Math.max(k.depth, v.depth));
    }
    if (e instanceof Not || e instanceof Compare || e instanceof Test) {
      return allConstant(e) ? Val.num(1) : null;
    }
    if (e instanceof Neg n) {
      return numeric(val(n.value()));
    }
    if (e instanceof Pos p) {
      return numeric(val(p.value()));
    }
    if (e instanceof Cond c) {
      Val t = val(c.then());
      Val x = val(c.test());
      Val o = c.orElse() == null ? Val.num(1) : val(c.orElse());
      return t == null || x == null || o == null ? null : t.merge(o);
    }
    if (e instanceof Concat c) {
      long len = 0;
      for (Expr item : c.items()) {
        Val v = val(item);
        if (v == null) {
          return null;
        }
        len = sat(len, v.strLen());
      }
      return Val.str(len);
    }
    if (e instanceof Bin b) {
      return bin(b);
    }
    if (e instanceof Getattr g) {
      Val o = val(g.obj());
      return o == null ? null : Val.other(o.len, Math.max(o.num, o.len), o.depth);
    }
    if (e instanceof Getitem g) {
      Val o = val(g.obj());
      Val k = val(g.key());
      return o == null || k == null ? null : Val.other(o.len, Math.max(o.num, o.len), o.depth);
    }
    if (e instanceof Slice s) {
      return allConstant(e) ? Val.num(1) : null;
    }
    if (e instanceof Filter f) {
      return filter(f);
    }
    if (e instanceof Call c) {
      return method(c);
    }
    return null; // Name, NsRef: supplied at render time
  }

  private boolean allConstant(Expr e) {
    for (Expr c : TemplatePolicy.children(e)) {
      if (val(c) == null) {
        return false;
      }
    }
    return true;
  }

  private @Nullable Val container(List<Expr> items) {
    long len = items.size();
    double num = 0;
    int depth = 0;
    for (Expr i : items) {
      Val v = val(i);
      if (v == null) {
        return null;
      }
      len = sat(len, v.len);
      num = Math.max(num, v.num);
      depth = Math.max(depth, v.depth);
    }
    return Val.other(len, num, depth + 1);
  }

  private static @Nullable Val numeric(@Nullable Val v) {
    return v == null ? null : Val.num(v.number ? v.num : BIG);
  }

  private @Nullable Val bin(Bin b) {
    Val l = val(b.left());
    Val r = val(b.right());
    if (l == null || r == null) {
      return null;
    }
    switch (b.op()) {
      case "*":
        if (l.number && r.number) {
          return Val.num(l.num * r.num);
        }
        // a sequence repeated: its length times the other side's count (either may be the count)
        return Val.other(
            mulD(Math.max(l.len, r.len), Math.max(l.count(), r.count())),
            Math.max(l.num, r.num),
            Math.max(l.depth, r.depth));
      case "+":
        if (l.number && r.number) {
          return Val.num(l.num + r.num);
        }
        return new Val(
            false,
            l.text && r.text,
            sat(l.len, r.len),
            Math.max(l.num, r.num),
            Math.max(l.depth, r.depth));
      case "%":
        if (l.number) {
          return Val.num(Math.max(l.num, r.num));
        }
        return Val.str(sat(l.len, r.strLen()));
      case "or", "and":
        return l.merge(r);
      case "-":
        return Val.num(l.num + r.num);
      default: // / and // (** is refused by the policy): only a divisor below 1 grows a number
        return Val.num(b.right() instanceof Int i && i.value() != 0 ? l.num : BIG);
    }
  }

  private @Nullable Val filter(Filter f) {
    if (f.obj() == null || f.dynArgs() != null || f.dynKwargs() != null) {
      return null;
    }
    Val o = val(f.obj());
    if (o == null) {
      return null;
    }
    long args = 0;
    for (Expr a : f.args()) {
      Val v = val(a);
      if (v == null) {
        return null;
      }
      args = sat(args, v.strLen());
    }
    for (Kw k : f.kwargs()) {
      Val v = val(k.value());
      if (v == null) {
        return null;
      }
      args = sat(args, v.strLen());
    }
    long text = o.strLen();
    return switch (f.name()) {
      case "length", "count", "wordcount", "int", "float", "abs", "round" ->
          Val.num(o.number ? o.num : BIG);
      case "indent" -> Val.str(sat(text, mul(sat(text, 1), width(f, 0, "width", 4))));
      case "tojson" -> // escapes grow text 6-fold; each element gets a line indented per depth
          Val.str(
              sat(
                  sat(mul(text, 6), 2),
                  mul(o.len, sat(1, mul(o.depth, width(f, 0, "indent", 0))))));
      case "replace" ->
          Val.str(sat(text, mul(sat(text, 1), f.args().size() > 1 ? strLen(f.args().get(1)) : 0)));
      case "join" -> Val.str(sat(text, mul(o.len, args)));
      case "list",
          "items",
          "dictsort",
          "first",
          "last",
          "reverse",
          "sort",
          "unique",
          "select",
          "reject",
          "selectattr",
          "rejectattr",
          "map",
          "min",
          "max",
          "sum" ->
          Val.other(sat(o.len, args), Math.max(o.num, o.len), o.depth);
      case "default", "d" ->
          f.args().isEmpty() ? o : o.merge(Objects.requireNonNull(val(f.args().get(0))));
      default -> Val.str(sat(mul(text, 12), args)); // text filters: escaping grows at most 12-fold
    };
  }

  /** A width argument (positional {@code index} or keyword {@code name}) as a count. */
  private long width(Filter f, int index, String name, long dflt) {
    Expr w = f.args().size() > index ? f.args().get(index) : null;
    for (Kw k : f.kwargs()) {
      if (k.name().equals(name)) {
        w = k.value();
      }
    }
    if (w == null) {
      return dflt;
    }
    Val v = val(w);
    return v == null ? BIG : toLong(v.count());
  }

  private long strLen(Expr e) {
    Val v = val(e);
    return v == null ? BIG : v.strLen();
  }

  /** A method called on a constant: sizes like the filter of the same effect. */
  private @Nullable Val method(Call c) {
    if (!(c.callee() instanceof Getattr g) || c.dynArgs() != null || c.dynKwargs() != null) {
      return null;
    }
    Val o = val(g.obj());
    if (o == null) {
      return null;
    }
    long args = 0;
    for (Expr a : c.args()) {
      Val v = val(a);
      if (v == null) {
        return null;
      }
      args = sat(args, v.strLen());
    }
    long text = o.strLen();
    return switch (g.name()) {
      case "replace" ->
          Val.str(sat(text, mul(sat(text, 1), c.args().size() > 1 ? strLen(c.args().get(1)) : 0)));
      case "join" -> Val.str(sat(args, mul(args, text)));
      case "format" -> Val.str(sat(text, args));
      default -> Val.other(sat(mul(o.len, 3), args), Math.max(o.num, o.len), o.depth);
    };
  }

  private static long toLong(double d) {
    return d >= BIG || Double.isNaN(d) ? BIG : (long) Math.ceil(Math.abs(d));
  }

  private static long mulD(long a, double b) {
    return mul(a, toLong(b));
  }

  private static long mul(long a, long b) {
    if (a == 0 || b == 0) {
      return 0;
    }
    return a > BIG / b ? BIG : Math.min(BIG, a * b);
  }

  private static long sat(long a, long b) {
    return Math.min(BIG, a + b);
  }
}
