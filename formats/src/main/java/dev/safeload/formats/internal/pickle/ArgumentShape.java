package dev.safeload.formats.internal.pickle;

import dev.safeload.formats.pickle.PickleOpcode;

/**
 * How an opcode's argument is laid out in the stream, as CPython's {@code pickletools} describes
 * it: the one table that every structural walk over a pickle (detection, the second reader that
 * looks for pickles inside other formats) reads, so that none of them can disagree with another
 * about where the next opcode starts.
 */
public enum ArgumentShape {
  /** No argument. */
  NONE,
  /** A fixed number of bytes ({@link #width}). */
  FIXED,
  /** A little-endian length of {@link #width} bytes, then that many bytes. */
  LENGTH_PREFIXED,
  /** Text up to and including a newline. */
  LINE,
  /** Two newline-terminated lines (module and name). */
  TWO_LINES;

  /** The shape of {@code op}'s argument. */
  public static ArgumentShape of(PickleOpcode op) {
    return switch (op) {
      case FLOAT, INT, LONG, PERSID, STRING, UNICODE, GET, PUT -> LINE;
      case GLOBAL, INST -> TWO_LINES;
      case BININT1,
          BINGET,
          BINPUT,
          PROTO,
          EXT1,
          BININT2,
          EXT2,
          BININT,
          LONG_BINGET,
          LONG_BINPUT,
          EXT4,
          BINFLOAT,
          FRAME ->
          FIXED;
      case SHORT_BINSTRING,
          LONG1,
          SHORT_BINBYTES,
          SHORT_BINUNICODE,
          BINSTRING,
          BINUNICODE,
          LONG4,
          BINBYTES,
          BINUNICODE8,
          BINBYTES8,
          BYTEARRAY8 ->
          LENGTH_PREFIXED;
      default -> NONE;
    };
  }

  /**
   * For {@link #FIXED}: the argument's size; for {@link #LENGTH_PREFIXED}: the size of the length
   * field; otherwise 0.
   */
  public static int width(PickleOpcode op) {
    return switch (op) {
      case BININT1,
          BINGET,
          BINPUT,
          PROTO,
          EXT1,
          SHORT_BINSTRING,
          LONG1,
          SHORT_BINBYTES,
          SHORT_BINUNICODE ->
          1;
      case BININT2, EXT2 -> 2;
      case BININT, LONG_BINGET, LONG_BINPUT, EXT4, BINSTRING, BINUNICODE, LONG4, BINBYTES -> 4;
      case BINFLOAT, FRAME, BINUNICODE8, BINBYTES8, BYTEARRAY8 -> 8;
      default -> 0;
    };
  }
}
