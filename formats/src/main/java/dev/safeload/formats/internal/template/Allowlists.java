package dev.safeload.formats.internal.template;

import java.util.Map;
import java.util.Set;

/**
 * The names the policy knows. Generalised from the Jinja language, the renderers that run chat
 * templates (transformers, llama.cpp, llama-cpp-python, vLLM, jinjava) and 48 real templates; see
 * {@link TemplatePolicy} for how each list is used.
 */
final class Allowlists {
  private Allowlists() {}

  /**
   * Globals a renderer provides as callables; they may only be called (or tested with
   * defined/undefined).
   */
  static final Set<String> CALLABLE_GLOBALS =
      Set.of("namespace", "range", "raise_exception", "strftime_now", "dict");

  /**
   * Free names that reach objects with reflective paths to the interpreter: Jinja's other default
   * globals ({@code lipsum}, {@code cycler}, {@code joiner}), the template reference {@code self},
   * macro internals, and names Flask and jinjava add.
   */
  static final Set<String> GADGETS =
      Set.of(
          "lipsum",
          "cycler",
          "joiner",
          "self",
          "caller",
          "varargs",
          "kwargs",
          "config",
          "request",
          "session",
          "g",
          "url_for",
          "get_flashed_messages",
          "super");

  /** {@code loop} members (all values: {@code cycle} and {@code changed} are refused). */
  static final Set<String> LOOP_ATTRS =
      Set.of(
          "index",
          "index0",
          "revindex",
          "revindex0",
          "first",
          "last",
          "length",
          "previtem",
          "nextitem",
          "depth",
          "depth0");

  /** {@code loop} members that are numbers or booleans, never strings. */
  static final Set<String> LOOP_NON_STR =
      Set.of(
          "index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0");

  /**
   * Member names no template may read, call or define, whatever the profile: Python internals
   * without underscores (frames, code, tracebacks, generators, coroutines, {@code mro}, Python 2
   * names) and Java/JavaScript reflection (jinjava renders with bean properties; huggingface.js is
   * JavaScript).
   */
  static final Set<String> RESERVED =
      Set.of(
          "mro",
          "format_map",
          "class",
          "getClass",
          "classLoader",
          "getClassLoader",
          "forName",
          "newInstance",
          "invoke",
          "getMethod",
          "getMethods",
          "getDeclaredMethod",
          "getDeclaredMethods",
          "getRuntime",
          "exec",
          "module",
          "getModule",
          "declaringClass",
          "getDeclaringClass",
          "protectionDomain",
          "getProtectionDomain",
          "constructor",
          "prototype",
          "globals",
          "builtins",
          "subclasses",
          "func_globals",
          "func_code",
          "func_closure",
          "im_func",
          "im_self",
          "im_class",
          "gi_frame",
          "gi_code",
          "tb_frame",
          "f_globals",
          "f_locals",
          "f_builtins",
          "f_back",
          "environment",
          "interpreter",
          "jinjava");

  /**
   * Prefixes of reserved member names (frames, code objects, tracebacks, generators, coroutines).
   */
  static final String[] RESERVED_PREFIXES = {
    "gi_", "cr_", "ag_", "f_", "co_", "tb_", "func_", "im_"
  };

  /**
   * Methods that may be called, with their positional argument counts [min, max]; none takes
   * keywords. {@code format} has its own rule.
   */
  static final Map<String, int[]> METHODS =
      Map.ofEntries(
          Map.entry("strip", new int[] {0, 1}),
          Map.entry("lstrip", new int[] {0, 1}),
          Map.entry("rstrip", new int[] {0, 1}),
          Map.entry("split", new int[] {0, 2}),
          Map.entry("rsplit", new int[] {0, 2}),
          Map.entry("splitlines", new int[] {0, 1}),
          Map.entry("startswith", new int[] {1, 3}),
          Map.entry("endswith", new int[] {1, 3}),
          Map.entry("replace", new int[] {2, 3}),
          Map.entry("upper", new int[] {0, 0}),
          Map.entry("lower", new int[] {0, 0}),
          Map.entry("title", new int[] {0, 0}),
          Map.entry("capitalize", new int[] {0, 0}),
          Map.entry("casefold", new int[] {0, 0}),
          Map.entry("swapcase", new int[] {0, 0}),
          Map.entry("get", new int[] {1, 2}),
          Map.entry("items", new int[] {0, 0}),
          Map.entry("keys", new int[] {0, 0}),
          Map.entry("values", new int[] {0, 0}),
          Map.entry("append", new int[] {1, 1}),
          Map.entry("update", new int[] {1, 1}),
          Map.entry("pop", new int[] {0, 1}),
          Map.entry("find", new int[] {1, 3}),
          Map.entry("rfind", new int[] {1, 3}),
          Map.entry("count", new int[] {1, 3}),
          Map.entry("join", new int[] {1, 1}),
          Map.entry("partition", new int[] {1, 1}),
          Map.entry("rpartition", new int[] {1, 1}),
          Map.entry("isdigit", new int[] {0, 0}),
          Map.entry("isalpha", new int[] {0, 0}),
          Map.entry("isalnum", new int[] {0, 0}),
          Map.entry("isspace", new int[] {0, 0}),
          Map.entry("isnumeric", new int[] {0, 0}),
          Map.entry("isdecimal", new int[] {0, 0}),
          Map.entry("islower", new int[] {0, 0}),
          Map.entry("isupper", new int[] {0, 0}),
          Map.entry("istitle", new int[] {0, 0}),
          Map.entry("removeprefix", new int[] {1, 1}),
          Map.entry("removesuffix", new int[] {1, 1}));

  /**
   * Method names that may also be read as a value: plausible data fields ({@code items} and {@code
   * title} in JSON Schema, {@code index} of a streamed tool call) whose bound methods hand back
   * nothing a template could use to spell a name (views, numbers, title-cased text).
   */
  static final Set<String> METHOD_NAMES_AS_FIELDS =
      Set.of("items", "title", "count", "values", "keys", "index");

  /**
   * Methods that may never be read as a value (a bound method can be stored and called later under
   * an allowed name): mutators and the rest of the built-in containers' methods.
   */
  static final Set<String> NEVER_VALUES =
      Set.of(
          "format",
          "format_map",
          "pop",
          "popitem",
          "append",
          "extend",
          "insert",
          "remove",
          "clear",
          "update",
          "setdefault",
          "sort",
          "reverse",
          "copy",
          "fromkeys",
          // the other str, list and dict methods that hand back strings or stored values: stored
          // under an
          // allowed method name in a dict literal, one would be called as that method and break the
          // analysis's assumptions about what e.g. split() or count() returns
          "center",
          "ljust",
          "rjust",
          "zfill",
          "expandtabs",
          "translate",
          "maketrans",
          "encode",
          "partition",
          "rpartition",
          "get",
          "join",
          "replace",
          "strip",
          "lstrip",
          "rstrip",
          "split",
          "rsplit",
          "splitlines",
          "lower",
          "upper",
          "casefold",
          "swapcase",
          "capitalize",
          "removeprefix",
          "removesuffix",
          "startswith",
          "endswith",
          "find",
          "rfind",
          "rindex",
          "isalnum",
          "isalpha",
          "isascii",
          "isdecimal",
          "isdigit",
          "isidentifier",
          "islower",
          "isnumeric",
          "isprintable",
          "isspace",
          "istitle",
          "isupper",
          "hex",
          "fromhex",
          "to_bytes",
          "from_bytes",
          "as_integer_ratio",
          "bit_length",
          "bit_count",
          "conjugate",
          "is_integer");

  /** Methods that transform the receiver's text (split pieces, stripped, case-mapped). */
  static final Set<String> DATA_METHODS =
      Set.of(
          "split",
          "rsplit",
          "splitlines",
          "strip",
          "lstrip",
          "rstrip",
          "lower",
          "upper",
          "title",
          "capitalize",
          "casefold",
          "swapcase",
          "removeprefix",
          "removesuffix",
          "partition",
          "rpartition");

  /** Methods that select from a container without changing its elements. */
  static final Set<String> SELECT_METHODS = Set.of("items", "keys", "values", "pop");

  /** Methods whose result is a number or boolean. */
  static final Set<String> NON_STR_METHODS =
      Set.of(
          "startswith",
          "endswith",
          "find",
          "rfind",
          "count",
          "isdigit",
          "isalpha",
          "isalnum",
          "isspace",
          "isnumeric",
          "isdecimal",
          "islower",
          "isupper",
          "istitle");

  /** Tests: at most one argument. */
  static final Set<String> TESTS =
      Set.of(
          "defined",
          "undefined",
          "none",
          "string",
          "mapping",
          "iterable",
          "sequence",
          "number",
          "integer",
          "float",
          "boolean",
          "true",
          "false",
          "eq",
          "equalto",
          "ne",
          "lt",
          "lessthan",
          "le",
          "gt",
          "greaterthan",
          "ge",
          "in",
          "even",
          "odd",
          "divisibleby",
          "lower",
          "upper",
          "sameas",
          "callable",
          "escaped");

  /**
   * Filters whose value argument is consumed as a leaf (converted to a fresh string, number or
   * JSON).
   */
  static final Set<String> LEAF_FILTERS =
      Set.of(
          "tojson",
          "string",
          "length",
          "count",
          "trim",
          "safe",
          "lower",
          "upper",
          "int",
          "float",
          "abs",
          "round",
          "capitalize",
          "title",
          "e",
          "escape",
          "forceescape",
          "wordcount",
          "striptags",
          "truncate",
          "urlencode",
          "indent",
          "replace",
          "from_json");

  /** Filters that transform their input's text. */
  static final Set<String> DATA_FILTERS =
      Set.of("trim", "lower", "upper", "reverse", "capitalize", "title");

  /**
   * Filters that select from their input without changing its elements (on a string, they yield
   * single characters or the string itself).
   */
  static final Set<String> SELECT_FILTERS =
      Set.of(
          "list",
          "items",
          "dictsort",
          "first",
          "last",
          "selectattr",
          "rejectattr",
          "select",
          "reject",
          "sort",
          "unique",
          "string",
          "map");

  /** Filters whose result is a number or boolean. */
  static final Set<String> NON_STR_FILTERS =
      Set.of("length", "count", "int", "float", "abs", "round", "wordcount");

  /** Filters {@code map} may apply by name. */
  static final Set<String> MAP_FILTERS =
      Set.of(
          "upper",
          "lower",
          "string",
          "trim",
          "tojson",
          "length",
          "int",
          "float",
          "capitalize",
          "title",
          "first",
          "last",
          "list",
          "abs",
          "round",
          "e",
          "escape",
          "safe");

  static boolean isReserved(String n) {
    if (RESERVED.contains(n)) {
      return true;
    }
    for (String p : RESERVED_PREFIXES) {
      if (n.startsWith(p)) {
        return true;
      }
    }
    return false;
  }
}
