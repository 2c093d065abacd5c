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
import dev.safeload.formats.internal.torchscript.Ast.Pass;
import dev.safeload.formats.internal.torchscript.Ast.Return;
import dev.safeload.formats.internal.torchscript.Ast.Stmt;
import dev.safeload.formats.internal.torchscript.Ast.TupleX;
import dev.safeload.formats.internal.torchscript.Ast.TypeExpr;
import dev.safeload.formats.internal.torchscript.Ast.While;
import dev.safeload.formats.internal.torchscript.Ast.With;
import dev.safeload.formats.internal.torchscript.Token.Kind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Recursive descent over the tokens of one code file, one token of lookahead, no backtracking:
 * every token is consumed once, so the work is linear in the file. Recursion depth is bounded by
 * {@link Limits#maxDepth()} (blocks, brackets and trailers together).
 *
 * <p>Grammar (the canonical printer form, see the research note section 2.3):
 *
 * <pre>
 * file      := (classdef | funcdef)*
 * classdef  := 'class' NAME ['(' NAME ')'] ':' NEWLINE INDENT classitem+ DEDENT
 * classitem := NAME ':' type ['=' constant] | ('__parameters__' | '__buffers__') '=' '[' (STRING ',')* ']'
 *            | '__annotations__' '[' STRING ']' '=' type | NAME '=' literal | funcdef | 'pass'
 * constant  := literal | a tuple of constants, as in '(4,)'
 * funcdef   := 'def' NAME '(' [param (',' param)*] ')' ['->' type] ':' block
 * stmt      := 'if' expr ':' block ['else' ':' block] | 'while' expr ':' block
 *            | 'for' targets 'in' expr ':' block | 'with' expr ':' block | 'return' [exprs]
 *            | 'pass' | funcdef | exprs ['=' exprs | ':' type '=' expr]
 * expr      := '-' NUMBER | atom trailer*      (no infix or unary operators)
 * trailer   := '.' NAME | '(' args ')' | '[' exprs ']'
 * </pre>
 */
final class Parser {
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "not",
          "in",
          "is",
          "lambda",
          "if",
          "else",
          "elif",
          "while",
          "for",
          "def",
          "class",
          "return",
          "pass",
          "with",
          "import",
          "from",
          "as",
          "del",
          "global",
          "nonlocal",
          "assert",
          "raise",
          "try",
          "except",
          "finally",
          "yield",
          "async",
          "await",
          "break",
          "continue");
  private static final Set<String> INFIX_WORDS =
      Set.of("and", "or", "not", "in", "is", "if", "lambda");
  private static final Set<String> OPERATORS =
      Set.of("+", "*", "/", "%", "@", "<", ">", "!", "&", "|", "^", "~", "-", "==");
  private static final Set<String> CLASS_BASES =
      Set.of("Module", "NamedTuple", "Enum", "Interface", "ModuleInterface");

  private final List<Token> tokens;
  private final Limits limits;
  private int p;
  private int depth;

  private Parser(List<Token> tokens, Limits limits) {
    this.tokens = tokens;
    this.limits = limits;
  }

  /** Parses one code file's text. */
  static FileUnit parse(String text, Limits limits) {
    return new Parser(Lexer.tokens(text, limits), limits).file();
  }

  // ------------------------------------------------------------------ helpers

  private Token peek() {
    return tokens.get(p);
  }

  private Token next() {
    Token t = tokens.get(p);
    if (t.kind() != Kind.END) {
      p++;
    }
    return t;
  }

  private SourceError error(Token t, ReasonCode r, String msg) {
    return new SourceError(r, t.line(), t.column(), msg);
  }

  /** An unexpected token: a non-canonical form when it is an operator the printer never writes. */
  private SourceError unexpected(Token t, String expected) {
    if (t.kind() == Kind.PUNCT && OPERATORS.contains(t.text())
        || t.kind() == Kind.NAME && INFIX_WORDS.contains(t.text())) {
      return error(
          t,
          FormatReason.TORCHSCRIPT_NONCANONICAL,
          "operator '"
              + t.text()
              + "' (the printer writes every"
              + " operator as a call such as torch.add)");
    }
    String what =
        switch (t.kind()) {
          case NEWLINE -> "end of line";
          case INDENT -> "an indented block";
          case DEDENT, END -> "end of block";
          default -> "'" + clip(t.text()) + "'";
        };
    return error(
        t, FormatReason.TORCHSCRIPT_SYNTAX_INVALID, "expected " + expected + ", found " + what);
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  private Token expect(String punct) {
    Token t = next();
    if (!t.is(punct)) {
      throw unexpected(t, "'" + punct + "'");
    }
    return t;
  }

  private void expectKind(Kind k, String what) {
    Token t = next();
    if (t.kind() != k) {
      throw unexpected(t, what);
    }
  }

  private String ident() {
    Token t = next();
    if (t.kind() != Kind.NAME || KEYWORDS.contains(t.text())) {
      throw unexpected(t, "a name");
    }
    return t.text();
  }

  private void enter(Token at) {
    if (++depth > limits.maxDepth()) {
      throw error(
          at, FormatReason.TORCHSCRIPT_LIMIT_EXCEEDED, "nested deeper than " + limits.maxDepth());
    }
  }

  private void leave() {
    depth--;
  }

  // ------------------------------------------------------------------ file and classes

  private FileUnit file() {
    List<ClassDef> classes = new ArrayList<>();
    List<FuncDef> functions = new ArrayList<>();
    while (peek().kind() != Kind.END) {
      Token t = peek();
      if (t.isName("class")) {
        classes.add(classDef());
      } else if (t.isName("def")) {
        functions.add(funcDef());
      } else if (t.isName("import") || t.isName("from") || t.isName("op_version_set")) {
        throw error(
            t,
            FormatReason.TORCHSCRIPT_NONCANONICAL,
            "a top-level '"
                + t.text()
                + "' line (current printers write none; libtorch skips it silently)");
      } else {
        throw unexpected(t, "'class' or 'def' at top level");
      }
    }
    return new FileUnit(classes, functions);
  }

  private ClassDef classDef() {
    Token kw = next();
    String name = ident();
    String base = "";
    if (peek().is("(")) {
      next();
      Token b = peek();
      base = ident();
      if (!CLASS_BASES.contains(base)) {
        throw error(
            b,
            FormatReason.TORCHSCRIPT_TYPE_NOT_ALLOWED,
            "class base '"
                + clip(base)
                + "' (only "
                + String.join(", ", new java.util.TreeSet<>(CLASS_BASES))
                + ")");
      }
      expect(")");
    }
    expect(":");
    expectKind(Kind.NEWLINE, "end of line");
    expectKind(Kind.INDENT, "an indented class body");
    List<Attribute> attributes = new ArrayList<>();
    List<String> constants = new ArrayList<>();
    List<String> parameters = new ArrayList<>();
    List<String> buffers = new ArrayList<>();
    List<FuncDef> methods = new ArrayList<>();
    Set<String> names = new HashSet<>();
    while (!peek().isKind(Kind.DEDENT)) {
      Token t = peek();
      if (t.isName("def")) {
        FuncDef f = funcDef();
        if (!names.add("def " + f.name())) {
          throw error(
              t,
              FormatReason.TORCHSCRIPT_SYNTAX_INVALID,
              "method '" + f.name() + "' defined twice");
        }
        methods.add(f);
        continue;
      }
      if (t.isName("pass")) {
        next();
      } else if (t.isName("__parameters__") || t.isName("__buffers__")) {
        next();
        expect("=");
        List<String> into = t.text().equals("__parameters__") ? parameters : buffers;
        if (!into.isEmpty()) {
          throw error(t, FormatReason.TORCHSCRIPT_SYNTAX_INVALID, t.text() + " given twice");
        }
        expect("[");
        while (!peek().is("]")) {
          Token s = next();
          if (s.kind() != Kind.STRING) {
            throw unexpected(s, "a string");
          }
          into.add(s.text());
          expect(",");
        }
        next();
      } else if (t.isName("__annotations__")) {
        next();
        expect("[");
        Token s = next();
        if (s.kind() != Kind.STRING) {
          throw unexpected(s, "a string");
        }
        expect("]");
        expect("=");
        declare(names, s, s.text());
        attributes.add(new Attribute(s.text(), type(), s.line()));
      } else {
        String n = ident();
        if (peek().is(":")) {
          next();
          TypeExpr type = type();
          declare(names, t, n);
          if (type.name().equals("Final")) {
            expect("=");
            literal();
            constants.add(n);
          } else {
            attributes.add(new Attribute(n, type, t.line()));
          }
        } else if (peek().is("=")) { // Enum value
          next();
          literal();
          declare(names, t, n);
          constants.add(n);
        } else {
          throw unexpected(peek(), "':' or '=' in a class body");
        }
      }
      expectKind(Kind.NEWLINE, "end of line");
    }
    next();
    return new ClassDef(name, base, attributes, constants, parameters, buffers, methods, kw.line());
  }

  private void declare(Set<String> names, Token at, String name) {
    if (!names.add(name)) {
      throw error(
          at,
          FormatReason.TORCHSCRIPT_SYNTAX_INVALID,
          "attribute '" + clip(name) + "' declared twice");
    }
  }

  private Expr literal() {
    Expr e = expr();
    if (!isConstant(e)) {
      throw error(
          tokens.get(p - 1),
          FormatReason.TORCHSCRIPT_SYNTAX_INVALID,
          "a class constant is not a literal");
    }
    return e;
  }

  /**
   * A literal, or a tuple of constants: the printer writes a {@code Final[Tuple[int]]} constant
   * (nn.LayerNorm's normalized_shape, a conv's kernel_size) as {@code (4,)}. Nesting is bounded by
   * the parser's depth limit.
   */
  private static boolean isConstant(Expr e) {
    if (e instanceof TupleX t) {
      for (Expr item : t.items()) {
        if (!isConstant(item)) {
          return false;
        }
      }
      return true;
    }
    return e instanceof Literal;
  }

  // ------------------------------------------------------------------ functions and statements

  private FuncDef funcDef() {
    Token kw = next();
    enter(kw);
    String name = ident();
    expect("(");
    List<Param> params = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    while (!peek().is(")")) {
      Token at = peek();
      String pn = ident();
      if (!seen.add(pn)) {
        throw error(
            at, FormatReason.TORCHSCRIPT_SYNTAX_INVALID, "parameter '" + pn + "' given twice");
      }
      TypeExpr pt = null;
      if (peek().is(":")) {
        next();
        pt = type();
      }
      Expr dflt = null;
      if (peek().is("=")) {
        next();
        dflt = expr();
      }
      params.add(new Param(pn, pt, dflt));
      if (!peek().is(")")) {
        expect(",");
      }
    }
    next();
    TypeExpr returns = null;
    if (peek().is("->")) {
      next();
      returns = type();
    }
    expect(":");
    List<Stmt> body = block();
    leave();
    return new FuncDef(name, params, returns, body, kw.line());
  }

  private List<Stmt> block() {
    expectKind(Kind.NEWLINE, "end of line");
    Token in = peek();
    expectKind(Kind.INDENT, "an indented block");
    enter(in);
    List<Stmt> body = new ArrayList<>();
    while (!peek().isKind(Kind.DEDENT)) {
      body.add(statement());
    }
    next();
    leave();
    return body;
  }

  private Stmt statement() {
    Token t = peek();
    if (t.kind() == Kind.NAME) {
      switch (t.text()) {
        case "if" -> {
          next();
          Expr test = expr();
          expect(":");
          List<Stmt> body = block();
          List<Stmt> orElse = List.of();
          if (peek().isName("else")) {
            next();
            expect(":");
            orElse = block();
          }
          return new If(test, body, orElse);
        }
        case "while" -> {
          next();
          Expr test = expr();
          expect(":");
          return new While(test, block());
        }
        case "for" -> {
          next();
          List<Expr> targets = exprList("in");
          if (!peek().isName("in")) {
            throw unexpected(peek(), "'in'");
          }
          next();
          Expr iter = expr();
          expect(":");
          return new For(targets, iter, block());
        }
        case "with" -> {
          next();
          Expr item = expr();
          expect(":");
          return new With(item, block());
        }
        case "return" -> {
          next();
          Expr value = null;
          if (!peek().isKind(Kind.NEWLINE)) {
            value = tupleOf(exprList(null), t);
          }
          expectKind(Kind.NEWLINE, "end of line");
          return new Return(value);
        }
        case "pass" -> {
          next();
          expectKind(Kind.NEWLINE, "end of line");
          return new Pass();
        }
        case "def" -> {
          return new Def(funcDef());
        }
        case "elif",
            "break",
            "continue",
            "raise",
            "assert",
            "del",
            "global",
            "nonlocal",
            "try",
            "import",
            "from",
            "lambda",
            "yield",
            "class" ->
            throw error(
                t,
                FormatReason.TORCHSCRIPT_NONCANONICAL,
                "'" + t.text() + "' (the printer does not write it inside a function)");
        default -> {}
      }
    }
    List<Expr> left = exprList(null);
    Stmt s;
    if (peek().is("=")) {
      next();
      Expr value = tupleOf(exprList(null), t);
      if (peek().is("=")) {
        throw error(peek(), FormatReason.TORCHSCRIPT_NONCANONICAL, "chained assignment");
      }
      for (Expr target : left) {
        requireTarget(target);
      }
      s = new Assign(left, null, value);
    } else if (peek().is(":")) {
      next();
      if (left.size() != 1 || !(left.get(0) instanceof Name)) {
        throw error(
            t,
            FormatReason.TORCHSCRIPT_SYNTAX_INVALID,
            "an annotated assignment to something other than a name");
      }
      TypeExpr type = type();
      expect("=");
      s = new Assign(left, type, expr());
    } else {
      s = new ExprStmt(tupleOf(left, t));
    }
    expectKind(Kind.NEWLINE, "end of line");
    return s;
  }

  private void requireTarget(Expr e) {
    if (!(e instanceof Name || e instanceof Attr || e instanceof Index)) {
      throw error(
          tokens.get(p - 1),
          FormatReason.TORCHSCRIPT_SYNTAX_INVALID,
          "cannot assign to this expression (line " + e.line() + ")");
    }
  }

  private static Expr tupleOf(List<Expr> items, Token at) {
    return items.size() == 1 && !trailingComma(items)
        ? items.get(0)
        : new TupleX(items, at.line(), at.column());
  }

  private static boolean trailingComma(List<Expr> items) {
    return items instanceof CommaList c && c.trailing;
  }

  /** A list that remembers whether a trailing comma made it a tuple. */
  private static final class CommaList extends ArrayList<Expr> {
    private static final long serialVersionUID = 1L;
    boolean trailing;
  }

  /**
   * Comma-separated expressions (with an optional trailing comma), stopping before {@code
   * stopWord}.
   */
  private List<Expr> exprList(@Nullable String stopWord) {
    CommaList items = new CommaList();
    items.add(expr());
    while (peek().is(",")) {
      next();
      Token t = peek();
      if (t.is("=")
          || t.is(":")
          || t.is(")")
          || t.is("]")
          || t.kind() == Kind.NEWLINE
          || stopWord != null && t.isName(stopWord)) {
        items.trailing = true;
        break;
      }
      items.add(expr());
    }
    return items;
  }

  // ------------------------------------------------------------------ expressions

  private Expr expr() {
    Token t = peek();
    enter(t);
    Expr e;
    if (t.is("-")) {
      next();
      Token n = next();
      // The printer writes a float constant with its sign: -inf, and -nan for a NaN whose sign bit
      // is set (what 0.0 * inf folds to on x86).
      if (n.kind() != Kind.NUMBER && !n.isName("inf") && !n.isName("nan")) {
        throw error(
            t,
            FormatReason.TORCHSCRIPT_NONCANONICAL,
            "unary '-' on something other than a number literal");
      }
      e = new Literal(Literal.Kind.NUMBER, "-" + n.text(), t.line(), t.column());
    } else {
      e = trailers(atom());
    }
    leave();
    Token after = peek();
    if (after.kind() == Kind.PUNCT && OPERATORS.contains(after.text())
        || after.kind() == Kind.NAME && INFIX_WORDS.contains(after.text()) && !after.isName("in")) {
      throw unexpected(after, "the end of an expression");
    }
    return e;
  }

  private Expr atom() {
    Token t = next();
    switch (t.kind()) {
      case NUMBER -> {
        return new Literal(Literal.Kind.NUMBER, t.text(), t.line(), t.column());
      }
      case STRING -> {
        return new Literal(Literal.Kind.STRING, t.text(), t.line(), t.column());
      }
      case NAME -> {
        switch (t.text()) {
          case "None" -> {
            return new Literal(Literal.Kind.NONE, "None", t.line(), t.column());
          }
          case "True", "False" -> {
            return new Literal(Literal.Kind.BOOL, t.text(), t.line(), t.column());
          }
          case "inf", "nan" -> {
            return new Literal(Literal.Kind.NUMBER, t.text(), t.line(), t.column());
          }
          default -> {
            if (KEYWORDS.contains(t.text())) {
              if (INFIX_WORDS.contains(t.text())) {
                throw unexpected(t, "an expression");
              }
              throw error(
                  t,
                  FormatReason.TORCHSCRIPT_NONCANONICAL,
                  "keyword '" + t.text() + "' in an expression");
            }
            return new Name(t.text(), t.line(), t.column());
          }
        }
      }
      case PUNCT -> {
        switch (t.text()) {
          case "(" -> {
            if (peek().is(")")) {
              next();
              return new TupleX(List.of(), t.line(), t.column());
            }
            List<Expr> items = exprList(null);
            expect(")");
            return items.size() == 1 && !trailingComma(items)
                ? new Paren(items.get(0), t.line(), t.column())
                : new TupleX(items, t.line(), t.column());
          }
          case "[" -> {
            List<Expr> items = peek().is("]") ? List.of() : exprList(null);
            expect("]");
            return new ListX(items, t.line(), t.column());
          }
          case "{" -> {
            List<Expr> keys = new ArrayList<>();
            List<Expr> values = new ArrayList<>();
            while (!peek().is("}")) {
              keys.add(expr());
              expect(":");
              values.add(expr());
              if (!peek().is("}")) {
                expect(",");
              }
            }
            next();
            return new DictX(keys, values, t.line(), t.column());
          }
          default -> throw unexpected(t, "an expression");
        }
      }
      default -> throw unexpected(t, "an expression");
    }
  }

  private Expr trailers(Expr e) {
    int opened = 0;
    while (true) {
      Token t = peek();
      if (t.is(".")) {
        next();
        e = new Attr(e, ident(), e.line(), e.column());
      } else if (t.is("(")) {
        next();
        List<Expr> args = new ArrayList<>();
        List<Keyword> keywords = new ArrayList<>();
        while (!peek().is(")")) {
          Token a = peek();
          if (a.kind() == Kind.NAME && tokens.get(p + 1).is("=")) {
            String k = ident();
            next();
            keywords.add(new Keyword(k, expr()));
          } else if (!keywords.isEmpty()) {
            throw error(
                a,
                FormatReason.TORCHSCRIPT_SYNTAX_INVALID,
                "a positional argument after a keyword argument");
          } else {
            args.add(expr());
          }
          if (!peek().is(")")) {
            expect(",");
          }
        }
        next();
        e = new Call(e, args, keywords, t.line(), t.column());
      } else if (t.is("[")) {
        next();
        Expr index =
            peek().is("]")
                ? new TupleX(List.of(), t.line(), t.column())
                : tupleOf(exprList(null), t);
        if (peek().is(":")) {
          throw error(
              peek(),
              FormatReason.TORCHSCRIPT_NONCANONICAL,
              "slice syntax (the printer writes torch.slice)");
        }
        expect("]");
        e = new Index(e, index, t.line(), t.column());
      } else {
        break;
      }
      // a chain of trailers is nesting too: a.b.c.d... builds a left-deep tree the checker walks
      enter(t);
      opened++;
    }
    depth -= opened;
    return e;
  }

  // ------------------------------------------------------------------ types

  private TypeExpr type() {
    Token t = peek();
    enter(t);
    StringBuilder name = new StringBuilder();
    if (t.is("(")) { // Tuple[()]
      next();
      expect(")");
      leave();
      return new TypeExpr("()", List.of(), t.line(), t.column());
    }
    if (t.isName("None")) {
      next();
      leave();
      return new TypeExpr("NoneType", List.of(), t.line(), t.column());
    }
    name.append(ident());
    while (peek().is(".")) {
      next();
      name.append('.').append(ident());
      if (name.length() > limits.maxIdentifier()) {
        throw error(
            t,
            FormatReason.TORCHSCRIPT_LIMIT_EXCEEDED,
            "type name longer than " + limits.maxIdentifier());
      }
    }
    List<TypeExpr> args = new ArrayList<>();
    if (peek().is("[")) {
      next();
      args.add(type());
      while (peek().is(",")) {
        next();
        if (peek().is("]")) {
          break;
        }
        args.add(type());
      }
      expect("]");
    }
    leave();
    return new TypeExpr(name.toString(), args, t.line(), t.column());
  }
}
