package dev.safeload.formats.internal.template;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.template.Node.Bool;
import dev.safeload.formats.internal.template.Node.Expr;
import dev.safeload.formats.internal.template.Node.Filter;
import dev.safeload.formats.internal.template.Node.Kw;
import dev.safeload.formats.internal.template.Node.Str;
import java.util.List;
import java.util.Set;

/**
 * The filter allowlist with the arguments each filter admits. Filters that take an attribute path
 * ({@code map(attribute=)}, {@code selectattr}, {@code sort(attribute=)}, {@code join(attribute=)})
 * or the name of another filter or test ({@code map('upper')}, {@code select('odd')}) get them only
 * as string literals that pass the member rules: a computed path or name would reopen the holes the
 * member rules close ({@code map('attr', '__class__')}). {@code format} only on a plain printf
 * literal (checked by the policy). {@code attr}, {@code xmlattr}, {@code groupby}, {@code pprint},
 * {@code random}, {@code batch} and every other filter are refused.
 */
final class FilterRules {
  private FilterRules() {}

  private static final Set<String> NO_ARGS =
      Set.of(
          "length",
          "count",
          "string",
          "items",
          "upper",
          "lower",
          "safe",
          "list",
          "first",
          "last",
          "reverse",
          "abs",
          "capitalize",
          "title",
          "from_json",
          "e",
          "escape",
          "forceescape",
          "striptags",
          "wordcount",
          "urlencode");

  static void check(Filter f) {
    String name = f.name();
    List<Expr> args = f.args();
    List<Kw> kw = f.kwargs();
    if (NO_ARGS.contains(name)) {
      limit(f, 0, Set.of());
      return;
    }
    switch (name) {
      case "tojson" -> limit(f, 1, Set.of("ensure_ascii", "indent", "separators", "sort_keys"));
      case "format" -> limit(f, 16, Set.of()); // the format string itself is checked by the policy
      case "trim" -> limit(f, 1, Set.of("chars"));
      case "default", "d" -> limit(f, 2, Set.of("default_value", "boolean"));
      case "dictsort" -> limit(f, 3, Set.of("case_sensitive", "by", "reverse"));
      case "replace" -> {
        limit(f, 3, Set.of("count"));
        if (args.size() < 2) {
          throw bad(f, "takes 2 or 3 arguments");
        }
      }
      case "indent" -> limit(f, 3, Set.of("width", "first", "blank"));
      case "int" -> limit(f, 2, Set.of("default", "base"));
      case "float" -> limit(f, 1, Set.of("default"));
      case "round" -> limit(f, 2, Set.of("precision", "method"));
      case "truncate" -> limit(f, 4, Set.of("length", "killwords", "end", "leeway"));
      case "join" -> {
        limit(f, 2, Set.of("d", "attribute"));
        if (args.size() == 2) {
          path(f, args.get(1));
        }
        kwPath(f);
      }
      case "selectattr", "rejectattr" -> {
        limit(f, 3, Set.of());
        if (args.isEmpty()) {
          throw bad(f, "needs an attribute");
        }
        path(f, args.get(0));
        if (args.size() >= 2) {
          testName(f, args.get(1));
        }
      }
      case "select", "reject" -> {
        limit(f, 2, Set.of());
        if (!args.isEmpty()) {
          testName(f, args.get(0));
        }
      }
      case "map" -> {
        if (!kw.isEmpty()) {
          limit(f, 0, Set.of("attribute", "default"));
          boolean hasAttribute = false;
          for (Kw k : kw) {
            hasAttribute |= k.name().equals("attribute");
          }
          if (!hasAttribute) {
            throw bad(f, "takes attribute= or one filter name");
          }
          kwPath(f);
        } else {
          if (args.size() != 1
              || !(args.get(0) instanceof Str s)
              || !Allowlists.MAP_FILTERS.contains(s.value())) {
            throw bad(f, "takes attribute= or one filter name from the map allowlist");
          }
        }
      }
      case "sum" -> {
        limit(f, 0, Set.of("attribute", "start"));
        kwPath(f);
      }
      case "sort", "min", "max", "unique" -> {
        limit(f, 2, Set.of("attribute", "reverse", "case_sensitive"));
        for (Expr a : args) {
          if (!(a instanceof Bool)) {
            throw bad(f, "takes only literal booleans positionally (attribute= by keyword)");
          }
        }
        kwPath(f);
      }
      default ->
          throw new TemplateRejection(
              FormatReason.TEMPLATE_FILTER_NOT_ALLOWED,
              "filter " + name + " is not allowed in a chat template");
    }
  }

  private static void limit(Filter f, int maxPositional, Set<String> keywords) {
    if (f.args().size() > maxPositional) {
      throw bad(f, "takes at most " + maxPositional + " positional arguments");
    }
    for (Kw k : f.kwargs()) {
      if (!keywords.contains(k.name())) {
        throw bad(f, "does not take " + k.name() + "=");
      }
    }
  }

  private static void kwPath(Filter f) {
    for (Kw k : f.kwargs()) {
      if (k.name().equals("attribute")) {
        path(f, k.value());
      }
    }
  }

  /** An attribute path: a string literal whose dotted parts are indices or allowed member names. */
  private static void path(Filter f, Expr e) {
    if (!(e instanceof Str s)) {
      throw bad(f, "takes an attribute path only as a string literal");
    }
    for (String part : s.value().split("\\.", -1)) {
      if (!part.isEmpty() && part.chars().allMatch(c -> c >= '0' && c <= '9')) {
        continue;
      }
      if (part.isEmpty()) {
        throw bad(f, "has an empty attribute path part");
      }
      TemplatePolicyRules.readMember(part);
    }
  }

  private static void testName(Filter f, Expr e) {
    if (!(e instanceof Str s) || !Allowlists.TESTS.contains(s.value())) {
      throw bad(f, "takes a test name only as a string literal from the test allowlist");
    }
  }

  private static TemplateRejection bad(Filter f, String what) {
    return new TemplateRejection(
        FormatReason.TEMPLATE_FILTER_NOT_ALLOWED, "filter " + f.name() + " " + what);
  }
}
