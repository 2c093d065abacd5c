package dev.safeload.formats.internal.template;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.formats.internal.template.Node.*;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our parser against jinja2's on tricky inputs (closers inside brackets and strings, comments,
 * whitespace control, precedence, postfix forms, literals, statements): same tree, or both refuse.
 * Fixtures: {@code src/test/resources/template/parser-differential.txt}, written by {@code
 * generate.py} next to it with jinja2 3.1.
 */
class ParserDifferentialTest {

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                ParserDifferentialTest.class.getResourceAsStream(
                    "/template/parser-differential.txt"),
                StandardCharsets.US_ASCII))) {
      r.readLine(); // header
      for (String in = r.readLine(); in != null; in = r.readLine()) {
        String input = new String(Base64.getDecoder().decode(in), StandardCharsets.UTF_8);
        out.add(Arguments.of(input, r.readLine()));
      }
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void sameTreeAsJinja(String input, String jinja) {
    String ours;
    try {
      ours = body(Parser.parse(input, TemplateLimits.DEFAULT).body());
    } catch (TemplateRejection e) {
      ours = "ERROR";
    }
    assertEquals(jinja, ours, input);
  }

  // ---------------------------------------------------------------- canonical form (as
  // generate.py)

  static String body(List<Stmt> body) {
    List<String> out = new ArrayList<>();
    for (Stmt s : body) {
      if (s instanceof Output o) {
        out.add("(out " + e(o.value()) + ")");
      } else if (s instanceof If i) {
        List<String> arms = new ArrayList<>();
        for (int k = 0; k < i.tests().size(); k++) {
          arms.add(e(i.tests().get(k)) + " " + body(i.bodies().get(k)));
        }
        out.add("(if [" + String.join(" ", arms) + "] " + body(i.orElse()) + ")");
      } else if (s instanceof For f) {
        out.add(
            "(for "
                + e(f.target())
                + " "
                + e(f.iter())
                + " "
                + e(f.cond())
                + " "
                + f.recursive()
                + " "
                + body(f.body())
                + " "
                + body(f.orElse())
                + ")");
      } else if (s instanceof Assign a) {
        out.add("(set " + e(a.target()) + " " + e(a.value()) + ")");
      } else if (s instanceof AssignBlock a) {
        out.add("(setblock " + e(a.target()) + " " + e(a.filter()) + " " + body(a.body()) + ")");
      } else if (s instanceof Macro m) {
        List<String> params = new ArrayList<>();
        m.params().forEach(p -> params.add(js(p)));
        out.add(
            "(macro "
                + js(m.name())
                + " ["
                + String.join(" ", params)
                + "] "
                + list(m.defaults())
                + " "
                + body(m.body())
                + ")");
      } else if (s instanceof FilterBlock f) {
        out.add("(filterblock " + e(f.filter()) + " " + body(f.body()) + ")");
      } else if (s instanceof Break) {
        out.add("(break)");
      } else if (s instanceof Continue) {
        out.add("(continue)");
      }
    }
    return "[" + String.join(" ", out) + "]";
  }

  static String list(List<Expr> es) {
    List<String> out = new ArrayList<>();
    es.forEach(x -> out.add(e(x)));
    return "[" + String.join(" ", out) + "]";
  }

  static String kws(List<Kw> kws) {
    List<String> out = new ArrayList<>();
    kws.forEach(k -> out.add(js(k.name()) + " " + e(k.value())));
    return "[" + String.join(" ", out) + "]";
  }

  static String e(Expr x) {
    if (x == null) {
      return "null";
    }
    if (x instanceof Name n) {
      return "(name " + js(n.name()) + ")";
    }
    if (x instanceof NsRef r) {
      return "(nsref " + js(r.name()) + " " + js(r.attr()) + ")";
    }
    if (x instanceof Str s) {
      return "(str " + js(s.value()) + ")";
    }
    if (x instanceof Int i) {
      return "(int " + i.value() + ")";
    }
    if (x instanceof Flt) {
      return "(float)";
    }
    if (x instanceof Bool b) {
      return "(bool " + b.value() + ")";
    }
    if (x instanceof NoneLit) {
      return "(none)";
    }
    if (x instanceof ListLit l) {
      return "(list " + list(l.items()) + ")";
    }
    if (x instanceof TupleLit t) {
      return "(tuple " + list(t.items()) + ")";
    }
    if (x instanceof DictLit d) {
      List<String> out = new ArrayList<>();
      for (int k = 0; k < d.keys().size(); k++) {
        out.add(e(d.keys().get(k)) + " " + e(d.values().get(k)));
      }
      return "(dict [" + String.join(" ", out) + "])";
    }
    if (x instanceof Cond c) {
      return "(cond " + e(c.test()) + " " + e(c.then()) + " " + e(c.orElse()) + ")";
    }
    if (x instanceof Bin b) {
      return "(bin " + js(b.op()) + " " + e(b.left()) + " " + e(b.right()) + ")";
    }
    if (x instanceof Concat c) {
      return "(concat " + list(c.items()) + ")";
    }
    if (x instanceof Not n) {
      return "(not " + e(n.value()) + ")";
    }
    if (x instanceof Neg n) {
      return "(neg " + e(n.value()) + ")";
    }
    if (x instanceof Pos p) {
      return "(pos " + e(p.value()) + ")";
    }
    if (x instanceof Compare c) {
      List<String> ops = new ArrayList<>();
      for (int k = 0; k < c.ops().size(); k++) {
        ops.add(js(c.ops().get(k)) + " " + e(c.operands().get(k)));
      }
      return "(compare " + e(c.first()) + " [" + String.join(" ", ops) + "])";
    }
    if (x instanceof Getattr g) {
      return "(getattr " + e(g.obj()) + " " + js(g.name()) + ")";
    }
    if (x instanceof Getitem g) {
      return "(getitem " + e(g.obj()) + " " + e(g.key()) + ")";
    }
    if (x instanceof Slice s) {
      return "(slice " + e(s.start()) + " " + e(s.stop()) + " " + e(s.step()) + ")";
    }
    if (x instanceof Call c) {
      return "(call "
          + e(c.callee())
          + " "
          + list(c.args())
          + " "
          + kws(c.kwargs())
          + " "
          + e(c.dynArgs())
          + " "
          + e(c.dynKwargs())
          + ")";
    }
    if (x instanceof Filter f) {
      return "(filter "
          + e(f.obj())
          + " "
          + js(f.name())
          + " "
          + list(f.args())
          + " "
          + kws(f.kwargs())
          + " "
          + e(f.dynArgs())
          + " "
          + e(f.dynKwargs())
          + ")";
    }
    if (x instanceof Test t) {
      String test =
          "(test "
              + e(t.obj())
              + " "
              + js(t.name())
              + " "
              + list(t.args())
              + " "
              + kws(t.kwargs())
              + " "
              + e(t.dynArgs())
              + " "
              + e(t.dynKwargs())
              + ")";
      return t.negated() ? "(not " + test + ")" : test; // Jinja wraps a negated test in Not
    }
    throw new IllegalArgumentException(x.getClass().getSimpleName());
  }

  /** A JSON string literal as Python's json.dumps(ensure_ascii=True) writes it. */
  static String js(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
