package dev.safeload.formats.internal.torchscript;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The syntax tree of one code file: only the forms {@code torch.jit.save} prints. */
final class Ast {
  private Ast() {}

  /** A parsed code file: its classes and free functions. */
  record FileUnit(List<ClassDef> classes, List<FuncDef> functions) {}

  /**
   * A class. {@code base} is empty for a plain class (such as {@code no_grad}).
   *
   * @param attributes declared instance attributes in order (name to type), including {@code
   *     __annotations__["k"] = T} submodules; Final constants are not attributes
   * @param constants Final constants and Enum values, by name
   */
  record ClassDef(
      String name,
      String base,
      List<Attribute> attributes,
      List<String> constants,
      List<String> parameters,
      List<String> buffers,
      List<FuncDef> methods,
      int line) {}

  /** A declared attribute. */
  record Attribute(String name, TypeExpr type, int line) {}

  record FuncDef(
      String name, List<Param> params, @Nullable TypeExpr returns, List<Stmt> body, int line) {}

  record Param(String name, @Nullable TypeExpr type, @Nullable Expr defaultValue) {}

  /**
   * A type: a dotted name with optional arguments ({@code Optional[Tuple[Tensor, int]]}, {@code
   * Tuple[()]}).
   */
  record TypeExpr(String name, List<TypeExpr> args, int line, int column) {}

  sealed interface Stmt permits Assign, ExprStmt, If, While, For, With, Return, Pass, Def {}

  /**
   * {@code targets = value} or {@code target : type = value}; several targets form a tuple target.
   */
  record Assign(List<Expr> targets, @Nullable TypeExpr type, Expr value) implements Stmt {}

  record ExprStmt(Expr expr) implements Stmt {}

  record If(Expr test, List<Stmt> body, List<Stmt> orElse) implements Stmt {}

  record While(Expr test, List<Stmt> body) implements Stmt {}

  record For(List<Expr> targets, Expr iter, List<Stmt> body) implements Stmt {}

  record With(Expr item, List<Stmt> body) implements Stmt {}

  record Return(@Nullable Expr value) implements Stmt {}

  record Pass() implements Stmt {}

  record Def(FuncDef def) implements Stmt {}

  sealed interface Expr permits Name, Attr, Call, Index, Literal, TupleX, ListX, DictX, Paren {
    int line();

    int column();
  }

  record Name(String id, int line, int column) implements Expr {}

  /** {@code value.attr}. */
  record Attr(Expr value, String attr, int line, int column) implements Expr {}

  /** A call; {@code keywords} alternate name (a {@link Name}) and value. */
  record Call(Expr func, List<Expr> args, List<Keyword> keywords, int line, int column)
      implements Expr {}

  record Keyword(String name, Expr value) {}

  /** {@code value[index]}. */
  record Index(Expr value, Expr index, int line, int column) implements Expr {}

  /** A number, string, {@code None}, {@code True}, {@code False}, {@code inf} or {@code nan}. */
  record Literal(Kind kind, String text, int line, int column) implements Expr {
    enum Kind {
      NUMBER,
      STRING,
      NONE,
      BOOL
    }
  }

  record TupleX(List<Expr> items, int line, int column) implements Expr {}

  record ListX(List<Expr> items, int line, int column) implements Expr {}

  record DictX(List<Expr> keys, List<Expr> values, int line, int column) implements Expr {}

  /**
   * A parenthesised expression: {@code (recv).method(...)} is how the printer writes method calls.
   */
  record Paren(Expr inner, int line, int column) implements Expr {}
}
