package dev.safeload.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A bounded reader of SPDX licence expressions (SPDX 2.3 annex D, SPDX 3 simple licensing) and the
 * allowlist rule of {@link dev.safeload.LoadPolicy.Builder#allowLicenses}.
 *
 * <p>Grammar: {@code or := and ("OR" and)*}, {@code and := term ("AND" term)*}, {@code term := "("
 * or ")" | id ["+"] ["WITH" id]}; operators are upper case, ids are letters, digits, {@code . - :}
 * (for {@code DocumentRef-x:LicenseRef-y}). An expression longer than {@value #MAX_CHARS}
 * characters or nested deeper than {@value #MAX_DEPTH} is not read, so parsing and judging are
 * linear in the (short) input. Placeholders that state no licence ({@code NOASSERTION}, {@code
 * NONE}, and the Hugging Face keys {@code other} and {@code unknown}) make the expression
 * unreadable: they cannot be allowed.
 */
public final class LicenseExpression {
  /** Longest expression read; real declarations are a few dozen characters. */
  public static final int MAX_CHARS = 512;

  /** Deepest parenthesis nesting read. */
  public static final int MAX_DEPTH = 16;

  private static final Set<String> NO_LICENSE = Set.of("noassertion", "none", "other", "unknown");

  /** A parsed expression; {@link #canonical} is the form allowlist entries are compared in. */
  public sealed interface Node permits Leaf, And, Or {
    /**
     * Ids in lower case, operators in upper case, single spaces, compound operands parenthesised.
     */
    String canonical();
  }

  /** {@code id}, {@code id+} or {@code id WITH exception}. */
  record Leaf(String canonical) implements Node {}

  /** Every operand applies. */
  record And(List<Node> operands, String canonical) implements Node {}

  /** Any one operand may be chosen. */
  record Or(List<Node> operands, String canonical) implements Node {}

  private final List<String> tokens;
  private int pos;

  private LicenseExpression(List<String> tokens) {
    this.tokens = tokens;
  }

  /** The expression, or {@code null} if it is not a readable SPDX licence expression. */
  public static @Nullable Node parse(String text) {
    if (text.length() > MAX_CHARS) {
      return null;
    }
    List<String> tokens = tokenize(text);
    if (tokens == null || tokens.isEmpty()) {
      return null;
    }
    LicenseExpression p = new LicenseExpression(tokens);
    Node n = p.or(0);
    return n == null || p.pos != tokens.size() ? null : n;
  }

  /**
   * Whether a declaration is allowed by entries (each already {@linkplain #parse parsed} and given
   * as its {@linkplain Node#canonical canonical} form): it is listed itself, or it is an {@code OR}
   * with an allowed operand, or an {@code AND} whose operands are all allowed. One visit per node.
   */
  public static boolean allowed(Node declared, Set<String> allowedCanonical) {
    if (allowedCanonical.contains(declared.canonical())) {
      return true;
    }
    if (declared instanceof Or or) {
      return or.operands().stream().anyMatch(o -> allowed(o, allowedCanonical));
    }
    if (declared instanceof And and) {
      return and.operands().stream().allMatch(o -> allowed(o, allowedCanonical));
    }
    return false;
  }

  private static @Nullable List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        i++;
      } else if (c == '(' || c == ')' || c == '+') {
        out.add(String.valueOf(c));
        i++;
      } else if (idChar(c)) {
        int start = i;
        while (i < text.length() && idChar(text.charAt(i))) {
          i++;
        }
        out.add(text.substring(start, i));
      } else {
        return null;
      }
    }
    return out;
  }

  private static boolean idChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '-'
        || c == ':';
  }

  private @Nullable Node or(int depth) {
    List<Node> operands = new ArrayList<>();
    Node first = and(depth);
    if (first == null) {
      return null;
    }
    operands.add(first);
    while (peek("OR")) {
      pos++;
      Node n = and(depth);
      if (n == null) {
        return null;
      }
      operands.add(n);
    }
    return operands.size() == 1 ? first : new Or(List.copyOf(operands), join(operands, " OR "));
  }

  private @Nullable Node and(int depth) {
    List<Node> operands = new ArrayList<>();
    Node first = term(depth);
    if (first == null) {
      return null;
    }
    operands.add(first);
    while (peek("AND")) {
      pos++;
      Node n = term(depth);
      if (n == null) {
        return null;
      }
      operands.add(n);
    }
    return operands.size() == 1 ? first : new And(List.copyOf(operands), join(operands, " AND "));
  }

  private @Nullable Node term(int depth) {
    if (pos >= tokens.size()) {
      return null;
    }
    String t = tokens.get(pos);
    if (t.equals("(")) {
      if (depth >= MAX_DEPTH) {
        return null;
      }
      pos++;
      Node inner = or(depth + 1);
      if (inner == null || !peek(")")) {
        return null;
      }
      pos++;
      return inner;
    }
    if (!isId(t)) {
      return null;
    }
    pos++;
    StringBuilder c = new StringBuilder(t.toLowerCase(Locale.ROOT));
    if (peek("+")) {
      pos++;
      c.append('+');
    }
    if (peek("WITH")) {
      pos++;
      if (pos >= tokens.size() || !isId(tokens.get(pos))) {
        return null;
      }
      c.append(" WITH ").append(tokens.get(pos).toLowerCase(Locale.ROOT));
      pos++;
    }
    return new Leaf(c.toString());
  }

  private boolean isId(String t) {
    return idChar(t.charAt(0))
        && !t.equals("AND")
        && !t.equals("OR")
        && !t.equals("WITH")
        && !NO_LICENSE.contains(t.toLowerCase(Locale.ROOT));
  }

  private boolean peek(String t) {
    return pos < tokens.size() && tokens.get(pos).equals(t);
  }

  private static String join(List<Node> operands, String op) {
    StringBuilder b = new StringBuilder();
    for (Node n : operands) {
      if (b.length() > 0) {
        b.append(op);
      }
      b.append(n instanceof Leaf ? n.canonical() : "(" + n.canonical() + ")");
    }
    return b.toString();
  }
}
