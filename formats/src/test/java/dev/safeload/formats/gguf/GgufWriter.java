package dev.safeload.formats.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds GGUF bytes for tests, including deliberately broken ones. */
final class GgufWriter {
  static final int UINT8 = 0,
      INT8 = 1,
      UINT16 = 2,
      INT16 = 3,
      UINT32 = 4,
      INT32 = 5,
      FLOAT32 = 6,
      BOOL = 7,
      STRING = 8,
      ARRAY = 9,
      UINT64 = 10,
      INT64 = 11,
      FLOAT64 = 12;

  long version = 3;
  Long tensorCount;
  Long kvCount;
  int alignment = 32;
  final List<byte[]> kvs = new ArrayList<>();
  final List<byte[]> infos = new ArrayList<>();
  byte[] data = new byte[0];
  byte[] trailer = new byte[0];

  /** A valid file: one F32 tensor of 4 elements, its 16 bytes of data padded to 32. */
  static GgufWriter valid() {
    GgufWriter w = new GgufWriter();
    w.kv("general.architecture", STRING, str("test"));
    w.tensor("t", 0, 0, 4);
    w.data = new byte[32];
    for (int i = 0; i < 16; i++) {
      w.data[i] = (byte) (i + 1);
    }
    return w;
  }

  GgufWriter kv(String key, int type, byte[] value) {
    kvs.add(cat(str(key), u32(type), value));
    return this;
  }

  GgufWriter tensor(String name, int type, long offset, long... dims) {
    byte[][] d = new byte[dims.length][];
    for (int i = 0; i < dims.length; i++) {
      d[i] = u64(dims[i]);
    }
    infos.add(cat(str(name), u32(dims.length), cat(d), u32(type), u64(offset)));
    return this;
  }

  byte[] build() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(u32(version));
    out.writeBytes(u64(tensorCount != null ? tensorCount : infos.size()));
    out.writeBytes(u64(kvCount != null ? kvCount : kvs.size()));
    kvs.forEach(out::writeBytes);
    infos.forEach(out::writeBytes);
    while (out.size() % alignment != 0) {
      out.write(0);
    }
    out.writeBytes(data);
    out.writeBytes(trailer);
    return out.toByteArray();
  }

  static byte[] str(String s) {
    return bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] bytes(byte[] b) {
    return cat(u64(b.length), b);
  }

  static byte[] u32(long v) {
    return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
  }

  static byte[] u64(long v) {
    return cat(u32(v), u32(v >>> 32));
  }

  static byte[] array(int elemType, long count, byte[]... elems) {
    return cat(u32(elemType), u64(count), cat(elems));
  }

  static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
