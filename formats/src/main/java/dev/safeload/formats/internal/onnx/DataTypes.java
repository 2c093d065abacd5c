package dev.safeload.formats.internal.onnx;

/** ONNX TensorProto.DataType: names, element widths and which typed field may hold each. */
final class DataTypes {
  private DataTypes() {}

  static final int INT64 = 7;
  static final int STRING = 8;

  private static final String[] NAMES = {
    "UNDEFINED",
    "FLOAT",
    "UINT8",
    "INT8",
    "UINT16",
    "INT16",
    "INT32",
    "INT64",
    "STRING",
    "BOOL",
    "FLOAT16",
    "DOUBLE",
    "UINT32",
    "UINT64",
    "COMPLEX64",
    "COMPLEX128",
    "BFLOAT16",
    "FLOAT8E4M3FN",
    "FLOAT8E4M3FNUZ",
    "FLOAT8E5M2",
    "FLOAT8E5M2FNUZ",
    "UINT4",
    "INT4",
    "FLOAT4E2M1",
    "FLOAT8E8M0",
    "UINT2",
    "INT2"
  };

  /** Bits per element; 0 for UNDEFINED; -1 for STRING (variable). */
  private static final int[] BITS = {
    0, 32, 8, 8, 16, 16, 32, 64, -1, 8, 16, 64, 32, 64, 64, 128, 16, 8, 8, 8, 8, 4, 4, 4, 8, 2, 2
  };

  static String name(int type) {
    return type > 0 && type < NAMES.length ? NAMES[type] : "TYPE" + type;
  }

  /** Bits per element, -1 for STRING, 0 if the type is unknown or UNDEFINED. */
  static int bits(int type) {
    return type > 0 && type < BITS.length ? BITS[type] : 0;
  }

  /** Bytes of {@code n} packed elements (sub-byte types round up), -1 on overflow; 0 for STRING. */
  static long byteSize(int type, long n) {
    int bits = bits(type);
    if (bits < 0) {
      return 0;
    }
    if (bits < 8) {
      int per = 8 / bits;
      return n / per + (n % per == 0 ? 0 : 1);
    }
    try {
      return Math.multiplyExact(n, bits / 8);
    } catch (ArithmeticException e) {
      return -1;
    }
  }

  /**
   * How many values typed field {@code field} must hold for {@code n} elements of {@code type}, or
   * -1 if that field cannot hold this type (onnx.in.proto's rules per field).
   */
  static long typedCount(int type, int field, long n) {
    switch (field) {
      case 4: // float_data
        return type == 1 ? n : type == 14 ? mul2(n) : -1;
      case 10: // double_data
        return type == 11 ? n : type == 15 ? mul2(n) : -1;
      case 7: // int64_data
        return type == 7 ? n : -1;
      case 11: // uint64_data
        return type == 12 || type == 13 ? n : -1;
      case 6: // string_data
        return type == STRING ? n : -1;
      case 5: // int32_data: the small integer and float types, sub-byte types packed
        if (type == 6
            || type == 5
            || type == 3
            || type == 4
            || type == 2
            || type == 9
            || type == 10
            || type == 16
            || (type >= 17 && type <= 20)
            || type == 24) {
          return n;
        }
        if (type == 21 || type == 22 || type == 23) {
          return n / 2 + (n % 2);
        }
        if (type == 25 || type == 26) {
          return n / 4 + (n % 4 == 0 ? 0 : 1);
        }
        return -1;
      default:
        return -1;
    }
  }

  private static long mul2(long n) {
    return n > Long.MAX_VALUE / 2 ? -2 : n * 2;
  }
}
