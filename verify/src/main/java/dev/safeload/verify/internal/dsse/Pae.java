package dev.safeload.verify.internal.dsse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** DSSE pre-authentication encoding. */
public final class Pae {
  /** The only payload type OMS and in-toto use. */
  public static final String IN_TOTO = "application/vnd.in-toto+json";

  private Pae() {}

  /**
   * {@code "DSSEv1" SP len(type) SP type SP len(payload) SP payload}, with lengths in
   * <em>bytes</em> of the UTF-8 type (sigstore-js CVE-2026-48758 used character counts, letting the
   * type change after signing).
   */
  public static byte[] encode(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + type.length + 32);
    out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(type);
    out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /**
   * The pre-v1.0 OMS encoding ({@code model_signing} 0.2): {@code "DSSEV1 28 <type> <len>
   * b'<repr>'"}, where the payload is written as Python's {@code repr()} of a bytes object. Only
   * used when a policy explicitly accepts v0.2 signatures.
   */
  public static byte[] encodeLegacy(String payloadType, byte[] payload) {
    StringBuilder sb = new StringBuilder();
    sb.append("DSSEV1 ")
        .append(payloadType.getBytes(StandardCharsets.UTF_8).length)
        .append(' ')
        .append(payloadType)
        .append(' ')
        .append(payload.length)
        .append(' ')
        .append(pythonBytesRepr(payload));
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String pythonBytesRepr(byte[] b) {
    boolean single = false;
    boolean dbl = false;
    for (byte x : b) {
      single |= x == '\'';
      dbl |= x == '"';
    }
    char q = single && !dbl ? '"' : '\'';
    StringBuilder sb = new StringBuilder("b").append(q);
    for (byte x : b) {
      int c = x & 0xff;
      if (c == q || c == '\\') {
        sb.append('\\').append((char) c);
      } else if (c == '\t') {
        sb.append("\\t");
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c < 0x20 || c >= 0x7f) {
        sb.append(String.format(java.util.Locale.ROOT, "\\x%02x", c));
      } else {
        sb.append((char) c);
      }
    }
    return sb.append(q).toString();
  }
}
