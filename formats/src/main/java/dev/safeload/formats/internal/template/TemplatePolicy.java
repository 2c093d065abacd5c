package dev.safeload.formats.internal.template;

import static dev.safeload.formats.internal.template.Allowlists.*;

import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.template.Node.*;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Judges a parsed template against the allowlist. Sound means: an accepted template makes no
 * renderer, sandboxed or not, look up a member whose name the template chose and the allowlist does
 * not admit, or call anything but allowlisted callables. Three passes:
 *
 * <ol>
 *   <li><b>Collect</b> every binding of every name ({@code set}, {@code for}, macro parameters and
 *       their call sites), every value the template stores under an attribute name (namespace
 *       keywords, {@code set ns.a}, dict literal keys), and for each variable read whether it is
 *       definitely bound by the template at that point (otherwise the renderer's context supplies
 *       it).
 *   <li><b>Solve</b> two greatest fixpoints over names: "never a string" (K-num) and "never a
 *       template-chosen string" (data). Work is counted and capped per node.
 *   <li><b>Judge</b> the tree in source order; the first violation is reported. Rules, in the order
 *       each node is checked:
 *       <ul>
 *         <li>Statements: {@code for … recursive} is refused; targets, macro names and parameters
 *             may not rebind {@code range}, {@code namespace}, {@code raise_exception}, {@code
 *             strftime_now}, {@code loop}, a gadget or a macro, and a macro is defined once; {@code
 *             break} and {@code continue} only inside a loop; {@code set ns.a} defines a member
 *             (below).
 *         <li>Names: a free name starting with {@code _}, a gadget ({@code lipsum}, {@code cycler},
 *             {@code joiner}, {@code dict}, {@code self}, {@code caller}, …) and {@code loop} other
 *             than {@code loop.<attr>} inside a for loop are refused; callables ({@code namespace},
 *             {@code range}, {@code raise_exception}, {@code strftime_now}, macros) only as callees
 *             or under {@code is defined}.
 *         <li>Members ({@code .n}, {@code ['n']}, filter attribute paths): not starting with {@code
 *             _}, not reserved (Python frames/code/generators, {@code mro}, Java and JS
 *             reflection), no {@code format}/{@code format_map}, no method read as a value (except
 *             JSON-Schema fields such as {@code items} and {@code title}); {@code loop.n} from the
 *             loop list. Defining a member ({@code namespace(n=…)}, {@code set ns.n}) also refuses
 *             method names.
 *         <li>Calls: the callee is an allowed global, a macro, or {@code E.m(…)} with {@code m}
 *             from the method table and its argument count, no keywords; {@code .format} only on a
 *             string literal with {@code {}}/{@code {N}} fields; no {@code *args}/{@code **kwargs};
 *             no positional argument to {@code namespace}; {@code loop(…)}, {@code loop.cycle(…)}
 *             refused.
 *         <li>Filters and tests from their allowlists with the arguments each admits; attribute
 *             paths and filter/test names given as arguments are string literals that pass the
 *             member rules.
 *         <li>Operators: no {@code **}; {@code %} with a string-literal format (and the {@code
 *             format} filter) only with plain {@code %s %d %i %r %%} conversions.
 *         <li>Subscripts {@code E[k]}: literal numbers, slices, tuples and literal member names are
 *             direct; any other key must never be a string (K-num: numbers, loop counters,
 *             arithmetic, names and namespace members only ever bound to such), or a harmless
 *             string (an allowed member-name literal, {@code strftime_now} of a plain date format),
 *             or a key the enclosing condition proves present in a mapping ({@code k in E and E is
 *             mapping}, {@code k in E.keys()}) with neither changed since, or never a
 *             template-chosen string with {@code E[k]} used only as a leaf (K-leaf: printed,
 *             tested, compared, converted by a leaf filter, passed to raise_exception). Jinja falls
 *             back from {@code o[k]} to {@code getattr(o, k)} only for str keys, so this cuts the
 *             computed-name sink without tracking how strings are built.
 *       </ul>
 * </ol>
 *
 * <p>Soundness notes. The analyses are flow-insensitive over all bindings of a name (a name is
 * numeric or data only if every binding is), except that a read not definitely preceded by a
 * binding in an enclosing block may be the renderer's context value: numeric only if bound, and not
 * data if it is a special-token name ({@code *_token}). Values stored under member names (namespace
 * keywords, {@code set x.a}, dict literal keys, dict literals with computed keys for every name)
 * are bindings of those member names; namespace members are kept apart from other members unless a
 * namespace can reach another name. Any {@code append}/{@code update} of a value that is not data
 * disables K-leaf for the whole template. Whole allowed-name literals count as data only where they
 * are not transformed (split, stripped, sliced, case-mapped, joined, mapped, concatenated), since
 * transformations can spell a reserved name from allowed ones.
 */
final class TemplatePolicy {

  /** How an expression's value is used by its parent. */
  private enum Use {
    /** Printed, tested, compared or converted: nothing is looked up on it or called. */
    LEAF,
    /** Anything else: member access, iteration, storage, macro argument. */
    VALUE
  }

  private enum BKind {
    VALUE,
    ELEMENT,
    NESTED,
    STRING,
    PARAM
  }

  /**
   * One binding of a name, or of a member name: under {@code "ns." + attr} for values stored in
   * namespaces (keywords of namespace(), {@code set N.attr} where N only ever holds namespaces),
   * under {@code "." + attr} for other template-stored members (dict literal keys), under {@code
   * "*"} for dict literals with computed keys.
   */
  private record Binding(
      BKind kind, @Nullable Expr expr, @Nullable String macro, int index, String param) {
    static Binding of(BKind kind, @Nullable Expr expr) {
      return new Binding(kind, expr, null, -1, "");
    }
  }

  /** A lexical scope of definitely bound names. */
  private static final class Scope {
    final Set<String> names = new HashSet<>();
    final @Nullable Scope parent;

    Scope(@Nullable Scope parent) {
      this.parent = parent;
    }

    boolean has(String n) {
      for (Scope s = this; s != null; s = s.parent) {
        if (s.names.contains(n)) {
          return true;
        }
      }
      return false;
    }
  }

  private static final String WILDCARD = "*";

  private final long maxWork;
  private final ConstantSize constants = new ConstantSize();
  private long work;
  private final Map<String, List<Binding>> bindings = new HashMap<>();
  private final Map<Name, Boolean> bound = new IdentityHashMap<>();
  private final Map<String, Macro> macros = new HashMap<>();
  private final Map<String, Integer> macroCount = new HashMap<>();
  private final Map<String, List<Call>> calls = new HashMap<>();
  private final List<Expr> appended = new ArrayList<>();
  private final Set<String> notNonStr = new HashSet<>();
  private final Set<String> notData = new HashSet<>();
  private final Set<String> notSafe = new HashSet<>();

  /** {@code set N.a = v} bindings, filed once the names holding namespaces are known. */
  private final List<Object[]> nsRefBindings = new ArrayList<>();

  /** namespace(...) calls that are the whole value of {@code set N = …}, by call. */
  private final Map<Call, String> directNamespaces = new IdentityHashMap<>();

  private final List<Call> namespaceCalls = new ArrayList<>();

  /** Names read as plain values (not as the object of a member access or a defined test). */
  private final Set<String> valueReads = new HashSet<>();

  /** A namespace may be reachable other than through a name bound only to namespaces. */
  private boolean namespacesEscape;

  private boolean polluted;
  private int loops;

  /** Subscripts known to hit an existing key of a mapping (see {@link #guardsFrom}). */
  private List<Guard> guards = new ArrayList<>();

  /**
   * {@code map[key]} is an item lookup that cannot fall back to getattr: {@code key in map}, a
   * mapping.
   */
  private record Guard(Expr map, Expr key) {}

  /**
   * What a statement may change: names it binds, namespace members it sets, calls that may mutate.
   */
  private static final class Effects {
    final Set<String> names = new HashSet<>();
    final Set<String> attrs = new HashSet<>();
    boolean calls;
  }

  private TemplatePolicy(long maxWork) {
    this.maxWork = maxWork;
  }

  /** Judges {@code body}; returns the analysis work spent. */
  static long check(List<Stmt> body, int nodes, TemplateLimits limits) {
    TemplatePolicy p = new TemplatePolicy((long) limits.workPerNode() * Math.max(nodes, 16));
    p.collect(body, new Scope(null));
    p.solve();
    p.judgeBody(body);
    return p.work;
  }

  // ================================================================== pass 1: collect

  private void addBinding(String name, Binding b) {
    bindings.computeIfAbsent(name, k -> new ArrayList<>()).add(b);
  }

  private void collect(List<Stmt> body, Scope s) {
    for (Stmt st : body) {
      if (st instanceof Output o) {
        cx(o.value(), s);
      } else if (st instanceof If i) {
        // if creates no scope in Jinja: a name bound in every branch (else included) is bound after
        // it
        Set<String> inAll = null;
        for (int k = 0; k < i.tests().size(); k++) {
          cx(i.tests().get(k), s);
          Scope branch = new Scope(s);
          collect(i.bodies().get(k), branch);
          inAll = intersect(inAll, branch.names);
        }
        Scope otherwise = new Scope(s);
        collect(i.orElse(), otherwise);
        if (!i.orElse().isEmpty()) {
          s.names.addAll(intersect(inAll, otherwise.names));
        }
      } else if (st instanceof For f) {
        cx(f.iter(), s);
        Scope inner = new Scope(s);
        bindFor(f.target(), f.iter(), inner, true);
        inner.names.add("loop");
        cx(f.cond(), inner);
        collect(f.body(), inner);
        collect(f.orElse(), new Scope(s));
      } else if (st instanceof Assign a) {
        if (a.target() instanceof Name n
            && a.value() instanceof Call c
            && c.callee() instanceof Name f
            && f.name().equals("namespace")) {
          directNamespaces.put(c, n.name());
        }
        cx(a.value(), s);
        bindAssign(a.target(), a.value(), s);
      } else if (st instanceof AssignBlock b) {
        cx(b.filter(), s);
        collect(b.body(), new Scope(s));
        bindString(b.target(), s);
      } else if (st instanceof Macro m) {
        macros.put(m.name(), m);
        macroCount.merge(m.name(), 1, Integer::sum);
        for (Expr d : m.defaults()) {
          cx(d, s);
        }
        Scope inner = new Scope(s);
        for (int k = 0; k < m.params().size(); k++) {
          addBinding(
              m.params().get(k), new Binding(BKind.PARAM, null, m.name(), k, m.params().get(k)));
          inner.names.add(m.params().get(k));
        }
        s.names.add(m.name());
        collect(m.body(), inner);
      } else if (st instanceof FilterBlock fb) {
        cx(fb.filter(), s);
        collect(fb.body(), new Scope(s));
      } else if (st instanceof Generation g) {
        collect(g.body(), new Scope(s));
      }
    }
  }

  private static Set<String> intersect(@Nullable Set<String> a, Set<String> b) {
    if (a == null) {
      return new HashSet<>(b);
    }
    a.retainAll(b);
    return a;
  }

  private void bindFor(Expr target, Expr iter, Scope s, boolean top) {
    bindAs(target, BKind.ELEMENT, iter, s);
  }

  private void bindAssign(Expr target, Expr value, Scope s) {
    if (target instanceof TupleLit t) {
      List<Expr> items =
          value instanceof TupleLit v ? v.items() : value instanceof ListLit l ? l.items() : null;
      for (int k = 0; k < t.items().size(); k++) {
        if (items != null && items.size() == t.items().size()) {
          bindAssign(t.items().get(k), items.get(k), s);
        } else {
          bindAs(t.items().get(k), BKind.ELEMENT, value, s);
        }
      }
    } else {
      bindAs(target, BKind.VALUE, value, s);
    }
  }

  /** Binds every name in {@code target}; inner tuple levels bind elements of elements. */
  private void bindAs(Expr target, BKind kind, @Nullable Expr value, Scope s) {
    if (target instanceof Name n) {
      addBinding(n.name(), Binding.of(kind, value));
      s.names.add(n.name());
    } else if (target instanceof NsRef r) {
      nsRefBindings.add(new Object[] {r, Binding.of(kind, value)});
    } else if (target instanceof TupleLit t) {
      for (Expr e : t.items()) {
        bindAs(e, kind == BKind.STRING ? BKind.STRING : BKind.NESTED, value, s);
      }
    }
  }

  private void bindString(Expr target, Scope s) {
    bindAs(target, BKind.STRING, null, s);
  }

  /** Collects from an expression: read sites, stored attribute values, macro calls, appends. */
  private void cx(@Nullable Expr e, Scope s) {
    if (e == null) {
      return;
    }
    if (e instanceof Name n) {
      bound.put(n, s.has(n.name()));
      valueReads.add(n.name());
      return;
    }
    if ((e instanceof Getattr g && g.obj() instanceof Name)
        || (e instanceof Test t
            && t.obj() instanceof Name
            && (t.name().equals("defined") || t.name().equals("undefined")))) {
      // The object of a member access or a defined test is not a plain read: it does not let a
      // namespace escape into other names.
      Name n = (Name) (e instanceof Getattr g2 ? g2.obj() : ((Test) e).obj());
      bound.put(n, s.has(n.name()));
      for (Expr child : children(e)) {
        if (child != n) {
          cx(child, s);
        }
      }
      return;
    }
    if (e instanceof DictLit d) {
      for (int k = 0; k < d.keys().size(); k++) {
        String key = d.keys().get(k) instanceof Str str ? "." + str.value() : WILDCARD;
        addBinding(key, Binding.of(BKind.VALUE, d.values().get(k)));
      }
    } else if (e instanceof Call c) {
      if (c.callee() instanceof Name n) {
        calls.computeIfAbsent(n.name(), k -> new ArrayList<>()).add(c);
        if (n.name().equals("namespace")) {
          namespaceCalls.add(c);
          for (Kw kw : c.kwargs()) {
            addBinding("ns." + kw.name(), Binding.of(BKind.VALUE, kw.value()));
          }
        } else if (n.name().equals("dict")) {
          for (Kw kw : c.kwargs()) {
            addBinding(
                "." + kw.name(), Binding.of(BKind.VALUE, kw.value())); // like a dict literal's keys
          }
        }
      } else if (c.callee() instanceof Getattr g
          && (g.name().equals("append") || g.name().equals("update"))
          && !c.args().isEmpty()) {
        appended.add(
            c.args().get(0)); // mutators: what they insert may end up anywhere data is read
      }
    }
    for (Expr child : children(e)) {
      if (e instanceof Call c && child == c.callee() && child instanceof Name n) {
        bound.put(n, s.has(n.name())); // a callee is not a plain read
      } else {
        cx(child, s);
      }
    }
  }

  /** The direct sub-expressions of {@code e}. */
  static List<Expr> children(Expr e) {
    List<Expr> out = new ArrayList<>();
    if (e instanceof ListLit l) {
      out.addAll(l.items());
    } else if (e instanceof TupleLit t) {
      out.addAll(t.items());
    } else if (e instanceof DictLit d) {
      for (int k = 0; k < d.keys().size(); k++) {
        out.add(d.keys().get(k));
        out.add(d.values().get(k));
      }
    } else if (e instanceof Cond c) {
      out.add(c.then());
      out.add(c.test());
      addIf(out, c.orElse());
    } else if (e instanceof Bin b) {
      out.add(b.left());
      out.add(b.right());
    } else if (e instanceof Concat c) {
      out.addAll(c.items());
    } else if (e instanceof Not n) {
      out.add(n.value());
    } else if (e instanceof Neg n) {
      out.add(n.value());
    } else if (e instanceof Pos p) {
      out.add(p.value());
    } else if (e instanceof Compare c) {
      out.add(c.first());
      out.addAll(c.operands());
    } else if (e instanceof Getattr g) {
      out.add(g.obj());
    } else if (e instanceof Getitem g) {
      out.add(g.obj());
      out.add(g.key());
    } else if (e instanceof Slice s) {
      addIf(out, s.start());
      addIf(out, s.stop());
      addIf(out, s.step());
    } else if (e instanceof Call c) {
      out.add(c.callee());
      out.addAll(c.args());
      c.kwargs().forEach(k -> out.add(k.value()));
      addIf(out, c.dynArgs());
      addIf(out, c.dynKwargs());
    } else if (e instanceof Filter f) {
      addIf(out, f.obj());
      out.addAll(f.args());
      f.kwargs().forEach(k -> out.add(k.value()));
      addIf(out, f.dynArgs());
      addIf(out, f.dynKwargs());
    } else if (e instanceof Test t) {
      out.add(t.obj());
      out.addAll(t.args());
      t.kwargs().forEach(k -> out.add(k.value()));
      addIf(out, t.dynArgs());
      addIf(out, t.dynKwargs());
    }
    return out;
  }

  private static void addIf(List<Expr> out, @Nullable Expr e) {
    if (e != null) {
      out.add(e);
    }
  }

  // ================================================================== pass 2: solve

  /** Whether every binding of {@code name} is {@code namespace(...)}. */
  private boolean namespaceOnly(String name) {
    List<Binding> bs = bindings.get(name);
    if (bs == null) {
      return false;
    }
    for (Binding b : bs) {
      if (!(b.kind() == BKind.VALUE
          && b.expr() instanceof Call c
          && c.callee() instanceof Name f
          && f.name().equals("namespace"))) {
        return false;
      }
    }
    return true;
  }

  private void solve() {
    for (Call c : namespaceCalls) {
      String holder = directNamespaces.get(c);
      namespacesEscape |= holder == null || !namespaceOnly(holder);
    }
    for (String read : valueReads) {
      namespacesEscape |= namespaceOnly(read);
    }
    for (Object[] nb : nsRefBindings) {
      NsRef r = (NsRef) nb[0];
      boolean onNamespace = namespaceOnly(r.name());
      if (onNamespace || namespacesEscape) {
        // an aliased namespace (set b = ns; set b.k = …) is updated through a name not bound to it
        addBinding("ns." + r.attr(), (Binding) nb[1]);
      }
      if (!onNamespace) {
        addBinding("." + r.attr(), (Binding) nb[1]);
      }
    }
    // Greatest fixpoints by worklist: every key starts with all three properties and loses one when
    // a binding lacks it; only keys whose bindings read a key that lost a property are looked at
    // again.
    Map<String, Set<String>> dependents = new HashMap<>();
    for (Map.Entry<String, List<Binding>> en : bindings.entrySet()) {
      Set<String> refs = new HashSet<>();
      for (Binding b : en.getValue()) {
        if (b.kind() == BKind.PARAM) {
          Macro m = macros.get(b.macro());
          if (m != null) {
            m.defaults().forEach(d -> refs(d, refs));
          }
          for (Call c : calls.getOrDefault(b.macro(), List.of())) {
            c.args().forEach(a -> refs(a, refs));
            c.kwargs().forEach(k -> refs(k.value(), refs));
          }
        } else {
          refs(b.expr(), refs);
        }
      }
      for (String r : refs) {
        dependents.computeIfAbsent(r, k -> new HashSet<>()).add(en.getKey());
      }
    }
    java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>(bindings.keySet());
    Set<String> queued = new HashSet<>(bindings.keySet());
    while (!queue.isEmpty()) {
      String name = queue.poll();
      queued.remove(name);
      // Queued names are bound names: the keys of bindings and their dependents.
      List<Binding> bs = Objects.requireNonNull(bindings.get(name), name);
      boolean flipped = false;
      if (!notNonStr.contains(name) && !bs.stream().allMatch(this::bindingNonStr)) {
        flipped = notNonStr.add(name);
      }
      if (!notData.contains(name) && !bs.stream().allMatch(b -> bindingData(b, false))) {
        flipped |= notData.add(name);
      }
      if (!notSafe.contains(name) && !bs.stream().allMatch(b -> bindingData(b, true))) {
        flipped |= notSafe.add(name);
      }
      if (flipped) {
        for (String d : dependents.getOrDefault(name, Set.of())) {
          if (queued.add(d)) {
            queue.add(d);
          }
        }
      }
    }
    for (Expr a : appended) {
      if (!isData(a, false)) {
        // A template value pushed into a list may end up anywhere data is read: trust no data key.
        polluted = true;
      }
    }
  }

  /** The keys (names, member keys) whose properties the value of {@code e} depends on. */
  private void refs(@Nullable Expr e, Set<String> out) {
    if (e == null) {
      return;
    }
    step();
    if (e instanceof Name n) {
      out.add(n.name());
    } else if (e instanceof Getattr g) {
      memberRefs(g.name(), out);
    } else if (e instanceof Getitem g && g.key() instanceof Str k) {
      memberRefs(k.value(), out);
    }
    for (Expr c : children(e)) {
      refs(c, out);
    }
  }

  private static void memberRefs(String attr, Set<String> out) {
    out.add("ns." + attr);
    out.add("." + attr);
    out.add(WILDCARD);
  }

  private void step() {
    if (++work > maxWork) {
      throw new TemplateRejection(
          FormatReason.TEMPLATE_TOO_COMPLEX, "template analysis exceeds " + maxWork + " steps");
    }
  }

  private boolean bindingNonStr(Binding b) {
    return switch (b.kind()) {
      case VALUE -> isNonStr(b.expr());
      case ELEMENT -> elementsNonStr(b.expr());
      case NESTED, STRING -> false;
      case PARAM -> allArgs(b, true, false);
    };
  }

  private boolean bindingData(Binding b, boolean lenient) {
    return switch (b.kind()) {
      case VALUE, ELEMENT, NESTED -> isData(b.expr(), lenient);
      case STRING -> false;
      case PARAM -> allArgs(b, false, lenient);
    };
  }

  private boolean elementsNonStr(@Nullable Expr e) {
    step();
    if (e instanceof Call c && c.callee() instanceof Name n && n.name().equals("range")) {
      return true;
    }
    List<Expr> items =
        e instanceof ListLit l ? l.items() : e instanceof TupleLit t ? t.items() : null;
    if (items == null) {
      return false;
    }
    for (Expr i : items) {
      if (!isNonStr(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether every argument any call site passes to a macro parameter (or its default) has the
   * property.
   */
  private boolean allArgs(Binding b, boolean nonStr, boolean lenient) {
    Macro m = macros.get(b.macro());
    if (m == null) {
      return false;
    }
    int firstDefault = m.params().size() - m.defaults().size();
    if (b.index() >= firstDefault) {
      Expr d = m.defaults().get(b.index() - firstDefault);
      if (!(nonStr ? isNonStr(d) : isData(d, lenient))) {
        return false;
      }
    }
    for (Call c : calls.getOrDefault(b.macro(), List.of())) {
      Expr arg = b.index() < c.args().size() ? c.args().get(b.index()) : null;
      for (Kw kw : c.kwargs()) {
        if (kw.name().equals(b.param())) {
          arg = kw.value();
        }
      }
      if (arg != null && !(nonStr ? isNonStr(arg) : isData(arg, lenient))) {
        return false;
      }
    }
    return true; // an omitted argument without default is undefined, which is not a string
  }

  private boolean isBound(Name n) {
    return Boolean.TRUE.equals(bound.get(n));
  }

  /** Whether {@code n} holds a namespace wherever it is read. */
  private boolean isNamespaceName(Name n) {
    return isBound(n) && namespaceOnly(n.name());
  }

  /**
   * K-num: {@code e} is a number, boolean or none, never a str (so as a key it never falls back to
   * getattr). Python semantics: arithmetic and unary operators never return a str.
   */
  private boolean isNonStr(@Nullable Expr e) {
    step();
    if (e == null) {
      return false;
    }
    if (e instanceof Int
        || e instanceof Flt
        || e instanceof Bool
        || e instanceof NoneLit
        || e instanceof Compare
        || e instanceof Test
        || e instanceof Not
        || e instanceof Neg
        || e instanceof Pos) {
      // Python's unary operators, comparisons and tests never return a str (-'x' raises TypeError).
      return true;
    }
    if (e instanceof Bin b) {
      switch (b.op()) {
        case "or", "and", "*":
          return isNonStr(b.left()) && isNonStr(b.right());
        case "+":
          return isNonStr(b.left()) || isNonStr(b.right()); // str + number raises
        case "%":
          return isNonStr(b.left());
        default:
          return true; // - / // ** never yield a str
      }
    }
    if (e instanceof Cond c) {
      return isNonStr(c.then()) && (c.orElse() == null || isNonStr(c.orElse()));
    }
    if (e instanceof Name n) {
      return isBound(n) && bindings.containsKey(n.name()) && !notNonStr.contains(n.name());
    }
    if (e instanceof Getattr g) {
      if (g.obj() instanceof Name n && n.name().equals("loop")) {
        return LOOP_NON_STR.contains(g.name());
      }
      return g.obj() instanceof Name n
          && isNamespaceName(n)
          && !notNonStr.contains("ns." + g.name());
    }
    if (e instanceof Call c) {
      return (c.callee() instanceof Name n && n.name().equals("range"))
          || (c.callee() instanceof Getattr g && NON_STR_METHODS.contains(g.name()));
    }
    return e instanceof Filter f && NON_STR_FILTERS.contains(f.name());
  }

  /**
   * Special-token texts (bos_token, eos_token, any *_token) come from the publisher's tokenizer
   * files; the JSON handler refuses named special tokens outside this pattern.
   */
  static boolean isPublisherName(String n) {
    return n.endsWith("_token") || n.endsWith("_tokens");
  }

  /**
   * Whether every template-stored value a member read {@code obj.attr} can reach has the property.
   */
  private boolean memberData(Expr obj, String attr, boolean lenient) {
    Set<String> not = lenient ? notSafe : notData;
    if (obj instanceof Name n && n.name().equals("loop")) {
      return false;
    }
    if (obj instanceof Name n && isNamespaceName(n)) {
      return !not.contains("ns." + attr);
    }
    // Any str a template can put under a member name is recorded as that name's binding; what else
    // sits there is the object's own data, undefined, or one of the few bound methods that may be
    // read
    // as values (items, keys, values, count, index, title), none of which hands back a spelt name.
    return !not.contains("." + attr)
        && !not.contains(WILDCARD)
        && (!namespacesEscape || !not.contains("ns." + attr));
  }

  /**
   * Data: neither the value nor anything reachable in it by item access or iteration is a
   * template-chosen string. Numbers, values read from the application's data (context variables
   * other than special tokens, their members, elements and pieces) and containers of data; never
   * anything built from the template's string literals.
   *
   * <p>{@code lenient} also admits whole string literals that are allowed member names (and
   * containers of them): such a key is no worse than writing {@code E.name}. Lenient values must
   * not be transformed (split, stripped, sliced, reversed, case-mapped, joined): that could make a
   * reserved name from allowed ones, so transformations require the strict property of their input.
   */
  private boolean isData(@Nullable Expr e, boolean lenient) {
    if (polluted || e == null) {
      return false;
    }
    if (isNonStr(e)) {
      return true;
    }
    if (e instanceof Str s) {
      return lenient && TemplatePolicyRules.isAllowedMember(s.value());
    }
    if (e instanceof ListLit l) {
      return allData(l.items(), lenient);
    }
    if (e instanceof TupleLit t) {
      return allData(t.items(), lenient);
    }
    if (e instanceof DictLit d) {
      return allData(d.keys(), lenient) && allData(d.values(), lenient);
    }
    if (e instanceof Name n) {
      String s = n.name();
      if (!isBound(n)
          && (isPublisherName(s)
              || CALLABLE_GLOBALS.contains(s)
              || GADGETS.contains(s)
              || macros.containsKey(s)
              || s.equals("loop"))) {
        return false;
      }
      return bindings.containsKey(s)
          ? !(lenient ? notSafe : notData).contains(s)
          : !s.equals("loop");
    }
    if (e instanceof Getattr g) {
      return memberData(g.obj(), g.name(), lenient);
    }
    if (e instanceof Getitem g) {
      if (g.key() instanceof Str s) {
        return memberData(g.obj(), s.value(), lenient);
      }
      // a slice of a string is a transformation ('x__class__'[1:]); an element or character is not
      return isData(g.obj(), lenient && !(g.key() instanceof Slice));
    }
    if (e instanceof Call c) {
      if (c.callee() instanceof Getattr g) {
        if (g.name().equals("get")) {
          return isData(g.obj(), lenient)
              && (c.args().size() < 2 || isData(c.args().get(1), lenient));
        }
        if (SELECT_METHODS.contains(g.name())) {
          return isData(g.obj(), lenient);
        }
        return DATA_METHODS.contains(g.name()) && isData(g.obj(), false);
      }
      return c.callee() instanceof Name n && n.name().equals("range");
    }
    if (e instanceof Filter f) {
      if (f.obj() == null) {
        return false;
      }
      if (f.name().equals("default") || f.name().equals("d")) {
        return isData(f.obj(), lenient) && (f.args().isEmpty() || isData(f.args().get(0), lenient));
      }
      if (f.name().equals("join")) {
        return f.args().isEmpty() && f.kwargs().isEmpty() && isData(f.obj(), false);
      }
      if (f.name().equals("map") && f.kwargs().isEmpty()) {
        return isData(f.obj(), false); // map('lower') transforms each element
      }
      if (SELECT_FILTERS.contains(f.name())) {
        return isData(f.obj(), lenient);
      }
      return DATA_FILTERS.contains(f.name()) && isData(f.obj(), false);
    }
    if (e instanceof Cond c) {
      return isData(c.then(), lenient) && (c.orElse() == null || isData(c.orElse(), lenient));
    }
    if (e instanceof Bin b) {
      switch (b.op()) {
        case "or", "and":
          return isData(b.left(), lenient) && isData(b.right(), lenient);
        case "+":
          // With a list literal on one side the result is a list (str + list raises): elements stay
          // whole.
          return (b.left() instanceof ListLit || b.right() instanceof ListLit)
              && isData(b.left(), lenient)
              && isData(b.right(), lenient);
        case "*":
          return (b.left() instanceof ListLit && isNonStr(b.right()) && isData(b.left(), lenient))
              || (b.right() instanceof ListLit && isNonStr(b.left()) && isData(b.right(), lenient));
        default:
          return false;
      }
    }
    return false;
  }

  private boolean allData(List<Expr> es, boolean lenient) {
    for (Expr x : es) {
      if (!isData(x, lenient)) {
        return false;
      }
    }
    return true;
  }

  // ================================================================== pass 3: judge

  private static TemplateRejection reject(ReasonCode r, String message) {
    return new TemplateRejection(r, message);
  }

  private void judgeBody(List<Stmt> body) {
    for (Stmt st : body) {
      if (guards.isEmpty()) {
        judgeStmt(st);
        continue;
      }
      Effects fx = new Effects();
      boolean simple = st instanceof Assign || st instanceof Output;
      effects(st, fx);
      if (!simple || fx.calls) {
        dropGuards(fx); // a loop or branch may change the map or key before the subscript runs
      }
      judgeStmt(st);
      dropGuards(fx); // set x = map[key]: the value is computed before x changes
    }
  }

  /**
   * Guards from a condition that holds where they apply: conjuncts {@code key in map} with {@code
   * map is mapping}, {@code key in map.keys()}, or {@code key in S} where S is only ever {@code
   * map.keys()} (optionally {@code if map is mapping else []}) of a map that is never rebound. A
   * mapping's item lookup with a key it contains never reaches Jinja's getattr fallback.
   */
  private List<Guard> guardsFrom(Expr test) {
    List<Expr> conj = new ArrayList<>();
    conjuncts(test, conj);
    List<Expr> mappings = new ArrayList<>();
    for (Expr c : conj) {
      if (c instanceof Test t && !t.negated() && t.name().equals("mapping") && t.args().isEmpty()) {
        mappings.add(t.obj());
      }
    }
    List<Guard> out = new ArrayList<>();
    for (Expr c : conj) {
      if (!(c instanceof Compare cmp)
          || cmp.ops().size() != 1
          || !cmp.ops().get(0).equals("in")
          || !purePath(cmp.first())) {
        continue;
      }
      Expr x = cmp.operands().get(0);
      Expr map = mappings.contains(x) ? x : keysOf(x);
      if (map == null && x instanceof Name s && isBound(s)) {
        map = keysName(s.name());
      }
      if (map != null && purePath(map)) {
        out.add(new Guard(map, cmp.first()));
      }
    }
    return out;
  }

  private static void conjuncts(Expr e, List<Expr> out) {
    if (e instanceof Bin b && b.op().equals("and")) {
      conjuncts(b.left(), out);
      conjuncts(b.right(), out);
    } else {
      out.add(e);
    }
  }

  /** E for {@code E.keys()}, else null. */
  private static @Nullable Expr keysOf(Expr x) {
    if (x instanceof Call c
        && c.args().isEmpty()
        && c.kwargs().isEmpty()
        && c.callee() instanceof Getattr g
        && g.name().equals("keys")) {
      return g.obj();
    }
    return null;
  }

  /**
   * E when every binding of {@code s} is E.keys() (or that if E is a mapping, else []), E a
   * never-rebound name.
   */
  private @Nullable Expr keysName(String s) {
    Expr map = null;
    for (Binding b : bindings.getOrDefault(s, List.of())) {
      Expr v = b.kind() == BKind.VALUE ? b.expr() : null;
      Expr m = v == null ? null : keysOf(v);
      if (m == null
          && v instanceof Cond c
          && (c.orElse() == null || (c.orElse() instanceof ListLit l && l.items().isEmpty()))) {
        m = keysOf(c.then());
      }
      if (m == null || (map != null && !map.equals(m))) {
        return null;
      }
      map = m;
    }
    if (!(map instanceof Name n)) {
      return null;
    }
    for (Binding b : bindings.getOrDefault(n.name(), List.of())) {
      if (b.kind() != BKind.PARAM) {
        return null; // the map could be rebound after S was computed
      }
    }
    return map;
  }

  private static boolean purePath(Expr e) {
    if (e instanceof Name) {
      return true;
    }
    if (e instanceof Getattr g) {
      return purePath(g.obj());
    }
    return e instanceof Getitem g
        && (g.key() instanceof Str || g.key() instanceof Int)
        && purePath(g.obj());
  }

  private void effects(Stmt st, Effects fx) {
    step();
    if (st instanceof Output o) {
      effects(o.value(), fx);
    } else if (st instanceof If i) {
      i.tests().forEach(t -> effects(t, fx));
      i.bodies().forEach(b -> b.forEach(x -> effects(x, fx)));
      i.orElse().forEach(x -> effects(x, fx));
    } else if (st instanceof For f) {
      targetEffects(f.target(), fx);
      effects(f.iter(), fx);
      effects(f.cond(), fx);
      f.body().forEach(x -> effects(x, fx));
      f.orElse().forEach(x -> effects(x, fx));
    } else if (st instanceof Assign a) {
      targetEffects(a.target(), fx);
      effects(a.value(), fx);
    } else if (st instanceof AssignBlock b) {
      targetEffects(b.target(), fx);
      effects(b.filter(), fx);
      b.body().forEach(x -> effects(x, fx));
    } else if (st instanceof FilterBlock fb) {
      effects(fb.filter(), fx);
      fb.body().forEach(x -> effects(x, fx));
    } else if (st instanceof Generation g) {
      g.body().forEach(x -> effects(x, fx));
    } else if (st instanceof Macro m) {
      fx.names.add(m.name()); // a definition runs nothing
    }
  }

  private void targetEffects(Expr target, Effects fx) {
    if (target instanceof Name n) {
      fx.names.add(n.name());
    } else if (target instanceof NsRef r) {
      fx.attrs.add(r.attr());
    } else if (target instanceof TupleLit t) {
      t.items().forEach(x -> targetEffects(x, fx));
    }
  }

  private void effects(@Nullable Expr e, Effects fx) {
    if (e == null) {
      return;
    }
    step();
    if (e instanceof Call c
        && ((c.callee() instanceof Name n && macros.containsKey(n.name()))
            || (c.callee() instanceof Getattr g
                && (g.name().equals("append")
                    || g.name().equals("update")
                    || g.name().equals("pop"))))) {
      fx.calls = true; // a macro or mutator may change any mapping
    }
    for (Expr c : children(e)) {
      effects(c, fx);
    }
  }

  /** Drops the guards a statement's effects may invalidate. */
  private void dropGuards(Effects fx) {
    List<Guard> kept = new ArrayList<>();
    for (Guard g : guards) {
      step();
      Set<String> names = new HashSet<>();
      Set<String> attrs = new HashSet<>();
      pathNames(g.map(), names, attrs);
      pathNames(g.key(), names, attrs);
      boolean hit = fx.calls;
      for (String n : fx.names) {
        hit |= names.contains(n);
      }
      for (String a : fx.attrs) {
        hit |= attrs.contains(a);
      }
      if (!hit) {
        kept.add(g);
      }
    }
    guards = kept;
  }

  private static void pathNames(Expr e, Set<String> names, Set<String> attrs) {
    if (e instanceof Name n) {
      names.add(n.name());
    } else if (e instanceof Getattr g) {
      attrs.add(g.name());
      pathNames(g.obj(), names, attrs);
    } else if (e instanceof Getitem g) {
      if (g.key() instanceof Str s) {
        attrs.add(s.value());
      }
      pathNames(g.obj(), names, attrs);
    }
  }

  private void judgeStmt(Stmt st) {
    if (st instanceof Output o) {
      judge(o.value(), Use.LEAF);
    } else if (st instanceof If i) {
      List<Guard> outer = guards;
      for (int k = 0; k < i.tests().size(); k++) {
        judge(i.tests().get(k), Use.LEAF);
        guards = new ArrayList<>(outer);
        guards.addAll(guardsFrom(i.tests().get(k)));
        judgeBody(i.bodies().get(k));
        guards = outer;
      }
      judgeBody(i.orElse());
      guards = outer;
    } else if (st instanceof For f) {
      if (f.recursive()) {
        throw reject(
            FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED, "recursive for loops are not allowed");
      }
      checkTarget(f.target());
      judge(f.iter(), Use.VALUE);
      loops++;
      judge(f.cond(), Use.LEAF);
      judgeBody(f.body());
      loops--;
      judgeBody(f.orElse());
    } else if (st instanceof Assign a) {
      checkTarget(a.target());
      judge(a.value(), Use.VALUE);
    } else if (st instanceof AssignBlock b) {
      checkTarget(b.target());
      judge(b.filter(), Use.LEAF);
      judgeBody(b.body());
    } else if (st instanceof Macro m) {
      checkBindingName(m.name(), "macro");
      if (macroCount.getOrDefault(m.name(), 0) > 1 || bindings.containsKey(m.name())) {
        throw reject(
            FormatReason.TEMPLATE_NAME_NOT_ALLOWED,
            "macro " + m.name() + " is defined more than once or rebound");
      }
      for (String p : m.params()) {
        checkBindingName(p, "macro parameter");
      }
      judgeAll(m.defaults(), Use.VALUE);
      int saved = loops;
      List<Guard> outer = guards;
      loops = 0; // a macro body does not see the caller's loop
      guards = new ArrayList<>();
      judgeBody(m.body());
      loops = saved;
      guards = outer;
    } else if (st instanceof FilterBlock fb) {
      judge(fb.filter(), Use.LEAF);
      judgeBody(fb.body());
    } else if (st instanceof Break) {
      requireLoop("break");
    } else if (st instanceof Continue) {
      requireLoop("continue");
    } else if (st instanceof Generation g) {
      judgeBody(g.body());
    }
  }

  private void requireLoop(String what) {
    if (loops == 0) {
      throw reject(FormatReason.TEMPLATE_SYNTAX, what + " outside a for loop");
    }
  }

  private void checkTarget(Expr target) {
    if (target instanceof Name n) {
      checkBindingName(n.name(), "variable");
    } else if (target instanceof NsRef r) {
      checkFreeName(r.name(), true, "namespace");
      TemplatePolicyRules.defineMember(r.attr());
    } else if (target instanceof TupleLit t) {
      for (Expr e : t.items()) {
        checkTarget(e);
      }
    } else {
      throw reject(FormatReason.TEMPLATE_SYNTAX, "invalid assignment target");
    }
  }

  /**
   * A name a template binds may not shadow what renderers or the template itself provide as
   * callables.
   */
  private void checkBindingName(String n, String what) {
    if (CALLABLE_GLOBALS.contains(n) || GADGETS.contains(n) || n.equals("loop")) {
      throw reject(FormatReason.TEMPLATE_NAME_NOT_ALLOWED, "a " + what + " may not be named " + n);
    }
    if (!what.equals("macro") && macros.containsKey(n)) {
      throw reject(FormatReason.TEMPLATE_NAME_NOT_ALLOWED, "a " + what + " rebinds macro " + n);
    }
  }

  /** Rules for a variable read ({@code bound}: the template has bound it at this point). */
  private void checkFreeName(String s, boolean bound, String where) {
    if (s.startsWith("_") && !(bound && bindings.containsKey(s))) {
      throw reject(FormatReason.TEMPLATE_NAME_NOT_ALLOWED, "free name " + s + " starts with '_'");
    }
    if (GADGETS.contains(s)) {
      throw reject(
          FormatReason.TEMPLATE_NAME_NOT_ALLOWED,
          s + " is not allowed in a chat template (" + where + ")");
    }
    if (s.equals("loop") && (loops == 0 || !where.equals("loop"))) {
      throw reject(
          FormatReason.TEMPLATE_NAME_NOT_ALLOWED,
          loops == 0 ? "loop outside a for loop" : "loop may only be used as loop.<attribute>");
    }
  }

  private boolean isCallableName(String s) {
    return CALLABLE_GLOBALS.contains(s) || macros.containsKey(s);
  }

  private void judgeAll(List<Expr> es, Use use) {
    for (Expr e : es) {
      judge(e, use);
    }
  }

  private void judge(@Nullable Expr e, Use use) {
    if (e == null) {
      return;
    }
    constants.check(e);
    if (e instanceof Name n) {
      checkFreeName(n.name(), isBound(n), "value");
      if (isCallableName(n.name()) && !bindings.containsKey(n.name())) {
        throw reject(FormatReason.TEMPLATE_NAME_NOT_ALLOWED, n.name() + " may only be called");
      }
    } else if (e instanceof NsRef) {
      throw reject(FormatReason.TEMPLATE_SYNTAX, "namespace reference outside a set target");
    } else if (e instanceof ListLit l) {
      judgeAll(l.items(), use);
    } else if (e instanceof TupleLit t) {
      judgeAll(t.items(), use);
    } else if (e instanceof DictLit d) {
      for (int k = 0; k < d.keys().size(); k++) {
        Expr key = d.keys().get(k);
        if (key instanceof Str s) {
          // A key is only stored; reading it is judged where it is read. Method-named keys are
          // harmless
          // because no value that could be stored there is a callable handing back text.
          if (s.value().startsWith("_") || isReserved(s.value())) {
            TemplatePolicyRules.readMember(s.value());
          }
        } else {
          judge(key, Use.VALUE); // keys come back out through iteration and items()
        }
        judge(d.values().get(k), use);
      }
    } else if (e instanceof Cond c) {
      List<Guard> outer = guards;
      guards = new ArrayList<>(outer);
      guards.addAll(guardsFrom(c.test()));
      judge(c.then(), use);
      guards = outer;
      judge(c.test(), Use.LEAF);
      judge(c.orElse(), use);
    } else if (e instanceof Bin b) {
      judgeBin(b, use);
    } else if (e instanceof Concat c) {
      judgeAll(c.items(), Use.LEAF);
    } else if (e instanceof Not n) {
      judge(n.value(), Use.LEAF);
    } else if (e instanceof Neg n) {
      judge(n.value(), Use.LEAF);
    } else if (e instanceof Pos p) {
      judge(p.value(), Use.LEAF);
    } else if (e instanceof Compare c) {
      judge(c.first(), Use.LEAF);
      judgeAll(c.operands(), Use.LEAF);
    } else if (e instanceof Getattr g) {
      if (g.obj() instanceof Name n && n.name().equals("loop")) {
        checkFreeName("loop", true, "loop");
        if (!LOOP_ATTRS.contains(g.name())) {
          throw reject(
              FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED, "loop." + g.name() + " is not allowed");
        }
        return;
      }
      judge(g.obj(), Use.VALUE);
      TemplatePolicyRules.readMember(g.name());
    } else if (e instanceof Getitem g) {
      judgeGetitem(g, use);
    } else if (e instanceof Slice s) {
      judge(s.start(), Use.LEAF);
      judge(s.stop(), Use.LEAF);
      judge(s.step(), Use.LEAF);
    } else if (e instanceof Call c) {
      judgeCall(c);
    } else if (e instanceof Filter f) {
      judgeFilter(f, use);
    } else if (e instanceof Test t) {
      judgeTest(t);
    }
    // Str, Int, Flt, Bool, NoneLit: constants (integers are bounded by the lexer)
  }

  private void judgeBin(Bin b, Use use) {
    switch (b.op()) {
      case "**":
        throw reject(FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED, "the ** operator is not allowed");
      case "or":
      case "and":
        judge(b.left(), use);
        judge(b.right(), use);
        return;
      case "%":
        if (b.left() instanceof Str f ? !simplePrintf(f.value()) : !isNonStr(b.left())) {
          throw reject(
              FormatReason.TEMPLATE_FORMAT_STRING,
              "% formats with a string that is not a literal with only plain "
                  + "%s, %d, %i, %r and %% conversions (the left operand of a modulo must be a number)");
        }
        break;
      default:
        break;
    }
    judge(b.left(), Use.VALUE);
    judge(b.right(), Use.VALUE);
  }

  private void judgeGetitem(Getitem g, Use use) {
    judge(g.obj(), Use.VALUE);
    Expr k = g.key();
    if (k instanceof Int
        || k instanceof Flt
        || k instanceof Bool
        || k instanceof NoneLit
        || (k instanceof Neg n && (n.value() instanceof Int || n.value() instanceof Flt))) {
      return;
    }
    if (k instanceof Slice || k instanceof TupleLit) {
      judge(k, Use.LEAF); // slice and tuple keys never fall back to getattr
      return;
    }
    if (k instanceof Str s) {
      TemplatePolicyRules.readMember(s.value());
      return;
    }
    judge(k, Use.LEAF);
    if (isNonStr(k)
        || isHarmlessKey(k)
        || (use == Use.LEAF && isData(k, true))
        || guards.contains(new Guard(g.obj(), k))) {
      return;
    }
    throw reject(
        FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT,
        (use == Use.LEAF
                ? "subscript key may be a template-chosen string: "
                : "subscript with a computed key that may be a string, used beyond printing or testing: ")
            + Show.expr(g));
  }

  private void judgeCall(Call c) {
    if (c.dynArgs() != null || c.dynKwargs() != null) {
      throw reject(
          FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED, "*args and **kwargs are not allowed");
    }
    if (c.callee() instanceof Name n) {
      String s = n.name();
      checkFreeName(s, isBound(n), "call");
      if (s.equals("loop")) {
        throw reject(
            FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED,
            "loop(...) (recursive loops) is not allowed");
      }
      switch (s) {
        case "namespace" -> {
          if (!c.args().isEmpty()) {
            throw reject(
                FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED,
                "namespace() takes keyword arguments only");
          }
          for (Kw kw : c.kwargs()) {
            TemplatePolicyRules.defineMember(kw.name());
            judge(kw.value(), Use.VALUE);
          }
        }
        case "dict" -> {
          // a dict from keyword arguments is a dict literal; dict(x) copies a mapping
          if (c.args().size() > 1 || (!c.args().isEmpty() && !c.kwargs().isEmpty())) {
            throw reject(
                FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED,
                "dict() takes keyword arguments or one mapping");
          }
          judgeAll(c.args(), Use.VALUE);
          for (Kw kw : c.kwargs()) {
            if (kw.name().startsWith("_") || isReserved(kw.name())) {
              TemplatePolicyRules.readMember(kw.name());
            }
            judge(kw.value(), Use.VALUE);
          }
        }
        case "range" -> {
          if (c.args().isEmpty() || c.args().size() > 3 || !c.kwargs().isEmpty()) {
            throw reject(
                FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED,
                "range() takes 1 to 3 positional arguments");
          }
          judgeAll(c.args(), Use.LEAF);
        }
        case "raise_exception", "strftime_now" -> {
          judgeAll(c.args(), Use.LEAF);
          for (Kw kw : c.kwargs()) {
            judge(kw.value(), Use.LEAF);
          }
        }
        default -> {
          if (!macros.containsKey(s) || bindings.containsKey(s)) {
            throw reject(
                FormatReason.TEMPLATE_NAME_NOT_ALLOWED, s + " is not a callable the policy allows");
          }
          judgeAll(c.args(), Use.VALUE);
          for (Kw kw : c.kwargs()) {
            judge(kw.value(), Use.VALUE);
          }
        }
      }
    } else if (c.callee() instanceof Getattr g) {
      if (g.obj() instanceof Name n && n.name().equals("loop")) {
        throw reject(
            FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED,
            "loop." + g.name() + "(...) is not allowed");
      }
      judge(g.obj(), Use.VALUE); // the receiver first: checks follow source order
      String m = g.name();
      if (m.startsWith("_") || isReserved(m)) {
        TemplatePolicyRules.readMember(m);
      }
      if (m.equals("format")) {
        if (!(g.obj() instanceof Str s) || !simpleFormat(s.value()) || !c.kwargs().isEmpty()) {
          throw reject(
              FormatReason.TEMPLATE_FORMAT_STRING,
              ".format is allowed only on a string literal with {} or {N} fields and positional arguments");
        }
        judgeAll(c.args(), Use.LEAF);
        return;
      }
      if (m.equals("format_map")) {
        throw reject(FormatReason.TEMPLATE_FORMAT_STRING, "format_map is not allowed");
      }
      int[] arity = METHODS.get(m);
      if (arity == null) {
        throw reject(
            FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED, "method " + m + " is not allowed");
      }
      if (!c.kwargs().isEmpty() || c.args().size() < arity[0] || c.args().size() > arity[1]) {
        throw reject(
            FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED,
            "method " + m + " takes " + arity[0] + " to " + arity[1] + " positional arguments");
      }
      // what append, update and get store or hand back must be a value in its own right
      boolean stores = m.equals("append") || m.equals("update") || m.equals("get");
      judgeAll(c.args(), stores ? Use.VALUE : Use.LEAF);
    } else {
      throw reject(
          FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED,
          "only globals, macros and allowed methods may be called");
    }
  }

  /**
   * Whether {@code f} holds only strftime directives ({@code %} and a letter) and separators. A
   * loop, not {@code java.util.regex}: its matcher recurses once per repetition of a group, and a
   * literal of a few thousand spaces (literals reach 64 Ki characters) overflowed the stack.
   */
  private static boolean isDateFormat(String f) {
    for (int i = 0; i < f.length(); i++) {
      char c = f.charAt(i);
      if (c == '%' && i + 1 < f.length() && isAsciiLetter(f.charAt(i + 1))) {
        i++;
      } else if (" -:/.,T".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  /**
   * A key that is a string no renderer has a dangerous member for, whatever it is used for: an
   * allowed member-name literal, or {@code strftime_now} of a literal with only directives and
   * separators (dates, day and month names), or a choice among such keys.
   */
  private boolean isHarmlessKey(@Nullable Expr e) {
    step();
    if (e instanceof Str s) {
      return TemplatePolicyRules.isAllowedMember(s.value());
    }
    if (e instanceof Call c
        && c.callee() instanceof Name n
        && n.name().equals("strftime_now")
        && c.args().size() == 1
        && c.kwargs().isEmpty()
        && c.args().get(0) instanceof Str f) {
      return isDateFormat(f.value());
    }
    if (e instanceof Cond c) {
      return isHarmlessKey(c.then()) && (c.orElse() == null || isHarmlessKey(c.orElse()));
    }
    if (e instanceof Bin b && (b.op().equals("or") || b.op().equals("and"))) {
      return isHarmlessKey(b.left()) && isHarmlessKey(b.right());
    }
    return e instanceof Filter f
        && (f.name().equals("default") || f.name().equals("d"))
        && f.obj() != null
        && isHarmlessKey(f.obj())
        && (f.args().isEmpty() || isHarmlessKey(f.args().get(0)));
  }

  /** A format string with only {@code {}}/{@code {N}} fields and {@code {{ }}} escapes. */
  static boolean simpleFormat(String s) {
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '{') {
        if (i + 1 < n && s.charAt(i + 1) == '{') {
          i += 2;
          continue;
        }
        int j = i + 1;
        while (j < n && s.charAt(j) >= '0' && s.charAt(j) <= '9' && j - i < 4) {
          j++;
        }
        if (j >= n || s.charAt(j) != '}') {
          return false;
        }
        i = j + 1;
      } else if (c == '}') {
        if (i + 1 < n && s.charAt(i + 1) == '}') {
          i += 2;
          continue;
        }
        return false;
      } else {
        i++;
      }
    }
    return true;
  }

  /**
   * A printf-style format (the {@code %} operator, the {@code format} filter) with only {@code %s},
   * {@code %d}, {@code %i}, {@code %r} and {@code %%}: no mapping keys, no {@code %c} (which spells
   * characters), no width or precision (which can ask for gigabytes). Printf formatting never looks
   * up attributes, so such a format only converts its arguments.
   */
  static boolean simplePrintf(String s) {
    for (int i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 2)) {
      if (i + 1 >= s.length() || "sdir%".indexOf(s.charAt(i + 1)) < 0) {
        return false;
      }
    }
    return true;
  }

  private void judgeFilter(Filter f, Use use) {
    String name = f.name();
    if (name.equals("format")
        && (!(f.obj() instanceof Str fmt) || !simplePrintf(fmt.value()) || !f.kwargs().isEmpty())) {
      throw reject(
          FormatReason.TEMPLATE_FORMAT_STRING,
          "the format filter is allowed only on a string literal with plain %s, %d, %i, %r and %% conversions");
    }
    if (f.dynArgs() != null || f.dynKwargs() != null) {
      throw reject(
          FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED, "*args and **kwargs are not allowed");
    }
    Use objUse =
        name.equals("default") || name.equals("d")
            ? use
            : LEAF_FILTERS.contains(name) ? Use.LEAF : Use.VALUE;
    judge(f.obj(), objUse);
    FilterRules.check(f);
    // default values come back out as the filter's result: int/float/map(default=) are not leaves
    boolean returnsArgs = name.equals("int") || name.equals("float") || name.equals("map");
    Use argUse =
        name.equals("default") || name.equals("d") ? use : returnsArgs ? Use.VALUE : Use.LEAF;
    judgeAll(f.args(), argUse);
    for (Kw kw : f.kwargs()) {
      judge(kw.value(), returnsArgs ? Use.VALUE : Use.LEAF);
    }
  }

  private void judgeTest(Test t) {
    if (!TESTS.contains(t.name())) {
      throw reject(
          FormatReason.TEMPLATE_FILTER_NOT_ALLOWED, "test " + t.name() + " is not allowed");
    }
    if (t.dynArgs() != null
        || t.dynKwargs() != null
        || !t.kwargs().isEmpty()
        || t.args().size() > 1) {
      throw reject(
          FormatReason.TEMPLATE_FILTER_NOT_ALLOWED,
          "test " + t.name() + " takes at most one argument");
    }
    boolean definedTest = t.name().equals("defined") || t.name().equals("undefined");
    if (definedTest && t.obj() instanceof Name n && isCallableName(n.name())) {
      checkFreeName(n.name(), isBound(n), "test");
    } else {
      judge(t.obj(), Use.LEAF);
    }
    judgeAll(t.args(), Use.LEAF);
  }
}
