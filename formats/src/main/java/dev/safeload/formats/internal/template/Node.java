package dev.safeload.formats.internal.template;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The syntax tree of a template: the node kinds of Jinja's own parser that chat templates can use.
 * Expression nodes are compared by identity in the policy's analyses, so each parse yields fresh
 * objects (records are never shared between positions in the tree).
 */
sealed interface Node {

  // ------------------------------------------------------------------ statements

  /** A statement in a template body. */
  sealed interface Stmt extends Node {}

  /** Literal text between tags. */
  record Text(String text) implements Stmt {}

  /** {@code {{ e }}}. */
  record Output(Expr value) implements Stmt {}

  /** {@code if t0 … elif t1 … else … endif}: {@code tests.size() == bodies.size()}. */
  record If(List<Expr> tests, List<List<Stmt>> bodies, List<Stmt> orElse) implements Stmt {}

  /** {@code for target in iter [if cond] [recursive] … [else …] endfor}. */
  record For(
      Expr target,
      Expr iter,
      @Nullable Expr cond,
      boolean recursive,
      List<Stmt> body,
      List<Stmt> orElse)
      implements Stmt {}

  /** {@code set target = value}; the target is a Name, NsRef or a Tuple of them. */
  record Assign(Expr target, Expr value) implements Stmt {}

  /**
   * {@code set target [| filters] … endset}; {@code filter} is a Filter chain whose innermost
   * object is null.
   */
  record AssignBlock(Expr target, @Nullable Filter filter, List<Stmt> body) implements Stmt {}

  /** {@code macro name(params, with = defaults) … endmacro}; defaults belong to the last params. */
  record Macro(String name, List<String> params, List<Expr> defaults, List<Stmt> body)
      implements Stmt {}

  /** {@code filter f … endfilter}; the chain's innermost object is null. */
  record FilterBlock(Filter filter, List<Stmt> body) implements Stmt {}

  /** {@code break} (loopcontrols). */
  record Break() implements Stmt {}

  /** {@code continue} (loopcontrols). */
  record Continue() implements Stmt {}

  /** {@code generation … endgeneration} (transformers' assistant-mask extension). */
  record Generation(List<Stmt> body) implements Stmt {}

  // ------------------------------------------------------------------ expressions

  /** An expression. */
  sealed interface Expr extends Node {}

  /** A variable read (or, as a target, a binding). */
  record Name(String name) implements Expr {}

  /** {@code ns.attr} as an assignment target. */
  record NsRef(String name, String attr) implements Expr {}

  /** A string constant (adjacent literals already joined, escapes decoded). */
  record Str(String value) implements Expr {}

  /** An integer constant (bounded by the parser). */
  record Int(long value) implements Expr {}

  /** A float constant. */
  record Flt(double value) implements Expr {}

  /** {@code true}/{@code false}/{@code none} and their capitalised spellings. */
  record Bool(boolean value) implements Expr {}

  /** {@code none}. */
  record NoneLit() implements Expr {}

  /** {@code [a, b]}. */
  record ListLit(List<Expr> items) implements Expr {}

  /** {@code (a, b)} or a bare tuple. */
  record TupleLit(List<Expr> items) implements Expr {}

  /** {@code {k: v}}: {@code keys.size() == values.size()}. */
  record DictLit(List<Expr> keys, List<Expr> values) implements Expr {}

  /** {@code then if test else orElse}; without {@code else} it yields undefined. */
  record Cond(Expr test, Expr then, @Nullable Expr orElse) implements Expr {}

  /** {@code or and + - * / // % **}. */
  record Bin(String op, Expr left, Expr right) implements Expr {}

  /** {@code a ~ b ~ c}. */
  record Concat(List<Expr> items) implements Expr {}

  /** {@code not e}. */
  record Not(Expr value) implements Expr {}

  /** {@code -e}. */
  record Neg(Expr value) implements Expr {}

  /** {@code +e}. */
  record Pos(Expr value) implements Expr {}

  /** {@code a op1 b op2 c}: ops are {@code eq ne lt lteq gt gteq in notin}. */
  record Compare(Expr first, List<String> ops, List<Expr> operands) implements Expr {}

  /** {@code e.name}. */
  record Getattr(Expr obj, String name) implements Expr {}

  /** {@code e[key]} and {@code e.0}. */
  record Getitem(Expr obj, Expr key) implements Expr {}

  /** {@code a:b:c} inside a subscript. */
  record Slice(@Nullable Expr start, @Nullable Expr stop, @Nullable Expr step) implements Expr {}

  /** A keyword argument {@code name=value}. */
  record Kw(String name, Expr value) {}

  /** {@code f(args, k=v, *dynArgs, **dynKwargs)}. */
  record Call(
      Expr callee,
      List<Expr> args,
      List<Kw> kwargs,
      @Nullable Expr dynArgs,
      @Nullable Expr dynKwargs)
      implements Expr {}

  /** {@code obj | name(args)}; obj is null only for the head of a filter block or block set. */
  record Filter(
      @Nullable Expr obj,
      String name,
      List<Expr> args,
      List<Kw> kwargs,
      @Nullable Expr dynArgs,
      @Nullable Expr dynKwargs)
      implements Expr {}

  /** {@code obj is [not] name args}. */
  record Test(
      Expr obj,
      String name,
      List<Expr> args,
      List<Kw> kwargs,
      @Nullable Expr dynArgs,
      @Nullable Expr dynKwargs,
      boolean negated)
      implements Expr {}
}
