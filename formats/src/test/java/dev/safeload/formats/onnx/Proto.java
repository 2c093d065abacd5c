package dev.safeload.formats.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A tiny protobuf writer for crafting ONNX test models, including invalid ones. */
final class Proto {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static Proto of() {
    return new Proto();
  }

  Proto tag(int field, int wireType) {
    return rawVarint(((long) field << 3) | wireType);
  }

  Proto rawVarint(long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return this;
  }

  Proto varint(int field, long v) {
    return tag(field, 0).rawVarint(v);
  }

  Proto bytes(int field, byte[] b) {
    tag(field, 2).rawVarint(b.length);
    out.writeBytes(b);
    return this;
  }

  Proto str(int field, String s) {
    return bytes(field, s.getBytes(StandardCharsets.UTF_8));
  }

  Proto msg(int field, Proto p) {
    return bytes(field, p.build());
  }

  Proto raw(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  byte[] build() {
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- ONNX shapes

  static Proto opset(String domain, long version) {
    return of().str(1, domain).varint(2, version);
  }

  static Proto entry(String k, String v) {
    return of().str(1, k).str(2, v);
  }

  static Proto node(String op, String domain, String in, String out) {
    Proto n = of().str(1, in).str(2, out).str(4, op);
    return domain == null ? n : n.str(7, domain);
  }

  /** A FLOAT tensor of shape [n] with raw_data of {@code 4 * n} bytes. */
  static Proto floatTensor(String name, int n) {
    return of().varint(1, n).varint(2, 1).str(8, name).bytes(9, new byte[4 * n]);
  }

  /** A FLOAT tensor of shape [n] stored externally with these external_data entries. */
  static Proto externalTensor(String name, int n, String... kv) {
    Proto t = of().varint(1, n).varint(2, 1).str(8, name);
    for (int i = 0; i < kv.length; i += 2) {
      t.msg(13, entry(kv[i], kv[i + 1]));
    }
    return t.varint(14, 1);
  }

  static Proto graph(Proto... parts) {
    Proto g = of().str(2, "g");
    for (Proto p : parts) {
      g.raw(p.build());
    }
    return g;
  }

  /** A model with IR 7, opset ai.onnx 13 and this graph. */
  static Proto model(Proto graph) {
    return of().varint(1, 7).str(2, "test").msg(7, graph).msg(8, opset("", 13));
  }

  /**
   * Wraps a message as a repeated/singular field of an enclosing message (for graph(...) parts).
   */
  static Proto field(int field, Proto p) {
    return of().msg(field, p);
  }
}
