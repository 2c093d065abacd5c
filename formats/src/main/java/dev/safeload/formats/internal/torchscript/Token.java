package dev.safeload.formats.internal.torchscript;

/**
 * One token of a code file. {@code text} is the identifier, number, decoded string or punctuation.
 */
record Token(Kind kind, String text, int line, int column) {
  enum Kind {
    NAME,
    NUMBER,
    STRING,
    PUNCT,
    NEWLINE,
    INDENT,
    DEDENT,
    END
  }

  boolean is(String punct) {
    return kind == Kind.PUNCT && text.equals(punct);
  }

  boolean isKind(Kind k) {
    return kind == k;
  }

  boolean isName(String name) {
    return kind == Kind.NAME && text.equals(name);
  }
}
