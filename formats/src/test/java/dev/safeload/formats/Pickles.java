package dev.safeload.formats;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Hand-assembled pickle bytes for tests (harmless markers only). */
public final class Pickles {
  private Pickles() {}

  /** Concatenates parts: String (latin-1 bytes), byte[], or Integer (one byte). */
  public static byte[] of(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
      } else if (p instanceof byte[] b) {
        out.writeBytes(b);
      } else if (p instanceof Integer i) {
        out.write(i);
      } else {
        throw new IllegalArgumentException(String.valueOf(p));
      }
    }
    return out.toByteArray();
  }

  /** BINUNICODE. */
  public static byte[] str(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return of("X", le32(b.length), b);
  }

  /** SHORT_BINUNICODE (protocol 4). */
  public static byte[] sstr(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return of(0x8c, b.length, b);
  }

  public static byte[] le32(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }

  public static byte[] le64(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }

  /** A persistent id for storage {@code key} of {@code numel} floats. */
  public static byte[] floatStorage(String key, int numel) {
    return of(
        "(", str("storage"), "ctorch\nFloatStorage\n", str(key), str("cpu"), "K", numel, "tQ");
  }

  /** _rebuild_tensor_v2(storage, 0, (n,), (1,), False, OrderedDict()). */
  public static byte[] tensor(byte[] storage, int offset, int n, int stride) {
    return of(
        "ctorch._utils\n_rebuild_tensor_v2\n(",
        storage,
        "K",
        offset,
        "K",
        n,
        0x85,
        "K",
        stride,
        0x85,
        0x89,
        "ccollections\nOrderedDict\n)Rt",
        "R");
  }

  /** {'w': tensor of 2 floats in storage '0'}: the smallest benign state dict. */
  public static byte[] benignStateDict() {
    return of(0x80, 2, "}", str("w"), tensor(floatStorage("0", 2), 0, 2, 1), "s.");
  }

  /** A valid .npy of {@code n} little-endian float32 zeros, written like NumPy 1.x does. */
  public static byte[] npy(int n) {
    String h = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + n + ",), }";
    StringBuilder sb = new StringBuilder(h);
    while ((10 + sb.length() + 1) % 64 != 0) {
      sb.append(' ');
    }
    sb.append('\n');
    byte[] header = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    return of(
        0x93, "NUMPY", 1, 0, header.length & 0xff, header.length >> 8, header, new byte[4 * n]);
  }

  /** builtins.print('pwned'): a call the profile does not admit, with a harmless callee. */
  public static byte[] evil() {
    return of(0x80, 2, "cbuiltins\nprint\n", str("pwned"), 0x85, "R.");
  }
}
