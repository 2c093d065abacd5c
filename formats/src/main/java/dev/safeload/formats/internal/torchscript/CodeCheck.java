package dev.safeload.formats.internal.torchscript;

import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.torchscript.Ast.Assign;
import dev.safeload.formats.internal.torchscript.Ast.Attr;
import dev.safeload.formats.internal.torchscript.Ast.Attribute;
import dev.safeload.formats.internal.torchscript.Ast.Call;
import dev.safeload.formats.internal.torchscript.Ast.ClassDef;
import dev.safeload.formats.internal.torchscript.Ast.Def;
import dev.safeload.formats.internal.torchscript.Ast.DictX;
import dev.safeload.formats.internal.torchscript.Ast.Expr;
import dev.safeload.formats.internal.torchscript.Ast.ExprStmt;
import dev.safeload.formats.internal.torchscript.Ast.FileUnit;
import dev.safeload.formats.internal.torchscript.Ast.For;
import dev.safeload.formats.internal.torchscript.Ast.FuncDef;
import dev.safeload.formats.internal.torchscript.Ast.If;
import dev.safeload.formats.internal.torchscript.Ast.Index;
import dev.safeload.formats.internal.torchscript.Ast.Keyword;
import dev.safeload.formats.internal.torchscript.Ast.ListX;
import dev.safeload.formats.internal.torchscript.Ast.Literal;
import dev.safeload.formats.internal.torchscript.Ast.Name;
import dev.safeload.formats.internal.torchscript.Ast.Param;
import dev.safeload.formats.internal.torchscript.Ast.Paren;
import dev.safeload.formats.internal.torchscript.Ast.Return;
import dev.safeload.formats.internal.torchscript.Ast.Stmt;
import dev.safeload.formats.internal.torchscript.Ast.TupleX;
import dev.safeload.formats.internal.torchscript.Ast.TypeExpr;
import dev.safeload.formats.internal.torchscript.Ast.While;
import dev.safeload.formats.internal.torchscript.Ast.With;
import dev.safeload.formats.pytorch.TorchScriptProfile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Checks the parsed {@code code/} of one archive, every {@code def} whether reachable or not
 * (libtorch compiles lazily, and {@code data.pkl} decides what becomes live; {@code __setstate__}
 * runs during the load). Rules, in the order a call is resolved:
 *
 * <ol>
 *   <li>{@code torch.<op>} is {@code aten::<op>}, {@code ops.<ns>.<op>} is {@code <ns>::<op>}; the
 *       operator must be listed as compute in the profile ({@link
 *       FormatReason#TORCHSCRIPT_OP_DENIED} for a refusing tier, {@link
 *       FormatReason#TORCHSCRIPT_OP_UNKNOWN} when not listed or in another namespace). {@code
 *       torch.ops.*} and {@code ops.<ns>.<op>.<overload>} are non-canonical.
 *   <li>Builtins map to their operators ({@code print} is {@code prim::Print}, {@code len} is
 *       {@code aten::len}, ...); the special forms ({@code annotate}, {@code unchecked_cast},
 *       {@code isinstance}, {@code getattr} with a literal name, ...) are checked for their types.
 *   <li>{@code __torch__.<q>} must name a class or function a code file defines.
 *   <li>{@code (recv).m(...)} is a method call: {@code recv} must be a local known to hold an
 *       object of a code class (from {@code self}, a typed parameter, an attribute or {@code
 *       getattr} of such an object declared with a {@code __torch__} type, or {@code __new__}), and
 *       that class must define {@code m}. This closes tensor-method calls to operators that are not
 *       listed.
 *   <li>A call of a bare local is admitted only when every assignment of that local is the same
 *       code function.
 * </ol>
 *
 * Every type annotation must be a TorchScript value type or a code class. Work (nodes visited) is
 * counted for tests: it is linear in the code's size.
 */
public final class CodeCheck {

  /** A class as the archive reader needs it to check {@code data.pkl}. */
  public record ClassInfo(
      String qualifiedName,
      String base,
      Map<String, TypeView> attributes,
      boolean setState,
      Set<String> methods,
      Set<String> constants) {}

  /**
   * @param classes code classes by qualified name ({@code __torch__.a.b.Name})
   * @param operators every operator the code calls, as {@code ns::name}, sorted
   * @param work units of work done (tokens plus nodes visited)
   */
  public record Result(
      Map<String, ClassInfo> classes, Set<String> functions, Set<String> operators, long work) {}

  /** Thrown with the code file's archive path. */
  public static final class Rejection extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ReasonCode reason;
    private final String path;

    Rejection(ReasonCode reason, String path, String message) {
      super(message, null, false, false);
      this.reason = reason;
      this.path = path;
    }

    public ReasonCode reason() {
      return reason;
    }

    /** The code file, relative to the archive root. */
    public String path() {
      return path;
    }
  }

  private static final Set<String> VALUE_TYPES =
      Set.of(
          "Tensor",
          "int",
          "float",
          "bool",
          "str",
          "complex",
          "NoneType",
          "Any",
          "Device",
          "number",
          "Optional",
          "List",
          "Dict",
          "Tuple",
          "Final",
          "Union",
          "()");

  /** Builtins that are operators. */
  private static final Map<String, String> BUILTIN_OPS;

  /** Builtins that are syntax forms of the compiler, not operators. */
  private static final Set<String> FORMS =
      Set.of(
          "annotate",
          "unchecked_cast",
          "uninitialized",
          "isinstance",
          "getattr",
          "hasattr",
          "range",
          "zip",
          "enumerate",
          "list",
          "dict",
          "tuple");

  static {
    Map<String, String> m = new HashMap<>();
    m.put("int", "aten::Int");
    m.put("float", "aten::Float");
    m.put("bool", "aten::Bool");
    m.put("str", "aten::str");
    m.put("complex", "aten::Complex");
    for (String n :
        new String[] {
          "len", "hash", "ord", "chr", "bin", "hex", "oct", "round", "pow", "divmod", "sum", "all",
          "any", "sorted"
        }) {
      m.put(n, "aten::" + n);
    }
    for (String n : new String[] {"min", "max", "abs", "id"}) {
      m.put(n, "prim::" + n);
    }
    m.put("print", "prim::Print");
    m.put("fork", "prim::fork");
    m.put("wait", "aten::wait");
    BUILTIN_OPS = Collections.unmodifiableMap(m);
  }

  private final TorchScriptProfile profile;
  private final int constants;
  private final Map<String, ClassDef> classDefs = new LinkedHashMap<>();
  private final Map<String, ClassInfo> classes = new LinkedHashMap<>();
  private final Map<String, FuncDef> functions = new LinkedHashMap<>();
  private final Set<String> operators = new TreeSet<>();
  private long work;
  private String path = "";

  private CodeCheck(TorchScriptProfile profile, int constants) {
    this.profile = profile;
    this.constants = constants;
  }

  /**
   * Parses and checks the code files.
   *
   * @param files archive-relative path ({@code code/__torch__/a/b.py}) to text, paths already
   *     checked to be plain module paths
   * @param constants entries in {@code constants.pkl}
   * @throws Rejection at the first rule broken
   */
  public static Result check(
      Map<String, String> files, TorchScriptProfile profile, int constants, Limits limits) {
    CodeCheck c = new CodeCheck(profile, constants);
    Map<String, FileUnit> units = new LinkedHashMap<>();
    for (Map.Entry<String, String> f : files.entrySet()) {
      c.path = f.getKey();
      try {
        units.put(f.getKey(), Parser.parse(f.getValue(), limits));
      } catch (SourceError e) {
        throw c.reject(e);
      }
      c.work += f.getValue().length();
    }
    c.define(units);
    for (Map.Entry<String, FileUnit> u : units.entrySet()) {
      c.path = u.getKey();
      try {
        c.checkUnit(moduleOf(u.getKey()), u.getValue());
      } catch (SourceError e) {
        throw c.reject(e);
      }
    }
    return new Result(
        Collections.unmodifiableMap(c.classes),
        Collections.unmodifiableSet(c.functions.keySet()),
        Collections.unmodifiableSet(c.operators),
        c.work);
  }

  private Rejection reject(SourceError e) {
    return new Rejection(
        e.reason(), path, path + ":" + e.line() + ":" + e.column() + " " + e.getMessage());
  }

  /**
   * {@code code/__torch__.py} is {@code __torch__}; {@code code/__torch__/a/b.py} is {@code
   * __torch__.a.b}.
   */
  static String moduleOf(String path) {
    String p = path.substring("code/".length(), path.length() - ".py".length());
    return p.replace('/', '.');
  }

  // ------------------------------------------------------------------ definitions

  private void define(Map<String, FileUnit> units) {
    Set<String> modules = new HashSet<>();
    for (String p : units.keySet()) {
      modules.add(moduleOf(p));
    }
    for (Map.Entry<String, FileUnit> u : units.entrySet()) {
      path = u.getKey();
      String module = moduleOf(u.getKey());
      for (ClassDef cd : u.getValue().classes()) {
        String q = module + "." + cd.name();
        unique(q, modules, cd.line());
        classDefs.put(q, cd);
        Map<String, TypeView> attrs = new LinkedHashMap<>();
        for (Attribute a : cd.attributes()) {
          attrs.put(a.name(), TypeView.of(a.type()));
        }
        Set<String> methods = new HashSet<>();
        boolean setState = false;
        for (FuncDef f : cd.methods()) {
          methods.add(f.name());
          setState |= f.name().equals("__setstate__");
        }
        classes.put(
            q,
            new ClassInfo(
                q,
                cd.base(),
                Collections.unmodifiableMap(attrs),
                setState,
                Collections.unmodifiableSet(methods),
                Set.copyOf(cd.constants())));
      }
      for (FuncDef f : u.getValue().functions()) {
        String q = module + "." + f.name();
        unique(q, modules, f.line());
        functions.put(q, f);
      }
    }
  }

  /**
   * The qualified names of native custom classes. libtorch's importer asks the custom-class
   * registry before it reads code/ ({@code SourceImporterImpl::findNamedType}), so a code class
   * spelled {@code __torch__.torch.classes._nnapi.Compilation} is checked here as code while
   * libtorch runs the native class: its methods and its {@code __setstate__}.
   */
  private static final String NATIVE_CLASSES = "__torch__.torch.classes";

  private void unique(String q, Set<String> modules, int line) {
    if (q.equals(NATIVE_CLASSES) || q.startsWith(NATIVE_CLASSES + ".")) {
      throw new Rejection(
          FormatReason.TORCHSCRIPT_TYPE_NOT_ALLOWED,
          path,
          path
              + ":"
              + line
              + " '"
              + clip(q)
              + "' is defined in code/ under the native custom-class namespace"
              + " (libtorch resolves it to the native class, not to this code)");
    }
    if (classDefs.containsKey(q) || functions.containsKey(q) || modules.contains(q)) {
      throw new Rejection(
          FormatReason.TORCHSCRIPT_NAME_UNRESOLVED,
          path,
          path
              + ":"
              + line
              + " '"
              + q
              + "' is defined twice (or is also a module), so a reference to it has two meanings");
    }
  }

  private void checkUnit(String module, FileUnit unit) {
    for (ClassDef cd : unit.classes()) {
      String q = module + "." + cd.name();
      for (Attribute a : cd.attributes()) {
        checkType(a.type());
      }
      List<String> tensors = new ArrayList<>(cd.parameters());
      tensors.addAll(cd.buffers());
      // Every class of this unit was registered under its qualified name before the units are
      // checked.
      Map<String, TypeView> attrs = Objects.requireNonNull(classes.get(q)).attributes();
      for (String t : tensors) {
        TypeView type = attrs.get(t);
        if (type == null || !isParameterType(type)) {
          throw new SourceError(
              FormatReason.TORCHSCRIPT_STATE_MISMATCH,
              cd.line(),
              1,
              "class "
                  + cd.name()
                  + " lists '"
                  + t
                  + "' as a parameter or buffer but does not declare it a Tensor");
        }
      }
      for (FuncDef f : cd.methods()) {
        checkDef(f, q);
      }
    }
    for (FuncDef f : unit.functions()) {
      checkDef(f, "");
    }
  }

  /**
   * What libtorch's {@code ClassType::addAttribute} admits for a parameter or buffer that
   * torch.jit.script writes: a Tensor, an Optional[Tensor], or NoneType for one registered as None
   * ({@code Linear(bias=False)}, an {@code InstanceNorm2d} without affine weights). The state check
   * then holds the value to that type, so a NoneType slot holds None and nothing else. (libtorch
   * also takes a Union holding Tensor, which no torch.jit.save writes for a parameter.)
   */
  private static boolean isParameterType(TypeView t) {
    return t.name().equals("Tensor")
        || t.name().equals("NoneType") && t.args().isEmpty()
        || t.name().equals("Optional")
            && t.args().size() == 1
            && t.args().get(0).name().equals("Tensor");
  }

  private void checkType(TypeExpr t) {
    work++;
    if (t.name().startsWith("__torch__.")) {
      if (!classes.containsKey(t.name())) {
        throw new SourceError(
            FormatReason.TORCHSCRIPT_TYPE_NOT_ALLOWED,
            t.line(),
            t.column(),
            "type '"
                + clip(t.name())
                + "' is not a class of this archive's code (native custom classes such as torch.classes are refused)");
      }
    } else if (!VALUE_TYPES.contains(t.name())) {
      throw new SourceError(
          FormatReason.TORCHSCRIPT_TYPE_NOT_ALLOWED,
          t.line(),
          t.column(),
          "type '" + clip(t.name()) + "' is not an admitted TorchScript type");
    }
    for (TypeExpr a : t.args()) {
      checkType(a);
    }
  }

  private static String clip(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }

  // ------------------------------------------------------------------ functions

  /** Per-function facts gathered before the check: which locals hold code objects or functions. */
  private static final class Scope {
    final String enclosingClass;

    /** Local name to code class; "" when assignments disagree or are unknown. */
    final Map<String, String> objects = new HashMap<>();

    /** Local name to code function; "" when assignments disagree. */
    final Map<String, String> aliases = new HashMap<>();

    Scope(String enclosingClass) {
      this.enclosingClass = enclosingClass;
    }
  }

  private void checkDef(FuncDef f, String enclosingClass) {
    work++;
    currentClass = enclosingClass;
    Scope scope = new Scope(enclosingClass);
    for (Param p : f.params()) {
      // Every parameter is a binding, typed with a code class or not: libtorch lets a later
      // assignment in the same block rebind a Tensor parameter to an object, so the parameter must
      // take part in the agreement check of gather() (an untyped parameter is a Tensor).
      String cls = "";
      if (p.type() != null) {
        checkType(p.type());
        if (p.type().name().startsWith("__torch__.")) {
          cls = p.type().name();
        }
      }
      local(p.name(), f.line(), 1);
      bind(scope.objects, p.name(), cls);
      bind(scope.aliases, p.name(), "");
      if (p.defaultValue() != null) {
        expr(p.defaultValue(), scope);
      }
    }
    if (f.returns() != null) {
      checkType(f.returns());
    }
    gather(f.body(), scope);
    statements(f.body(), scope);
  }

  /** The names {@link #reference} resolves by their spelling: operators, code, constants. */
  private static final Set<String> ROOTS = Set.of("torch", "ops", "__torch__", "CONSTANTS");

  /**
   * A local may not take the name of a root: libtorch looks a name up in the function's locals
   * before its resolver, so after {@code __torch__ = t} the call {@code __torch__.resize_(...)} is
   * the tensor method aten::resize_, not the code function this check would resolve. The printer
   * renames such locals ({@code __torch__0}, {@code ops0}, {@code CONSTANTS0}).
   */
  private static void local(String name, int line, int column) {
    if (ROOTS.contains(name)) {
      throw new SourceError(
          FormatReason.TORCHSCRIPT_NONCANONICAL,
          line,
          column,
          "a local named '"
              + name
              + "' would hide the "
              + name
              + " namespace from libtorch (the printer renames it, as "
              + name
              + "0)");
    }
  }

  private static void bind(Map<String, String> m, String name, String value) {
    String old = m.putIfAbsent(name, value);
    if (old != null && !old.equals(value)) {
      m.put(name, "");
    }
  }

  /**
   * First pass: what each local is assigned (flow-insensitive; nested defs have their own scope).
   */
  private void gather(List<Stmt> body, Scope scope) {
    for (Stmt s : body) {
      work++;
      if (s instanceof Assign a) {
        if (a.targets().size() == 1 && a.targets().get(0) instanceof Name n) {
          String cls = objectClass(a.value(), scope);
          local(n.id(), n.line(), n.column());
          bind(scope.objects, n.id(), cls == null ? "" : cls);
          String fn = a.value() instanceof Attr at ? torchRef(at) : null;
          bind(scope.aliases, n.id(), fn != null && functions.containsKey(fn) ? fn : "");
        } else {
          for (Expr t : a.targets()) {
            unknown(t, scope);
          }
        }
      } else if (s instanceof If i) {
        gather(i.body(), scope);
        gather(i.orElse(), scope);
      } else if (s instanceof While w) {
        gather(w.body(), scope);
      } else if (s instanceof For fo) {
        for (Expr t : fo.targets()) {
          unknown(t, scope);
        }
        gather(fo.body(), scope);
      } else if (s instanceof With w) {
        gather(w.body(), scope);
      } else if (s instanceof Def d) {
        local(d.def().name(), d.def().line(), 1);
        bind(scope.objects, d.def().name(), "");
        bind(scope.aliases, d.def().name(), "");
      }
    }
  }

  /**
   * Marks every name a target binds as holding an unknown value. libtorch unpacks {@code for (a, b)
   * in ...} and {@code for (a) in ...} as it unpacks {@code for a, b in ...}: a name inside
   * parentheses or a tuple is bound just the same. The depth is the parser's.
   */
  private void unknown(Expr target, Scope scope) {
    work++;
    if (target instanceof Name n) {
      local(n.id(), n.line(), n.column());
      bind(scope.objects, n.id(), "");
      bind(scope.aliases, n.id(), "");
    } else if (target instanceof Paren p) {
      unknown(p.inner(), scope);
    } else if (target instanceof TupleX t) {
      for (Expr item : t.items()) {
        unknown(item, scope);
      }
    } else if (target instanceof ListX l) {
      for (Expr item : l.items()) {
        unknown(item, scope);
      }
    }
  }

  /**
   * The code class of the object an assignment's value yields, if known at once: an attribute (or
   * literal {@code getattr}) of an object declared with a code-class type, or {@code X.__new__(X)}.
   */
  private @Nullable String objectClass(Expr value, Scope scope) {
    String owner = null;
    String attr = null;
    if (value instanceof Attr a && a.value() instanceof Name n) {
      owner = scope.objects.get(n.id());
      attr = a.attr();
    } else if (value instanceof Call c
        && c.func() instanceof Name g
        && g.id().equals("getattr")
        && c.args().size() == 2
        && c.keywords().isEmpty()
        && c.args().get(0) instanceof Name n
        && c.args().get(1) instanceof Literal l
        && l.kind() == Literal.Kind.STRING) {
      owner = scope.objects.get(n.id());
      attr = l.text();
    } else if (value instanceof Call c
        && c.func() instanceof Attr a
        && a.attr().equals("__new__")
        && a.value() instanceof Attr cls) {
      String q = torchRef(cls);
      return q != null && classes.containsKey(q) ? q : null;
    }
    if (owner == null || owner.isEmpty()) {
      return null;
    }
    ClassInfo ownerClass = classes.get(owner);
    if (ownerClass == null) {
      return null;
    }
    TypeView t = ownerClass.attributes().get(attr);
    return t != null && classes.containsKey(t.name()) ? t.name() : null;
  }

  /** The dotted name of an attribute chain rooted at the name {@code __torch__}, else null. */
  private @Nullable String torchRef(Attr a) {
    List<String> parts = chain(a);
    return parts != null && parts.get(0).equals("__torch__") ? String.join(".", parts) : null;
  }

  /**
   * The names of an attribute chain rooted at a bare name ({@code a.b.c} gives [a, b, c]), else
   * null.
   */
  private @Nullable List<String> chain(Expr e) {
    ArrayList<String> parts = new ArrayList<>();
    while (e instanceof Attr a) {
      parts.add(a.attr());
      e = a.value();
      work++;
    }
    if (!(e instanceof Name n)) {
      return null;
    }
    parts.add(n.id());
    Collections.reverse(parts);
    return parts;
  }

  private void statements(List<Stmt> body, Scope scope) {
    for (Stmt s : body) {
      work++;
      if (s instanceof Assign a) {
        if (a.type() != null) {
          checkType(a.type());
        }
        for (Expr t : a.targets()) {
          if (!(t instanceof Name)) {
            expr(t, scope);
          }
        }
        expr(a.value(), scope);
      } else if (s instanceof ExprStmt e) {
        expr(e.expr(), scope);
      } else if (s instanceof If i) {
        expr(i.test(), scope);
        statements(i.body(), scope);
        statements(i.orElse(), scope);
      } else if (s instanceof While w) {
        expr(w.test(), scope);
        statements(w.body(), scope);
      } else if (s instanceof For fo) {
        expr(fo.iter(), scope);
        statements(fo.body(), scope);
      } else if (s instanceof With w) {
        expr(w.item(), scope);
        statements(w.body(), scope);
      } else if (s instanceof Return r) {
        if (r.value() != null) {
          expr(r.value(), scope);
        }
      } else if (s instanceof Def d) {
        checkDef(d.def(), scope.enclosingClass);
      }
    }
  }

  // ------------------------------------------------------------------ expressions

  private void expr(Expr e, Scope scope) {
    work++;
    if (e instanceof Name || e instanceof Literal) {
      return;
    }
    if (e instanceof Paren p) {
      expr(p.inner(), scope);
    } else if (e instanceof TupleX t) {
      exprs(t.items(), scope);
    } else if (e instanceof ListX l) {
      exprs(l.items(), scope);
    } else if (e instanceof DictX d) {
      exprs(d.keys(), scope);
      exprs(d.values(), scope);
    } else if (e instanceof Index i) {
      expr(i.value(), scope);
      expr(i.index(), scope);
    } else if (e instanceof Attr a) {
      reference(a, scope, false);
    } else if (e instanceof Call c) {
      call(c, scope);
    }
  }

  private void exprs(List<Expr> items, Scope scope) {
    for (Expr e : items) {
      expr(e, scope);
    }
  }

  /**
   * An attribute chain, called or not: operators, code names, constants, or a read of an object's
   * attribute.
   */
  private void reference(Attr a, Scope scope, boolean called) {
    Expr root = a;
    while (root instanceof Attr r) {
      root = r.value();
      work++;
    }
    if (!(root instanceof Name n)
        || !Set.of("torch", "ops", "__torch__", "CONSTANTS").contains(n.id())) {
      if (called) {
        method(a, scope);
      } else {
        expr(root, scope); // reading an attribute of a value: data, not code
      }
      return;
    }
    // The chain is rooted at the bare name n, so it has one.
    List<String> parts = Objects.requireNonNull(chain(a));
    switch (n.id()) {
      case "torch" -> {
        if (parts.get(1).equals("ops")) {
          throw nonCanonical(
              a,
              "torch.ops."
                  + (parts.size() > 2 ? parts.get(2) : "")
                  + " (the printer writes ops.<namespace>.<op>)");
        }
        if (parts.size() == 2) {
          op("aten::" + parts.get(1), a);
        } else if (parts.size() == 3
            && parts.get(1).equals("autograd")
            && (parts.get(2).equals("grad") || parts.get(2).equals("backward"))) {
          op("aten::" + parts.get(2), a);
        } else {
          throw new SourceError(
              FormatReason.TORCHSCRIPT_OP_UNKNOWN,
              a.line(),
              a.column(),
              clip(String.join(".", parts)) + " is not an operator on the allowlist");
        }
      }
      case "ops" -> {
        if (parts.size() == 3) {
          op(parts.get(1) + "::" + parts.get(2), a);
        } else if (parts.size() > 3) {
          throw nonCanonical(
              a,
              "an operator overload "
                  + clip(String.join(".", parts))
                  + " (the printer never names overloads)");
        } else {
          throw new SourceError(
              FormatReason.TORCHSCRIPT_SYNTAX_INVALID,
              a.line(),
              a.column(),
              "a bare namespace 'ops." + parts.get(1) + "'");
        }
      }
      case "CONSTANTS" -> {
        String c = parts.get(1);
        if (called
            || parts.size() != 2
            || !c.matches("c(0|[1-9][0-9]{0,8})")
            || Long.parseLong(c.substring(1)) >= constants) {
          throw new SourceError(
              FormatReason.TORCHSCRIPT_CONSTANT_INVALID,
              a.line(),
              a.column(),
              "CONSTANTS."
                  + clip(String.join(".", parts.subList(1, parts.size())))
                  + " is not one of the "
                  + constants
                  + " entries of constants.pkl");
        }
      }
      default -> codeName(parts, a, called);
    }
  }

  private void codeName(List<String> parts, Attr a, boolean called) {
    String q = String.join(".", parts);
    if (functions.containsKey(q) || classes.containsKey(q)) {
      return;
    }
    String owner = String.join(".", parts.subList(0, parts.size() - 1));
    String last = parts.get(parts.size() - 1);
    ClassInfo c = classes.get(owner);
    if (c != null && (called ? last.equals("__new__") : c.constants().contains(last))) {
      return;
    }
    throw new SourceError(
        FormatReason.TORCHSCRIPT_NAME_UNRESOLVED,
        a.line(),
        a.column(),
        "'"
            + clip(q)
            + "' is not a class, function"
            + (called ? "" : " or class constant")
            + " defined in code/");
  }

  private SourceError nonCanonical(Expr at, String what) {
    return new SourceError(FormatReason.TORCHSCRIPT_NONCANONICAL, at.line(), at.column(), what);
  }

  private void op(String name, Expr at) {
    operators.add(name);
    TorchScriptProfile.Operator o = profile.operator(name).orElse(null);
    if (o == null) {
      String ns = name.substring(0, name.indexOf(':'));
      boolean known = profile.operators().keySet().stream().anyMatch(k -> k.startsWith(ns + "::"));
      throw new SourceError(
          FormatReason.TORCHSCRIPT_OP_UNKNOWN,
          at.line(),
          at.column(),
          name
              + (known
                  ? " is not on the allowlist of profile " + profile.name()
                  : " (namespace '" + ns + "' is not admitted by profile " + profile.name() + ")"));
    }
    if (o.tier() != TorchScriptProfile.Tier.COMPUTE && !o.admitsIn(currentClass)) {
      throw new SourceError(
          FormatReason.TORCHSCRIPT_OP_DENIED,
          at.line(),
          at.column(),
          name
              + " ("
              + o.tier().name().toLowerCase(java.util.Locale.ROOT)
              + (o.why().isEmpty() ? "" : ": " + o.why())
              + ")");
    }
  }

  private String currentClass = "";

  private void call(Call c, Scope scope) {
    Expr f = c.func();
    if (f instanceof Name n) {
      builtin(n, c, scope);
    } else if (f instanceof Attr a) {
      reference(a, scope, true);
      String cls = a.attr().equals("__new__") && a.value() instanceof Attr r ? torchRef(r) : null;
      if (cls != null) {
        newObject(c, cls);
      }
      exprs(c.args(), scope);
    } else {
      throw nonCanonical(
          c, "a call of a computed value (the printer calls names, operators and methods only)");
    }
    for (Keyword k : c.keywords()) {
      expr(k.value(), scope);
    }
  }

  /**
   * {@code __torch__.X.__new__(__torch__.X)}, as the printer writes it. libtorch creates an object
   * of the argument's class whatever class the call is spelled on, while {@link #objectClass} (and
   * every method and attribute check after it) takes the class the call is spelled on.
   */
  private void newObject(Call c, String cls) {
    String arg =
        c.args().size() == 1 && c.keywords().isEmpty() && c.args().get(0) instanceof Attr x
            ? torchRef(x)
            : null;
    if (!cls.equals(arg)) {
      throw nonCanonical(
          c,
          clip(cls)
              + ".__new__ with an argument other than "
              + clip(cls)
              + " (libtorch creates an object of the argument's class)");
    }
  }

  /**
   * {@code (recv).m(...)}: recv must be a local known to hold an object of a code class that
   * defines m.
   */
  private void method(Attr a, Scope scope) {
    if (!(a.value() instanceof Paren p)) {
      throw nonCanonical(
          a,
          "a method call on "
              + (a.value() instanceof Name n ? "'" + clip(n.id()) + "'" : "an expression")
              + " written without parentheses (tensor-method syntax; the printer writes"
              + " torch.<op>(x) or (obj).method(...))");
    }
    String cls = p.inner() instanceof Name n ? scope.objects.get(n.id()) : null;
    if (cls == null || cls.isEmpty()) {
      throw new SourceError(
          FormatReason.TORCHSCRIPT_NAME_UNRESOLVED,
          a.line(),
          a.column(),
          "method '"
              + clip(a.attr())
              + "' is called on a value that is not known to be an object of a code/ class");
    }
    ClassInfo info = classes.get(cls);
    if (info == null || !info.methods().contains(a.attr())) {
      throw new SourceError(
          FormatReason.TORCHSCRIPT_NAME_UNRESOLVED,
          a.line(),
          a.column(),
          "class " + clip(cls) + " defines no method '" + clip(a.attr()) + "'");
    }
  }

  private void builtin(Name n, Call c, Scope scope) {
    String op = BUILTIN_OPS.get(n.id());
    if (op != null) {
      op(op, n);
      exprs(c.args(), scope);
      return;
    }
    if (FORMS.contains(n.id())) {
      List<Expr> args = c.args();
      switch (n.id()) {
        case "annotate", "unchecked_cast" -> {
          arity(n, c, 2);
          checkType(typeOf(args.get(0)));
          expr(args.get(1), scope);
        }
        case "uninitialized" -> {
          arity(n, c, 1);
          checkType(typeOf(args.get(0)));
        }
        case "isinstance" -> {
          arity(n, c, 2);
          expr(args.get(0), scope);
          if (args.get(1) instanceof TupleX t) {
            for (Expr x : t.items()) {
              checkType(typeOf(x));
            }
          } else {
            checkType(typeOf(args.get(1)));
          }
        }
        case "getattr", "hasattr" -> {
          arity(n, c, 2);
          if (!(args.get(1) instanceof Literal l) || l.kind() != Literal.Kind.STRING) {
            throw nonCanonical(c, n.id() + " with a computed attribute name");
          }
          expr(args.get(0), scope);
        }
        default -> exprs(args, scope);
      }
      return;
    }
    String alias = scope.aliases.get(n.id());
    if (alias == null || alias.isEmpty()) {
      throw new SourceError(
          FormatReason.TORCHSCRIPT_NAME_UNRESOLVED,
          n.line(),
          n.column(),
          "'"
              + clip(n.id())
              + "' is called but is neither a builtin nor a local bound only to a code/ function");
    }
    exprs(c.args(), scope);
  }

  private void arity(Name n, Call c, int k) {
    if (c.args().size() != k || !c.keywords().isEmpty()) {
      throw new SourceError(
          FormatReason.TORCHSCRIPT_SYNTAX_INVALID,
          c.line(),
          c.column(),
          n.id() + " takes " + k + " positional arguments");
    }
  }

  /** A type written as an expression (first argument of annotate, unchecked_cast, ...). */
  private TypeExpr typeOf(Expr e) {
    work++;
    if (e instanceof Literal l && l.kind() == Literal.Kind.NONE) {
      return new TypeExpr("NoneType", List.of(), e.line(), e.column());
    }
    if (e instanceof TupleX t && t.items().isEmpty()) {
      return new TypeExpr("()", List.of(), e.line(), e.column());
    }
    if (e instanceof Index i) {
      TypeExpr base = typeOf(i.value());
      List<TypeExpr> args = new ArrayList<>();
      if (i.index() instanceof TupleX t && !t.items().isEmpty()) {
        for (Expr x : t.items()) {
          args.add(typeOf(x));
        }
      } else {
        args.add(typeOf(i.index()));
      }
      return new TypeExpr(base.name(), args, e.line(), e.column());
    }
    List<String> parts = chain(e);
    if (parts == null) {
      throw new SourceError(
          FormatReason.TORCHSCRIPT_SYNTAX_INVALID, e.line(), e.column(), "expected a type");
    }
    return new TypeExpr(String.join(".", parts), List.of(), e.line(), e.column());
  }
}
