package dev.safeload.formats.internal.safetensors;

import java.nio.charset.StandardCharsets;

/**
 * The 22 element types of the safetensors reference implementation, with their size in bits. Names
 * are case-sensitive and matched exactly (no {@code F8_E4M3FN} alias exists).
 */
public enum Dtype {
  BOOL(8),
  F4(4),
  F6_E2M3(6),
  F6_E3M2(6),
  U8(8),
  I8(8),
  F8_E5M2(8),
  F8_E4M3(8),
  F8_E8M0(8),
  F8_E4M3FNUZ(8),
  F8_E5M2FNUZ(8),
  I16(16),
  U16(16),
  F16(16),
  BF16(16),
  I32(32),
  U32(32),
  F32(32),
  C64(64),
  F64(64),
  I64(64),
  U64(64);

  private static final Dtype[] VALUES = values();

  private final int bits;
  private final byte[] ascii;

  Dtype(int bits) {
    this.bits = bits;
    this.ascii = name().getBytes(StandardCharsets.US_ASCII);
  }

  /** Bits per element; 4 and 6 for the sub-byte float formats. */
  public int bits() {
    return bits;
  }

  /** The name as it appears in a header, as ASCII bytes (do not modify). */
  byte[] ascii() {
    return ascii;
  }

  static Dtype of(int ordinal) {
    return VALUES[ordinal];
  }

  static Dtype[] all() {
    return VALUES;
  }
}
