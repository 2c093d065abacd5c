package dev.safeload.benchmarks;

import dev.safeload.formats.internal.safetensors.Dtype;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * The baseline: the same strict safetensors header rules as safeload's zero-copy parser, written
 * the efficient way with jackson-core 3 streaming. Duplicate keys are rejected by jackson ({@link
 * StreamReadFeature#STRICT_DUPLICATE_DETECTION}); field names come canonicalized from jackson's
 * symbol table; dtypes are matched on jackson's char buffer without a String; numbers must be
 * integral and in range; the result is the same column-oriented index (with names as Strings, which
 * is how jackson hands them out); coverage is checked with the same algorithm.
 */
final class JacksonHeaderParser {
  private static final char[][] DTYPE_CHARS = new char[Dtype.values().length][];

  static {
    for (Dtype d : Dtype.values()) {
      DTYPE_CHARS[d.ordinal()] = d.name().toCharArray();
    }
  }

  /** The compact index: names, dtype ordinals, shapes in one array, offsets. */
  static final class Index {
    int count;
    String[] names = new String[16];
    byte[] dtype = new byte[16];
    int[] shapeStart = new int[17];
    long[] dims = new long[32];
    long[] begin = new long[16];
    long[] end = new long[16];
    Map<String, String> metadata = Map.of();

    void grow() {
      int cap = count * 2;
      names = Arrays.copyOf(names, cap);
      dtype = Arrays.copyOf(dtype, cap);
      shapeStart = Arrays.copyOf(shapeStart, cap + 1);
      begin = Arrays.copyOf(begin, cap);
      end = Arrays.copyOf(end, cap);
    }
  }

  private final JsonFactory factory =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxDocumentLength(100_000_000L)
                  .maxNestingDepth(3)
                  .maxNumberLength(20)
                  .maxNameLength(16 << 20)
                  .maxStringLength(16 << 20)
                  .build())
          .build();

  /**
   * Parses the header {@code [8, 8 + n)} of {@code file}; {@code dataLength} is the data buffer's
   * size.
   */
  Index parse(byte[] file, int n, long dataLength) {
    int first = file[8];
    if (first == ' ' || first == '\t' || first == '\n' || first == '\r') {
      throw new IllegalArgumentException("SAFETENSORS_HEADER_LEADING_WHITESPACE");
    }
    Index ix = new Index();
    try (JsonParser p = factory.createParser(ObjectReadContext.empty(), file, 8, n)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("SAFETENSORS_HEADER_NOT_OBJECT");
      }
      for (String name = p.nextName(); name != null; name = p.nextName()) {
        if (name.equals("__metadata__")) {
          ix.metadata = metadata(p);
          continue;
        }
        if (ix.count >= 300_000) {
          throw new IllegalArgumentException("SAFETENSORS_TOO_MANY_TENSORS");
        }
        checkName(name);
        if (ix.count == ix.names.length) {
          ix.grow();
        }
        ix.names[ix.count] = name;
        entry(p, ix, dataLength);
        ix.count++;
      }
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("SAFETENSORS_JSON_INVALID: trailing tokens");
      }
    }
    checkCoverage(ix, dataLength);
    return ix;
  }

  private static Map<String, String> metadata(JsonParser p) {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return Map.of();
    }
    if (t != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("SAFETENSORS_METADATA_INVALID");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (String k = p.nextName(); k != null; k = p.nextName()) {
      if (p.nextToken() != JsonToken.VALUE_STRING) {
        throw new IllegalArgumentException("SAFETENSORS_METADATA_INVALID");
      }
      m.put(k, p.getString());
    }
    return m;
  }

  private static void checkName(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("SAFETENSORS_NAME_INVALID");
    }
    int bytes = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException("SAFETENSORS_NAME_INVALID");
      }
      bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
    }
    if (bytes > 1024) {
      throw new IllegalArgumentException("SAFETENSORS_NAME_INVALID");
    }
  }

  private static void entry(JsonParser p, Index ix, long dataLength) {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("SAFETENSORS_ENTRY_NOT_OBJECT");
    }
    int dt = -1;
    boolean haveShape = false;
    boolean haveOffsets = false;
    int from = ix.shapeStart[ix.count];
    int to = from;
    long b = 0;
    long e = 0;
    for (String f = p.nextName(); f != null; f = p.nextName()) {
      switch (f) {
        case "dtype" -> dt = dtype(p);
        case "shape" -> {
          if (p.nextToken() != JsonToken.START_ARRAY) {
            throw new IllegalArgumentException("SAFETENSORS_SHAPE_INVALID");
          }
          for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            long x = integer(p, t);
            if (to - from >= 16) {
              throw new IllegalArgumentException("SAFETENSORS_RANK_TOO_LARGE");
            }
            if (to == ix.dims.length) {
              ix.dims = Arrays.copyOf(ix.dims, to * 2);
            }
            ix.dims[to++] = x;
          }
          haveShape = true;
        }
        case "data_offsets" -> {
          if (p.nextToken() != JsonToken.START_ARRAY) {
            throw new IllegalArgumentException("SAFETENSORS_OFFSETS_INVALID");
          }
          int k = 0;
          for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            long x = integer(p, t);
            if (k == 0) {
              b = x;
            } else if (k == 1) {
              e = x;
            } else {
              throw new IllegalArgumentException("SAFETENSORS_OFFSETS_INVALID");
            }
            k++;
          }
          if (k != 2 || b > e) {
            throw new IllegalArgumentException("SAFETENSORS_OFFSETS_INVALID");
          }
          haveOffsets = true;
        }
        default -> throw new IllegalArgumentException("SAFETENSORS_UNKNOWN_FIELD");
      }
    }
    if (dt < 0 || !haveShape || !haveOffsets) {
      throw new IllegalArgumentException("SAFETENSORS_MISSING_FIELD");
    }
    long elements = 1;
    for (int k = from; k < to; k++) {
      elements = Math.multiplyExact(elements, ix.dims[k]);
    }
    long bits = Math.multiplyExact(elements, (long) Dtype.values()[dt].bits());
    if ((bits & 7) != 0 || e - b != bits >>> 3 || e > dataLength) {
      throw new IllegalArgumentException("SAFETENSORS_SIZE_MISMATCH");
    }
    ix.dtype[ix.count] = (byte) dt;
    ix.shapeStart[ix.count + 1] = to;
    ix.begin[ix.count] = b;
    ix.end[ix.count] = e;
  }

  private static int dtype(JsonParser p) {
    if (p.nextToken() != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException("SAFETENSORS_UNKNOWN_DTYPE");
    }
    char[] buf = p.getStringCharacters();
    int off = p.getStringOffset();
    int len = p.getStringLength();
    for (int d = 0; d < DTYPE_CHARS.length; d++) {
      char[] c = DTYPE_CHARS[d];
      if (c.length == len && Arrays.equals(buf, off, off + len, c, 0, len)) {
        return d;
      }
    }
    throw new IllegalArgumentException("SAFETENSORS_UNKNOWN_DTYPE");
  }

  private static long integer(JsonParser p, JsonToken t) {
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw new IllegalArgumentException("SAFETENSORS_NUMBER_INVALID");
    }
    JsonParser.NumberType nt = p.getNumberType();
    if (nt == JsonParser.NumberType.BIG_INTEGER) {
      throw new IllegalArgumentException("SAFETENSORS_NUMBER_INVALID");
    }
    long v = p.getLongValue();
    if (v < 0 || (v == 0 && p.getString().startsWith("-"))) {
      throw new IllegalArgumentException("SAFETENSORS_NUMBER_INVALID");
    }
    return v;
  }

  private static void checkCoverage(Index ix, long dataLength) {
    int n = ix.count;
    Integer[] order = null;
    for (int i = 1; i < n; i++) {
      if (compare(ix, i - 1, i) > 0) {
        order = new Integer[n];
        for (int k = 0; k < n; k++) {
          order[k] = k;
        }
        Arrays.sort(order, (x, y) -> compare(ix, x, y));
        break;
      }
    }
    long running = 0;
    for (int k = 0; k < n; k++) {
      int i = order == null ? k : order[k];
      long b = ix.begin[i];
      if (b != running || (ix.end[i] == b && b < dataLength)) {
        throw new IllegalArgumentException(
            b > running ? "SAFETENSORS_HOLE" : "SAFETENSORS_OVERLAP");
      }
      running = ix.end[i];
    }
    if (running != dataLength) {
      throw new IllegalArgumentException("SAFETENSORS_TRAILING_BYTES");
    }
  }

  private static int compare(Index ix, int i, int j) {
    int c = Long.compare(ix.begin[i], ix.begin[j]);
    return c != 0 ? c : Long.compare(ix.end[i], ix.end[j]);
  }
}
