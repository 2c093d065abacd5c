package dev.safeload.formats.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The opcode table equals CPython's {@code pickletools.opcodes} (name, byte, protocol), all 68. */
class PickleOpcodeTest {
  /** Generated from CPython 3 {@code pickletools.opcodes}: NAME=byte/protocol. */
  private static final String CPYTHON =
      "INT=73/0;BININT=74/1;BININT1=75/1;BININT2=77/1;LONG=76/0;LONG1=138/2;LONG4=139/2;STRING=83/0;BINSTRING=84/1;SHORT_BINSTRING=85/1;BINBYTES=66/3;SHORT_BINBYTES=67/3;BINBYTES8=142/4;BYTEARRAY8=150/5;NEXT_BUFFER=151/5;READONLY_BUFFER=152/5;NONE=78/0;NEWTRUE=136/2;NEWFALSE=137/2;UNICODE=86/0;SHORT_BINUNICODE=140/4;BINUNICODE=88/1;BINUNICODE8=141/4;FLOAT=70/0;BINFLOAT=71/1;EMPTY_LIST=93/1;APPEND=97/0;APPENDS=101/1;LIST=108/0;EMPTY_TUPLE=41/1;TUPLE=116/0;TUPLE1=133/2;TUPLE2=134/2;TUPLE3=135/2;EMPTY_DICT=125/1;DICT=100/0;SETITEM=115/0;SETITEMS=117/1;EMPTY_SET=143/4;ADDITEMS=144/4;FROZENSET=145/4;POP=48/0;DUP=50/0;MARK=40/0;POP_MARK=49/1;GET=103/0;BINGET=104/1;LONG_BINGET=106/1;PUT=112/0;BINPUT=113/1;LONG_BINPUT=114/1;MEMOIZE=148/4;EXT1=130/2;EXT2=131/2;EXT4=132/2;GLOBAL=99/0;STACK_GLOBAL=147/4;REDUCE=82/0;BUILD=98/0;INST=105/0;OBJ=111/1;NEWOBJ=129/2;NEWOBJ_EX=146/4;PROTO=128/2;STOP=46/0;FRAME=149/4;PERSID=80/0;BINPERSID=81/1";

  @Test
  void tableMatchesPickletools() {
    String[] entries = CPYTHON.split(";");
    assertEquals(68, entries.length);
    assertEquals(68, PickleOpcode.values().length);
    for (String e : entries) {
      String name = e.substring(0, e.indexOf('='));
      int code = Integer.parseInt(e.substring(e.indexOf('=') + 1, e.indexOf('/')));
      int proto = Integer.parseInt(e.substring(e.indexOf('/') + 1));
      PickleOpcode op = PickleOpcode.valueOf(name);
      assertEquals(code, op.code(), name);
      assertEquals(proto, op.protocol(), name);
      assertSame(op, PickleOpcode.of(code), name);
    }
  }
}
