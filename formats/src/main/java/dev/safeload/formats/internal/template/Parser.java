package dev.safeload.formats.internal.template;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.template.Lexer.Kind;
import dev.safeload.formats.internal.template.Lexer.Token;
import dev.safeload.formats.internal.template.Node.*;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A recursive-descent parser with Jinja's grammar and operator precedence (jinja2 {@code
 * parser.py}), lowest first: conditional expression; {@code or}; {@code and}; {@code not};
 * comparisons and {@code in}/{@code not in}; {@code + -}; {@code ~}; {@code * / // %}; {@code **};
 * unary {@code - +}; postfix ({@code .name}, {@code .0}, {@code [k]}, slices, calls); then filters
 * and tests, which apply after postfix ({@code -1|abs} is {@code (-1)|abs}). Adjacent string
 * literals join.
 *
 * <p>Statements: {@code if/elif/else}, {@code for} (tuple targets, {@code if} filter, {@code else},
 * {@code recursive}), {@code set} (names, tuples, {@code ns.attr}, block set with filters), {@code
 * macro}, {@code filter} blocks, {@code break}/{@code continue} and transformers' {@code
 * generation}. Every other Jinja tag is refused as {@code TEMPLATE_CONSTRUCT_NOT_ALLOWED}; an
 * unknown or misplaced tag is {@code TEMPLATE_SYNTAX}, as it is for Jinja.
 *
 * <p>Bounds, each checked before it is exceeded: recursion depth (so a deep input cannot overflow
 * the stack), node count, expression tree height, block and loop nesting, macro count.
 */
final class Parser {

  /** Tags Jinja or its common extensions know that chat templates may not use. */
  private static final Set<String> REFUSED_TAGS =
      Set.of(
          "block",
          "extends",
          "print",
          "include",
          "from",
          "import",
          "with",
          "autoescape",
          "call",
          "do",
          "debug",
          "trans",
          "pluralize",
          "raw",
          "endraw",
          "cache",
          "spaceless",
          "macro_call");

  private static final Map<String, String> COMPARE =
      Map.of("==", "eq", "!=", "ne", "<", "lt", "<=", "lteq", ">", "gt", ">=", "gteq");

  private final List<Token> tokens;
  private final TemplateLimits limits;
  private int pos;
  private int depth;
  private int blockDepth;
  private int loopDepth;
  private int nodes;
  private int macros;
  private final Map<Expr, Integer> heights = new IdentityHashMap<>();

  private Parser(List<Token> tokens, TemplateLimits limits) {
    this.tokens = tokens;
    this.limits = limits;
  }

  /** The parsed template body. */
  static Parsed parse(String template, TemplateLimits limits) {
    List<Token> tokens = Lexer.tokenize(template, limits);
    Parser p = new Parser(tokens, limits);
    List<Stmt> body = p.subparse(Set.of());
    if (p.cur().kind() != Kind.EOF) {
      throw p.syntax("unexpected " + describe(p.cur()));
    }
    return new Parsed(body, tokens.size(), p.nodes);
  }

  /** A parse result with the work it took (tokens lexed, nodes built), for the linearity tests. */
  record Parsed(List<Stmt> body, int tokens, int nodes) {}

  // ------------------------------------------------------------------ token stream

  private Token cur() {
    return tokens.get(pos);
  }

  private Token look() {
    return tokens.get(Math.min(pos + 1, tokens.size() - 1));
  }

  private Token next() {
    Token t = tokens.get(pos);
    if (pos < tokens.size() - 1) {
      pos++;
    }
    return t;
  }

  private boolean skipOp(String op) {
    if (cur().isOp(op)) {
      next();
      return true;
    }
    return false;
  }

  private boolean skipName(String name) {
    if (cur().isName(name)) {
      next();
      return true;
    }
    return false;
  }

  private void expectOp(String op) {
    if (!cur().isOp(op)) {
      throw syntax("expected '" + op + "', got " + describe(cur()));
    }
    next();
  }

  private void expect(Kind kind) {
    if (cur().kind() != kind) {
      throw syntax("expected " + kind + ", got " + describe(cur()));
    }
    next();
  }

  private String expectName() {
    if (cur().kind() != Kind.NAME) {
      throw syntax("expected a name, got " + describe(cur()));
    }
    return next().text();
  }

  private static String describe(Token t) {
    return switch (t.kind()) {
      case EOF -> "end of template";
      case NAME, OP -> "'" + t.text() + "'";
      default -> t.kind().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private TemplateRejection syntax(String message) {
    return new TemplateRejection(
        FormatReason.TEMPLATE_SYNTAX, message + " (at character " + cur().pos() + ")");
  }

  private static TemplateRejection tooComplex(String message) {
    return new TemplateRejection(FormatReason.TEMPLATE_TOO_COMPLEX, message);
  }

  private void enter() {
    if (++depth > limits.maxDepth()) {
      throw tooComplex("expressions nested deeper than " + limits.maxDepth());
    }
  }

  private void leave() {
    depth--;
  }

  private void count() {
    if (++nodes > limits.maxNodes()) {
      throw tooComplex("more than " + limits.maxNodes() + " syntax tree nodes");
    }
  }

  /** Counts a new expression node and records its height (1 + its tallest child). */
  private <T extends Expr> T mk(T e, @Nullable Object... children) {
    count();
    int h = 0;
    for (Object c : children) {
      if (c instanceof Expr x) {
        h = Math.max(h, heights.getOrDefault(x, 1));
      } else if (c instanceof List<?> list) {
        for (Object o : list) {
          Expr x = o instanceof Kw k ? k.value() : (Expr) o;
          h = Math.max(h, heights.getOrDefault(x, 1));
        }
      }
    }
    if (h + 1 > limits.maxHeight()) {
      throw tooComplex("an expression is nested deeper than " + limits.maxHeight());
    }
    if (h > 0) {
      heights.put(e, h + 1);
    }
    return e;
  }

  private <T extends Stmt> T st(T s) {
    count();
    return s;
  }

  // ------------------------------------------------------------------ statements

  /** Parses a body until a block tag whose name is in {@code endTags} (left current) or EOF. */
  private List<Stmt> subparse(Set<String> endTags) {
    if (++blockDepth > limits.maxBlockDepth()) {
      throw tooComplex("blocks nested deeper than " + limits.maxBlockDepth());
    }
    List<Stmt> body = new ArrayList<>();
    StringBuilder text = null;
    while (cur().kind() != Kind.EOF) {
      Token t = cur();
      switch (t.kind()) {
        case DATA -> {
          if (text == null) {
            text = new StringBuilder();
          }
          text.append(t.text());
          next();
        }
        case VAR_BEGIN -> {
          text = flush(body, text);
          next();
          Expr e = parseTuple(false, true, Set.of(), false);
          expect(Kind.VAR_END);
          body.add(st(new Output(e)));
        }
        case BLOCK_BEGIN -> {
          text = flush(body, text);
          next();
          if (cur().kind() == Kind.NAME && endTags.contains(cur().text())) {
            blockDepth--;
            return body;
          }
          body.add(parseStatement());
          expect(Kind.BLOCK_END);
        }
        default -> throw syntax("unexpected " + describe(t));
      }
    }
    flush(body, text);
    if (!endTags.isEmpty()) {
      throw syntax(
          "unexpected end of template, expected one of " + new java.util.TreeSet<>(endTags));
    }
    blockDepth--;
    return body;
  }

  private @Nullable StringBuilder flush(List<Stmt> body, @Nullable StringBuilder text) {
    if (text != null && text.length() > 0) {
      body.add(st(new Text(text.toString())));
    }
    return null;
  }

  /** Parses a body that must end with one of {@code endTags}; the end tag is left current. */
  private List<Stmt> statements(Set<String> endTags) {
    skipOp(":"); // Jinja allows a colon before the block end, for Python compatibility
    expect(Kind.BLOCK_END);
    List<Stmt> body = subparse(endTags);
    if (cur().kind() == Kind.EOF) {
      throw syntax("unexpected end of template");
    }
    return body;
  }

  private List<Stmt> statementsDropEnd(String endTag) {
    List<Stmt> body = statements(Set.of(endTag));
    next();
    return body;
  }

  private Stmt parseStatement() {
    Token t = cur();
    if (t.kind() != Kind.NAME) {
      throw syntax("tag name expected");
    }
    switch (t.text()) {
      case "if":
        return parseIf();
      case "for":
        return parseFor();
      case "set":
        return parseSet();
      case "macro":
        return parseMacro();
      case "filter":
        {
          next();
          Filter f = parseFilter(null, true);
          return st(new FilterBlock(f, statementsDropEnd("endfilter")));
        }
      case "break":
        next();
        return st(new Break());
      case "continue":
        next();
        return st(new Continue());
      case "generation":
        next();
        return st(new Generation(statementsDropEnd("endgeneration")));
      default:
        if (REFUSED_TAGS.contains(t.text())) {
          throw new TemplateRejection(
              FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED,
              "the "
                  + t.text()
                  + " tag is not allowed in a chat template (at character "
                  + t.pos()
                  + ")");
        }
        throw syntax("unknown or misplaced tag '" + t.text() + "'");
    }
  }

  private Stmt parseIf() {
    next();
    List<Expr> tests = new ArrayList<>();
    List<List<Stmt>> bodies = new ArrayList<>();
    List<Stmt> orElse = List.of();
    while (true) {
      tests.add(parseTuple(false, false, Set.of(), false));
      bodies.add(statements(Set.of("elif", "else", "endif")));
      Token end = next();
      if (end.isName("elif")) {
        continue;
      }
      if (end.isName("else")) {
        orElse = statementsDropEnd("endif");
      }
      break;
    }
    return st(new If(List.copyOf(tests), List.copyOf(bodies), orElse));
  }

  private Stmt parseFor() {
    next();
    if (++loopDepth > limits.maxLoopDepth()) {
      throw tooComplex("for loops nested deeper than " + limits.maxLoopDepth());
    }
    Expr target = parseAssignTarget(Set.of("in"), false);
    if (!skipName("in")) {
      throw syntax("expected 'in'");
    }
    Expr iter = parseTuple(false, false, Set.of("recursive"), false);
    Expr cond = null;
    if (skipName("if")) {
      cond = parseExpression(true);
    }
    boolean recursive = skipName("recursive");
    List<Stmt> body = statements(Set.of("endfor", "else"));
    List<Stmt> orElse = List.of();
    if (next().isName("else")) {
      orElse = statementsDropEnd("endfor");
    }
    loopDepth--;
    return st(new For(target, iter, cond, recursive, body, orElse));
  }

  private Stmt parseSet() {
    next();
    Expr target = parseAssignTarget(Set.of(), true);
    if (skipOp("=")) {
      return st(new Assign(target, parseTuple(false, true, Set.of(), false)));
    }
    Filter f = cur().isOp("|") ? parseFilter(null, false) : null;
    return st(new AssignBlock(target, f, statementsDropEnd("endset")));
  }

  private Stmt parseMacro() {
    next();
    if (++macros > limits.maxMacros()) {
      throw tooComplex("more than " + limits.maxMacros() + " macros");
    }
    String name = assignableName();
    List<String> params = new ArrayList<>();
    List<Expr> defaults = new ArrayList<>();
    expectOp("(");
    while (!cur().isOp(")")) {
      if (!params.isEmpty()) {
        expectOp(",");
      }
      String p = assignableName();
      if (skipOp("=")) {
        defaults.add(parseExpression(true));
      } else if (!defaults.isEmpty()) {
        throw syntax("non-default argument follows default argument");
      }
      params.add(p);
    }
    expectOp(")");
    return st(
        new Macro(name, List.copyOf(params), List.copyOf(defaults), statementsDropEnd("endmacro")));
  }

  private String assignableName() {
    String n = expectName();
    if (isConstantName(n)) {
      throw syntax("can't assign to '" + n + "'");
    }
    return n;
  }

  private static boolean isConstantName(String n) {
    return switch (n) {
      case "true", "false", "True", "False", "none", "None" -> true;
      default -> false;
    };
  }

  /** A for or set target: names, tuples of them, and (set only) {@code ns.attr}. */
  private Expr parseAssignTarget(Set<String> extraEnd, boolean withNamespace) {
    Expr t = parseTuple(true, true, extraEnd, false, withNamespace);
    checkAssignable(t);
    return t;
  }

  private void checkAssignable(Expr t) {
    if (t instanceof Name || t instanceof NsRef) {
      return;
    }
    if (t instanceof TupleLit tu) {
      for (Expr e : tu.items()) {
        checkAssignable(e);
      }
      return;
    }
    throw syntax("can't assign to this target");
  }

  // ------------------------------------------------------------------ expressions

  private Expr parseExpression(boolean withCondexpr) {
    enter();
    Expr e = withCondexpr ? parseCondexpr() : parseOr();
    leave();
    return e;
  }

  private Expr parseCondexpr() {
    Expr e = parseOr();
    while (skipName("if")) {
      Expr test = parseOr();
      Expr orElse = null;
      if (skipName("else")) {
        enter();
        orElse = parseCondexpr();
        leave();
      }
      e = mk(new Cond(test, e, orElse), test, e, orElse);
    }
    return e;
  }

  private Expr parseOr() {
    Expr left = parseAnd();
    while (skipName("or")) {
      Expr right = parseAnd();
      left = mk(new Bin("or", left, right), left, right);
    }
    return left;
  }

  private Expr parseAnd() {
    Expr left = parseNot();
    while (skipName("and")) {
      Expr right = parseNot();
      left = mk(new Bin("and", left, right), left, right);
    }
    return left;
  }

  private Expr parseNot() {
    if (cur().isName("not")) {
      next();
      enter();
      Expr e = parseNot();
      leave();
      return mk(new Not(e), e);
    }
    return parseCompare();
  }

  private Expr parseCompare() {
    Expr first = parseMath1();
    List<String> ops = new ArrayList<>();
    List<Expr> operands = new ArrayList<>();
    while (true) {
      Token t = cur();
      String op = t.kind() == Kind.OP ? COMPARE.get(t.text()) : null;
      if (op != null) {
        next();
      } else if (t.isName("in")) {
        next();
        op = "in";
      } else if (t.isName("not") && look().isName("in")) {
        next();
        next();
        op = "notin";
      } else {
        break;
      }
      ops.add(op);
      operands.add(parseMath1());
    }
    if (ops.isEmpty()) {
      return first;
    }
    return mk(new Compare(first, List.copyOf(ops), List.copyOf(operands)), first, operands);
  }

  private Expr parseMath1() {
    Expr left = parseConcat();
    while (cur().isOp("+") || cur().isOp("-")) {
      String op = next().text();
      Expr right = parseConcat();
      left = mk(new Bin(op, left, right), left, right);
    }
    return left;
  }

  private Expr parseConcat() {
    Expr first = parseMath2();
    if (!cur().isOp("~")) {
      return first;
    }
    List<Expr> items = new ArrayList<>();
    items.add(first);
    while (skipOp("~")) {
      items.add(parseMath2());
    }
    return mk(new Concat(List.copyOf(items)), items);
  }

  private Expr parseMath2() {
    Expr left = parsePow();
    while (cur().isOp("*") || cur().isOp("/") || cur().isOp("//") || cur().isOp("%")) {
      String op = next().text();
      Expr right = parsePow();
      left = mk(new Bin(op, left, right), left, right);
    }
    return left;
  }

  private Expr parsePow() {
    Expr left = parseUnary(true);
    while (skipOp("**")) {
      Expr right = parseUnary(true);
      left = mk(new Bin("**", left, right), left, right);
    }
    return left;
  }

  private Expr parseUnary(boolean withFilter) {
    Expr e;
    if (cur().isOp("-") || cur().isOp("+")) {
      boolean neg = next().text().equals("-");
      enter();
      Expr inner = parseUnary(false);
      leave();
      e = neg ? mk(new Neg(inner), inner) : mk(new Pos(inner), inner);
    } else {
      e = parsePrimary(false);
    }
    e = parsePostfix(e);
    if (withFilter) {
      e = parseFilterExpr(e);
    }
    return e;
  }

  private Expr parsePrimary(boolean withNamespace) {
    Token t = cur();
    switch (t.kind()) {
      case NAME -> {
        next();
        switch (t.text()) {
          case "true", "True" -> {
            return mk(new Bool(true));
          }
          case "false", "False" -> {
            return mk(new Bool(false));
          }
          case "none", "None" -> {
            return mk(new NoneLit());
          }
          default -> {
            if (withNamespace && cur().isOp(".")) {
              next();
              return mk(new NsRef(t.text(), expectName()));
            }
            return mk(new Name(t.text()));
          }
        }
      }
      case STRING -> {
        next();
        if (cur().kind() != Kind.STRING) {
          return mk(new Str(t.text()));
        }
        StringBuilder b = new StringBuilder(t.text());
        while (cur().kind() == Kind.STRING) {
          b.append(next().text());
          if (b.length() > limits.maxStringLiteral()) {
            throw tooComplex(
                "string literal longer than " + limits.maxStringLiteral() + " characters");
          }
        }
        return mk(new Str(b.toString()));
      }
      case INTEGER -> {
        next();
        return mk(new Int(t.value().longValue()));
      }
      case FLOAT -> {
        next();
        return mk(new Flt(t.value().doubleValue()));
      }
      case OP -> {
        if (t.text().equals("(")) {
          next();
          enter();
          Expr e = parseTuple(false, true, Set.of(), true);
          leave();
          expectOp(")");
          return e;
        }
        if (t.text().equals("[")) {
          return parseList();
        }
        if (t.text().equals("{")) {
          return parseDict();
        }
        throw syntax("unexpected '" + t.text() + "'");
      }
      default -> throw syntax("unexpected " + describe(t));
    }
  }

  private Expr parseTuple(
      boolean simplified, boolean withCondexpr, Set<String> extraEnd, boolean explicitParens) {
    return parseTuple(simplified, withCondexpr, extraEnd, explicitParens, false);
  }

  /**
   * Jinja's parse_tuple: one expression, or a tuple when a comma follows (bare tuples are allowed).
   */
  private Expr parseTuple(
      boolean simplified,
      boolean withCondexpr,
      Set<String> extraEnd,
      boolean explicitParens,
      boolean withNamespace) {
    List<Expr> items = new ArrayList<>();
    boolean isTuple = false;
    while (true) {
      if (!items.isEmpty()) {
        expectOp(",");
      }
      if (isTupleEnd(extraEnd)) {
        break;
      }
      if (simplified) {
        enter();
        items.add(parsePrimary(withNamespace));
        leave();
      } else {
        items.add(parseExpression(withCondexpr));
      }
      if (cur().isOp(",")) {
        isTuple = true;
      } else {
        break;
      }
    }
    if (!isTuple) {
      if (!items.isEmpty()) {
        return items.get(0);
      }
      if (!explicitParens) {
        throw syntax("expected an expression, got " + describe(cur()));
      }
    }
    return mk(new TupleLit(List.copyOf(items)), items);
  }

  /**
   * Jinja's is_tuple_end. Its extra end words ({@code in} after a for target, {@code recursive}
   * after the iterable) never match there (jinja2 3.1 passes them to {@code test_any} as one
   * tuple), so in first place or after a trailing comma Jinja reads the word as a variable: {@code
   * for a, in in x} binds {@code a} and a variable named {@code in}. Another reader may end the
   * tuple there instead, so that spot is refused rather than imitated.
   */
  private boolean isTupleEnd(Set<String> extraEnd) {
    Token t = cur();
    if (t.kind() == Kind.VAR_END || t.kind() == Kind.BLOCK_END || t.isOp(")")) {
      return true;
    }
    if (t.kind() == Kind.NAME && extraEnd.contains(t.text())) {
      throw syntax(
          "'"
              + t.text()
              + "' where a tuple item may follow: Jinja reads it as a variable, other readers as"
              + " the end of the tuple");
    }
    return false;
  }

  private Expr parseList() {
    expectOp("[");
    enter();
    List<Expr> items = new ArrayList<>();
    while (!cur().isOp("]")) {
      if (!items.isEmpty()) {
        expectOp(",");
      }
      if (cur().isOp("]")) {
        break;
      }
      items.add(parseExpression(true));
    }
    expectOp("]");
    leave();
    return mk(new ListLit(List.copyOf(items)), items);
  }

  private Expr parseDict() {
    expectOp("{");
    enter();
    List<Expr> keys = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    while (!cur().isOp("}")) {
      if (!keys.isEmpty()) {
        expectOp(",");
      }
      if (cur().isOp("}")) {
        break;
      }
      keys.add(parseExpression(true));
      expectOp(":");
      values.add(parseExpression(true));
    }
    expectOp("}");
    leave();
    return mk(new DictLit(List.copyOf(keys), List.copyOf(values)), keys, values);
  }

  private Expr parsePostfix(Expr e) {
    while (true) {
      if (cur().isOp(".") || cur().isOp("[")) {
        e = parseSubscript(e);
      } else if (cur().isOp("(")) {
        e = parseCall(e);
      } else {
        return e;
      }
    }
  }

  private Expr parseFilterExpr(Expr e) {
    while (true) {
      if (cur().isOp("|")) {
        e = parseFilter(e, false);
      } else if (cur().isName("is")) {
        e = parseTest(e);
      } else if (cur().isOp("(")) {
        e = parseCall(e);
      } else {
        return e;
      }
    }
  }

  private Expr parseSubscript(Expr obj) {
    Token t = next();
    if (t.isOp(".")) {
      Token a = next();
      if (a.kind() == Kind.NAME) {
        return mk(new Getattr(obj, a.text()), obj);
      }
      if (a.kind() != Kind.INTEGER) {
        throw syntax("expected name or number after '.'");
      }
      Expr k = mk(new Int(a.value().longValue()));
      return mk(new Getitem(obj, k), obj, k);
    }
    enter();
    List<Expr> args = new ArrayList<>();
    while (!cur().isOp("]")) {
      if (!args.isEmpty()) {
        expectOp(",");
      }
      args.add(parseSubscribed());
    }
    expectOp("]");
    leave();
    Expr key = args.size() == 1 ? args.get(0) : mk(new TupleLit(List.copyOf(args)), args);
    return mk(new Getitem(obj, key), obj, key);
  }

  private Expr parseSubscribed() {
    Expr start = null;
    if (cur().isOp(":")) {
      next();
    } else {
      Expr e = parseExpression(true);
      if (!cur().isOp(":")) {
        return e;
      }
      next();
      start = e;
    }
    Expr stop = null;
    if (!cur().isOp(":") && !cur().isOp("]") && !cur().isOp(",")) {
      stop = parseExpression(true);
    }
    Expr step = null;
    if (cur().isOp(":")) {
      next();
      if (!cur().isOp("]") && !cur().isOp(",")) {
        step = parseExpression(true);
      }
    }
    return mk(new Slice(start, stop, step), start, stop, step);
  }

  /** Arguments of a call, filter or test, in Jinja's order rules. */
  private record Args(
      List<Expr> args, List<Kw> kwargs, @Nullable Expr dynArgs, @Nullable Expr dynKwargs) {}

  private Args parseCallArgs() {
    expectOp("(");
    enter();
    List<Expr> args = new ArrayList<>();
    List<Kw> kwargs = new ArrayList<>();
    Expr dynArgs = null;
    Expr dynKwargs = null;
    boolean requireComma = false;
    while (!cur().isOp(")")) {
      if (requireComma) {
        expectOp(",");
        if (cur().isOp(")")) {
          break;
        }
      }
      if (cur().isOp("*")) {
        if (dynArgs != null || dynKwargs != null) {
          throw syntax("invalid syntax for function call expression");
        }
        next();
        dynArgs = parseExpression(true);
      } else if (cur().isOp("**")) {
        if (dynKwargs != null) {
          throw syntax("invalid syntax for function call expression");
        }
        next();
        dynKwargs = parseExpression(true);
      } else if (cur().kind() == Kind.NAME && look().isOp("=")) {
        if (dynKwargs != null) {
          throw syntax("invalid syntax for function call expression");
        }
        String key = next().text();
        next();
        kwargs.add(new Kw(key, parseExpression(true)));
      } else {
        if (dynArgs != null || dynKwargs != null || !kwargs.isEmpty()) {
          throw syntax("invalid syntax for function call expression");
        }
        args.add(parseExpression(true));
      }
      requireComma = true;
    }
    expectOp(")");
    leave();
    return new Args(List.copyOf(args), List.copyOf(kwargs), dynArgs, dynKwargs);
  }

  private Expr parseCall(Expr callee) {
    Args a = parseCallArgs();
    return mk(
        new Call(callee, a.args(), a.kwargs(), a.dynArgs(), a.dynKwargs()),
        callee,
        a.args(),
        a.kwargs(),
        a.dynArgs(),
        a.dynKwargs());
  }

  private Filter parseFilter(@Nullable Expr obj, boolean startInline) {
    Expr e = obj;
    Filter f = null;
    while (cur().isOp("|") || startInline) {
      if (!startInline) {
        next();
      }
      String name = dottedName();
      Args a = cur().isOp("(") ? parseCallArgs() : new Args(List.of(), List.of(), null, null);
      f =
          mk(
              new Filter(e, name, a.args(), a.kwargs(), a.dynArgs(), a.dynKwargs()),
              e,
              a.args(),
              a.kwargs(),
              a.dynArgs(),
              a.dynKwargs());
      e = f;
      startInline = false;
    }
    if (f == null) {
      throw syntax("expected a filter");
    }
    return f;
  }

  private String dottedName() {
    StringBuilder name = new StringBuilder(expectName());
    while (skipOp(".")) {
      name.append('.').append(expectName());
      if (name.length() > limits.maxIdentifier()) {
        throw tooComplex("dotted name longer than " + limits.maxIdentifier());
      }
    }
    return name.toString();
  }

  private Expr parseTest(Expr obj) {
    next(); // 'is'
    boolean negated = skipName("not");
    String name = dottedName();
    Args a;
    Token t = cur();
    if (t.isOp("(")) {
      a = parseCallArgs();
    } else if ((t.kind() == Kind.NAME
            || t.kind() == Kind.STRING
            || t.kind() == Kind.INTEGER
            || t.kind() == Kind.FLOAT
            || t.isOp("[")
            || t.isOp("{"))
        && !t.isName("else")
        && !t.isName("or")
        && !t.isName("and")) {
      if (t.isName("is")) {
        throw syntax("you cannot chain multiple tests with is");
      }
      enter();
      Expr arg = parsePostfix(parsePrimary(false));
      leave();
      a = new Args(List.of(arg), List.of(), null, null);
    } else {
      a = new Args(List.of(), List.of(), null, null);
    }
    return mk(
        new Test(obj, name, a.args(), a.kwargs(), a.dynArgs(), a.dynKwargs(), negated),
        obj,
        a.args(),
        a.kwargs(),
        a.dynArgs(),
        a.dynKwargs());
  }
}
