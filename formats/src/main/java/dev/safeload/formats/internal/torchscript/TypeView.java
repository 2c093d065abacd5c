package dev.safeload.formats.internal.torchscript;

import java.util.ArrayList;
import java.util.List;

/**
 * A declared type as the archive reader sees it: a name ({@code Tensor}, {@code List}, {@code
 * __torch__.a.Name}, {@code ()} for the empty tuple) and its arguments.
 */
public record TypeView(String name, List<TypeView> args) {
  public TypeView {
    args = List.copyOf(args);
  }

  static TypeView of(Ast.TypeExpr t) {
    List<TypeView> a = new ArrayList<>();
    for (Ast.TypeExpr x : t.args()) {
      a.add(of(x));
    }
    return new TypeView(t.name(), a);
  }

  @Override
  public String toString() {
    if (args.isEmpty()) {
      return name;
    }
    StringBuilder sb = new StringBuilder(name).append('[');
    for (int i = 0; i < args.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(args.get(i));
    }
    return sb.append(']').toString();
  }
}
