package dev.safeload.formats.internal.safetensors;

import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.json.JsonException;
import dev.safeload.formats.internal.json.JsonReader;
import dev.safeload.formats.internal.json.JsonReader.Token;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A validated safetensors header as a compact, column-oriented tensor index: names stay spans of
 * the header buffer (decoded only by {@link #name(int)}), shapes share one {@code long[]}, offsets
 * are two {@code long[]}. Built by {@link #parse}, which applies every rule of the strict profile
 * and throws {@link FormatException} with a {@code SAFETENSORS_*} reason at the first violation.
 *
 * <p>Rules, in the order they are checked:
 *
 * <ol>
 *   <li>the file has 8 bytes; the little-endian u64 {@code N} is at most the header cap, and {@code
 *       8+N} is within the file;
 *   <li>the header begins with <code>&#123;</code> (no leading whitespace: DJL and other readers
 *       that test byte 8 read such a file differently) and is one strict JSON object (see {@link
 *       JsonReader}), optionally followed by JSON whitespace (the reference writer pads with
 *       spaces);
 *   <li>no key repeats in any object (the reference keeps the last duplicate, other readers the
 *       first);
 *   <li>{@code __metadata__} is {@code null} or an object of string values, within entry and byte
 *       caps;
 *   <li>every other key is a tensor name: non-empty, at most the name cap in UTF-8 bytes, no
 *       control character (U+0000..U+001F, U+007F..U+009F); at most the tensor cap;
 *   <li>each tensor entry is an object with exactly {@code dtype}, {@code shape} and {@code
 *       data_offsets}; the dtype is one of the 22 {@link Dtype}s; shape and offsets are arrays of
 *       integer literals in {@code [0, 2^63)} (no {@code 1.0}, no {@code 1e3}); rank within the
 *       cap; offsets are {@code [begin, end]} with {@code begin <= end};
 *   <li>elements x bits is computed with overflow checks, is a multiple of 8, and equals {@code
 *       (end - begin) * 8}; {@code end} is within the data buffer;
 *   <li>sorted by {@code (begin, end)}, the ranges cover the data buffer exactly: no hole, no
 *       overlap, no trailing byte;
 *   <li>a zero-size tensor sits on a boundary between tensors, never inside another's bytes.
 * </ol>
 *
 * <p><b>Zero-size tensors.</b> The reference writer gives an empty tensor the offset where it falls
 * in its (alignment, name) order, so {@code {"a":[0,8], "m":[8,8], "z":[8,20]}} and {@code
 * {"bias":[0,0], "weight":[0,16]}} are what it writes for any model with an empty tensor that does
 * not sort last (fixtures in {@code safetensors/reference}, written by the reference library).
 * These are accepted: an empty range names no bytes, so no reading of the file can hand it another
 * tensor's data, and rejecting them would refuse ordinary files. (A reader that derives a tensor's
 * length from the next tensor's offset, as the "F002 zero-size offset reuse" report supposes,
 * misreads such files whichever tool checked them.) What the writer never produces is an empty
 * tensor whose offset lies strictly inside another tensor's bytes; that is {@code
 * SAFETENSORS_OVERLAP}, as for any range that starts inside another.
 */
public final class SafetensorsHeader {

  /**
   * The caps the parser enforces.
   *
   * @param maxHeaderBytes largest header length {@code N}
   * @param maxTensors most tensors
   * @param maxRank most dimensions per shape
   * @param maxNameBytes longest tensor name in UTF-8 bytes
   * @param maxMetadataEntries most {@code __metadata__} entries
   * @param maxMetadataBytes most UTF-8 bytes of {@code __metadata__} keys and values together
   */
  public record Limits(
      long maxHeaderBytes,
      long maxTensors,
      long maxRank,
      long maxNameBytes,
      long maxMetadataEntries,
      long maxMetadataBytes) {}

  private static final byte[] METADATA = "__metadata__".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DTYPE = "dtype".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SHAPE = "shape".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA_OFFSETS = "data_offsets".getBytes(StandardCharsets.US_ASCII);

  /** Dtypes by name length, to match a dtype token against few candidates. */
  private static final Dtype[][] DTYPES_BY_LENGTH = new Dtype[16][];

  static {
    for (int len = 0; len < DTYPES_BY_LENGTH.length; len++) {
      List<Dtype> l = new ArrayList<>();
      for (Dtype d : Dtype.all()) {
        if (d.ascii().length == len) {
          l.add(d);
        }
      }
      DTYPES_BY_LENGTH[len] = l.toArray(new Dtype[0]);
    }
  }

  private final ByteBuffer header;
  private final long dataStart;
  private int count;
  private int[] nameStart;
  private int[] nameLen; // ~len when the raw name has escapes
  private byte[] dtype;
  private int[] shapeStart;
  private long[] dims;
  private long[] begin;
  private long[] end;
  private Map<String, String> metadata = Collections.emptyMap();
  private boolean hasMetadata;

  private SafetensorsHeader(ByteBuffer header, long dataStart, int capacity) {
    this.header = header;
    this.dataStart = dataStart;
    int c = Math.max(4, capacity);
    nameStart = new int[c];
    nameLen = new int[c];
    dtype = new byte[c];
    shapeStart = new int[c + 1];
    dims = new long[2 * c];
    begin = new long[c];
    end = new long[c];
  }

  /** Number of tensors. */
  public int size() {
    return count;
  }

  /** File offset of the data buffer: {@code 8 + N}. */
  public long dataStart() {
    return dataStart;
  }

  /** Tensor {@code i}'s name, decoded from the header (allocates). */
  public String name(int i) {
    int s = nameStart[i];
    int l = nameLen[i];
    byte[] b;
    int n;
    if (l >= 0) {
      b = new byte[l];
      header.get(s, b);
      n = l;
    } else {
      b = new byte[~l];
      n = JsonReader.decode(header, s, s + ~l, b);
    }
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }

  /** Tensor {@code i}'s element type. */
  public Dtype dtype(int i) {
    return Dtype.of(dtype[i]);
  }

  /** Tensor {@code i}'s shape (a copy). */
  public long[] shape(int i) {
    return Arrays.copyOfRange(dims, shapeStart[i], shapeStart[i + 1]);
  }

  /** Tensor {@code i}'s data offsets, relative to the data buffer. */
  public long begin(int i) {
    return begin[i];
  }

  public long end(int i) {
    return end[i];
  }

  /** Whether the header has a non-null {@code __metadata__}. */
  public boolean hasMetadata() {
    return hasMetadata;
  }

  /** {@code __metadata__} in file order (empty if absent or null). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The tensors in header order, with absolute file offsets. */
  public List<TensorInfo> tensors() {
    List<TensorInfo> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int from = shapeStart[i];
      int to = shapeStart[i + 1];
      Long[] shape = new Long[to - from];
      for (int k = from; k < to; k++) {
        shape[k - from] = dims[k];
      }
      out.add(
          new TensorInfo(
              name(i),
              dtype(i).name(),
              Arrays.asList(shape),
              dataStart + begin[i],
              end[i] - begin[i]));
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // parse

  /** Parses and validates the safetensors file in {@code bytes}. */
  public static SafetensorsHeader parse(ModelBytes bytes, Limits limits) {
    long size = bytes.size();
    if (size < 8) {
      throw new FormatException(
          FormatReason.SAFETENSORS_FILE_TOO_SMALL,
          0,
          "a safetensors file needs at least 8 bytes, this one has " + size);
    }
    ByteBuffer lenBytes = bytes.slice(0, 8); // little-endian
    long n = lenBytes.getLong(0);
    long cap = Math.min(limits.maxHeaderBytes(), Integer.MAX_VALUE - 8);
    if (n < 0 || n > cap) {
      throw new FormatException(
          FormatReason.SAFETENSORS_HEADER_TOO_LARGE,
          0,
          "header length " + Long.toUnsignedString(n) + " exceeds the limit of " + cap + " bytes");
    }
    if (n > size - 8) {
      throw new FormatException(
          FormatReason.SAFETENSORS_HEADER_LENGTH_INVALID,
          0,
          "header length " + n + " runs past the end of the " + size + "-byte file");
    }
    if (n == 0) {
      throw new FormatException(FormatReason.SAFETENSORS_JSON_INVALID, 8, "the header is empty");
    }
    ByteBuffer h = bytes.slice(8, (int) n);
    int first = h.get(0) & 0xff;
    if (first == ' ' || first == '\t' || first == '\n' || first == '\r') {
      throw new FormatException(
          FormatReason.SAFETENSORS_HEADER_LEADING_WHITESPACE,
          8,
          "the header starts with whitespace instead of '{'");
    }
    // Every tensor entry opens one '{', so the count of '{' bytes bounds the tensor count (and is
    // exact for ordinary headers). Capped by the policy, it sizes the index once: no regrowth.
    int capacity =
        (int)
            Math.min(countOpenBraces(h), Math.min(limits.maxTensors() + 1, Integer.MAX_VALUE - 8));
    SafetensorsHeader result = new SafetensorsHeader(h, 8 + n, capacity);
    try {
      JsonReader reader =
          new JsonReader(
              h, 8, new JsonReader.Limits(4, Integer.MAX_VALUE, 1000, Integer.MAX_VALUE));
      reader.expectMembers(capacity);
      result.read(reader, limits, size - 8 - n);
    } catch (JsonException e) {
      throw new FormatException(
          switch (e.kind()) {
            case UTF8 -> FormatReason.SAFETENSORS_HEADER_NOT_UTF8;
            case DUPLICATE_KEY -> FormatReason.SAFETENSORS_DUPLICATE_KEY;
            case NUMBER_LIMIT -> FormatReason.SAFETENSORS_NUMBER_INVALID;
            default -> FormatReason.SAFETENSORS_JSON_INVALID;
          },
          e.offset(),
          e.getMessage());
    }
    result.checkCoverage(size - 8 - n);
    return result;
  }

  /**
   * Number of '{' bytes in {@code h}, eight bytes at a time (exact per-byte zero test, no false
   * hits).
   */
  static long countOpenBraces(ByteBuffer h) {
    ByteBuffer b = h.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int n = b.limit();
    long count = 0;
    int i = 0;
    final long ones7f = 0x7F7F7F7F7F7F7F7FL;
    final long braces = 0x7B7B7B7B7B7B7B7BL;
    for (; i + 8 <= n; i += 8) {
      long x = b.getLong(i) ^ braces; // a '{' byte becomes 0x00
      long t = ((x & ones7f) + ones7f) | x | ones7f; // high bit set in every non-zero byte
      count += Long.bitCount(~t);
    }
    for (; i < n; i++) {
      if (b.get(i) == '{') {
        count++;
      }
    }
    return count;
  }

  private void read(JsonReader r, Limits limits, long dataLength) {
    if (r.next() != Token.BEGIN_OBJECT) {
      throw new FormatException(
          FormatReason.SAFETENSORS_HEADER_NOT_OBJECT, 8, "the header is not a JSON object");
    }
    long maxTensors = limits.maxTensors();
    for (Token t = r.next(); t != Token.END_OBJECT; t = r.next()) {
      // t is NAME: the reader allows nothing else here
      if (r.tokenEquals(METADATA)) {
        readMetadata(r, limits);
        continue;
      }
      if (count >= maxTensors) {
        throw new FormatException(
            FormatReason.SAFETENSORS_TOO_MANY_TENSORS,
            r.tokenOffset(),
            "more than " + maxTensors + " tensors");
      }
      addName(r, limits);
      if (!canonicalEntry(r, limits, dataLength)) {
        readEntry(r, limits, dataLength);
      }
      count++;
    }
    r.next(); // END_DOCUMENT, or a JsonException for trailing data
  }

  private void addName(JsonReader r, Limits limits) {
    int s = r.tokenStart();
    int len = r.tokenEnd() - s;
    long at = r.tokenOffset();
    int decoded = r.decodedLength(); // streaming: no buffer sized by a hostile name
    if (decoded == 0) {
      throw new FormatException(FormatReason.SAFETENSORS_NAME_INVALID, at, "empty tensor name");
    }
    if (decoded > limits.maxNameBytes()) {
      throw new FormatException(
          FormatReason.SAFETENSORS_NAME_INVALID,
          at,
          "tensor name longer than " + limits.maxNameBytes() + " bytes");
    }
    if (r.tokenUnusual()
        && r.tokenHasControl()) { // only escapes, DEL and non-ASCII can be controls
      throw new FormatException(
          FormatReason.SAFETENSORS_NAME_INVALID, at, "tensor name with a control character");
    }
    if (count == nameStart.length) {
      grow();
    }
    nameStart[count] = s;
    nameLen[count] = r.tokenEscaped() ? ~len : len;
  }

  private void grow() {
    int cap = count * 2;
    nameStart = Arrays.copyOf(nameStart, cap);
    nameLen = Arrays.copyOf(nameLen, cap);
    dtype = Arrays.copyOf(dtype, cap);
    shapeStart = Arrays.copyOf(shapeStart, cap + 1);
    begin = Arrays.copyOf(begin, cap);
    end = Arrays.copyOf(end, cap);
  }

  private void readEntry(JsonReader r, Limits limits, long dataLength) {
    long entryAt = r.tokenOffset();
    if (r.next() != Token.BEGIN_OBJECT) {
      throw new FormatException(
          FormatReason.SAFETENSORS_ENTRY_NOT_OBJECT,
          r.tokenOffset(),
          "a tensor entry must be a JSON object");
    }
    Dtype dt = null;
    boolean haveShape = false;
    boolean haveOffsets = false;
    int shapeFrom = shapeStart[count];
    int shapeTo = shapeFrom;
    long b = 0;
    long e = 0;
    for (Token t = r.next(); t != Token.END_OBJECT; t = r.next()) {
      if (r.tokenEquals(DTYPE)) {
        dt = readDtype(r);
      } else if (r.tokenEquals(SHAPE)) {
        shapeTo = readShape(r, limits, shapeFrom);
        haveShape = true;
      } else if (r.tokenEquals(DATA_OFFSETS)) {
        long at = r.offset();
        if (r.next() != Token.BEGIN_ARRAY) {
          throw new FormatException(
              FormatReason.SAFETENSORS_OFFSETS_INVALID,
              r.tokenOffset(),
              "data_offsets must be an array [begin, end]");
        }
        int k = 0;
        for (Token v = r.next(); v != Token.END_ARRAY; v = r.next()) {
          long x = integer(r, v, FormatReason.SAFETENSORS_OFFSETS_INVALID);
          if (k == 0) {
            b = x;
          } else if (k == 1) {
            e = x;
          } else {
            throw new FormatException(
                FormatReason.SAFETENSORS_OFFSETS_INVALID,
                r.tokenOffset(),
                "data_offsets has more than 2 elements");
          }
          k++;
        }
        if (k != 2) {
          throw new FormatException(
              FormatReason.SAFETENSORS_OFFSETS_INVALID,
              at,
              "data_offsets needs exactly 2 elements");
        }
        if (b > e) {
          throw new FormatException(
              FormatReason.SAFETENSORS_OFFSETS_INVALID,
              at,
              "data_offsets begin " + b + " > end " + e);
        }
        haveOffsets = true;
      } else {
        throw new FormatException(
            FormatReason.SAFETENSORS_UNKNOWN_FIELD,
            r.tokenOffset(),
            "tensor entry field '" + printable(r) + "' is not dtype, shape or data_offsets");
      }
    }
    if (dt == null || !haveShape || !haveOffsets) {
      throw new FormatException(
          FormatReason.SAFETENSORS_MISSING_FIELD,
          entryAt,
          "tensor entry lacks " + (dt == null ? "dtype" : !haveShape ? "shape" : "data_offsets"));
    }
    finishEntry(dt, shapeFrom, shapeTo, b, e, entryAt, dataLength);
  }

  /** The checks that need the whole entry: size arithmetic and bounds; then the entry is stored. */
  private void finishEntry(
      Dtype dt, int shapeFrom, int shapeTo, long b, long e, long entryAt, long dataLength) {
    long elements = 1;
    long bits;
    try {
      for (int k = shapeFrom; k < shapeTo; k++) {
        elements = Math.multiplyExact(elements, dims[k]);
      }
      bits = Math.multiplyExact(elements, (long) dt.bits());
    } catch (ArithmeticException ex) {
      throw new FormatException(
          FormatReason.SAFETENSORS_SIZE_OVERFLOW, entryAt, "shape x dtype size overflows 64 bits");
    }
    if ((bits & 7) != 0) {
      throw new FormatException(
          FormatReason.SAFETENSORS_MISALIGNED_SUBBYTE,
          entryAt,
          elements + " elements of " + dt + " do not end on a byte boundary");
    }
    if (e - b != bits >>> 3) {
      throw new FormatException(
          FormatReason.SAFETENSORS_SIZE_MISMATCH,
          entryAt,
          "data_offsets span " + (e - b) + " bytes but shape x dtype needs " + (bits >>> 3));
    }
    if (e > dataLength) {
      throw new FormatException(
          FormatReason.SAFETENSORS_DATA_TRUNCATED,
          entryAt,
          "tensor data ends at " + e + " but the data buffer has " + dataLength + " bytes");
    }
    dtype[count] = (byte) dt.ordinal();
    shapeStart[count + 1] = shapeTo;
    begin[count] = b;
    end[count] = e;
  }

  private static final byte[] ENTRY_HEAD = "{\"dtype\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ENTRY_SHAPE = "\",\"shape\":[".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ENTRY_OFFSETS =
      ",\"data_offsets\":[".getBytes(StandardCharsets.US_ASCII);

  /**
   * The fast path for an entry written exactly as the reference writer writes it: {@code
   * {"dtype":"X","shape":[d,...],"data_offsets":[b,e]}} with no whitespace, X one of the 22 names,
   * and every number a plain decimal integer of at most 18 digits without a leading zero. Those
   * bytes can only be one strict-JSON object with three distinct keys, so the reader can skip them
   * without tokenizing. Anything else (other order, whitespace, escapes, a rule violation) makes
   * this return false having consumed nothing, and the general path reads the entry and reports the
   * precise problem. The size and bound checks are shared with the general path.
   */
  private boolean canonicalEntry(JsonReader r, Limits limits, long dataLength) {
    int p = r.valueStart();
    ByteBuffer h = header;
    int e = h.limit();
    if (p < 0 || !literal(h, p, e, ENTRY_HEAD)) {
      return false;
    }
    p += ENTRY_HEAD.length;
    int ds = p;
    while (p < e) {
      int c = h.get(p);
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
        break;
      }
      p++;
    }
    Dtype dt = dtypeAt(h, ds, p - ds);
    if (dt == null || !literal(h, p, e, ENTRY_SHAPE)) {
      return false;
    }
    p += ENTRY_SHAPE.length;
    int from = shapeStart[count];
    int to = from;
    if (p < e && h.get(p) == ']') {
      p++;
    } else {
      for (; ; ) {
        int q = digitsEnd(h, p, e);
        if (q < 0 || to - from >= limits.maxRank()) {
          return false;
        }
        if (to == dims.length) {
          dims = Arrays.copyOf(dims, to * 2);
        }
        dims[to++] = scanned;
        p = q + 1;
        byte sep = h.get(q);
        if (sep == ']') {
          break;
        }
        if (sep != ',') {
          return false;
        }
      }
    }
    if (!literal(h, p, e, ENTRY_OFFSETS)) {
      return false;
    }
    p += ENTRY_OFFSETS.length;
    int q = integerEnd(h, p, e, ',');
    if (q < 0) {
      return false;
    }
    long begin0 = scanned;
    p = q + 1;
    q = integerEnd(h, p, e, ']');
    if (q < 0 || q + 1 >= e || h.get(q + 1) != '}' || begin0 > scanned) {
      return false;
    }
    long entryAt = r.tokenOffset();
    r.consumeValue(q + 2);
    finishEntry(dt, from, to, begin0, scanned, entryAt, dataLength);
    return true;
  }

  /** Value of the last {@link #digitsEnd} or {@link #integerEnd} scan. */
  private long scanned;

  /**
   * Scans a plain decimal integer (1 to 18 digits, no leading zero) at {@code p} followed by {@code
   * sep}; returns the index of {@code sep} (value in {@link #scanned}) or -1.
   */
  private int integerEnd(ByteBuffer h, int p, int e, char sep) {
    int q = digitsEnd(h, p, e);
    return q < 0 || h.get(q) != sep ? -1 : q;
  }

  /**
   * Scans a plain decimal integer (1 to 18 digits, no leading zero) at {@code p} that some byte
   * follows before {@code e}; returns the index of that byte (value in {@link #scanned}) or -1.
   */
  private int digitsEnd(ByteBuffer h, int p, int e) {
    long v = 0;
    int q = p;
    while (q < e) {
      int d = h.get(q) - '0';
      if (d < 0 || d > 9) {
        break;
      }
      v = v * 10 + d;
      q++;
    }
    int digits = q - p;
    if (digits == 0 || digits > 18 || (digits > 1 && h.get(p) == '0') || q >= e) {
      return -1;
    }
    scanned = v;
    return q;
  }

  private static boolean literal(ByteBuffer h, int p, int e, byte[] lit) {
    if (e - p < lit.length) {
      return false;
    }
    for (int i = 0; i < lit.length; i++) {
      if (h.get(p + i) != lit[i]) {
        return false;
      }
    }
    return true;
  }

  private static @Nullable Dtype dtypeAt(ByteBuffer h, int from, int len) {
    if (len >= DTYPES_BY_LENGTH.length) {
      return null;
    }
    outer:
    for (Dtype d : DTYPES_BY_LENGTH[len]) {
      byte[] a = d.ascii();
      for (int i = 0; i < len; i++) {
        if (h.get(from + i) != a[i]) {
          continue outer;
        }
      }
      return d;
    }
    return null;
  }

  private Dtype readDtype(JsonReader r) {
    if (r.next() != Token.STRING) {
      throw new FormatException(
          FormatReason.SAFETENSORS_UNKNOWN_DTYPE, r.tokenOffset(), "dtype must be a string");
    }
    int len = r.tokenEscaped() ? r.decodedLength() : r.tokenEnd() - r.tokenStart();
    if (len < DTYPES_BY_LENGTH.length) {
      for (Dtype d : DTYPES_BY_LENGTH[len]) {
        if (r.tokenEquals(d.ascii())) {
          return d;
        }
      }
    }
    throw new FormatException(
        FormatReason.SAFETENSORS_UNKNOWN_DTYPE,
        r.tokenOffset(),
        "unknown dtype '" + printable(r) + "'");
  }

  private int readShape(JsonReader r, Limits limits, int from) {
    if (r.next() != Token.BEGIN_ARRAY) {
      throw new FormatException(
          FormatReason.SAFETENSORS_SHAPE_INVALID, r.tokenOffset(), "shape must be an array");
    }
    int to = from;
    for (Token v = r.next(); v != Token.END_ARRAY; v = r.next()) {
      long x = integer(r, v, FormatReason.SAFETENSORS_SHAPE_INVALID);
      if (to - from >= limits.maxRank()) {
        throw new FormatException(
            FormatReason.SAFETENSORS_RANK_TOO_LARGE,
            r.tokenOffset(),
            "shape has more than " + limits.maxRank() + " dimensions");
      }
      if (to == dims.length) {
        dims = Arrays.copyOf(dims, to * 2);
      }
      dims[to++] = x;
    }
    return to;
  }

  /** A shape or offset element: an integer literal in [0, 2^63). */
  private static long integer(JsonReader r, Token v, ReasonCode notANumber) {
    if (v == Token.INTEGER) {
      long x = r.nonNegativeLong();
      if (x >= 0) {
        return x;
      }
      throw new FormatException(
          FormatReason.SAFETENSORS_NUMBER_INVALID,
          r.tokenOffset(),
          r.rawText() + " is negative or not below 2^63");
    }
    if (v == Token.FLOAT) {
      throw new FormatException(
          FormatReason.SAFETENSORS_NUMBER_INVALID,
          r.tokenOffset(),
          r.rawText() + " is not an integer literal");
    }
    throw new FormatException(notANumber, r.tokenOffset(), "expected a non-negative integer");
  }

  private void readMetadata(JsonReader r, Limits limits) {
    Token t = r.next();
    if (t == Token.NULL) {
      return;
    }
    if (t != Token.BEGIN_OBJECT) {
      throw new FormatException(
          FormatReason.SAFETENSORS_METADATA_INVALID,
          r.tokenOffset(),
          "__metadata__ must be an object or null");
    }
    Map<String, String> map = new LinkedHashMap<>();
    long total = 0;
    for (t = r.next(); t != Token.END_OBJECT; t = r.next()) {
      if (map.size() >= limits.maxMetadataEntries()) {
        throw new FormatException(
            FormatReason.SAFETENSORS_METADATA_TOO_LARGE,
            r.tokenOffset(),
            "__metadata__ has more than " + limits.maxMetadataEntries() + " entries");
      }
      total += r.decodedLength();
      if (total > limits.maxMetadataBytes()) {
        throw new FormatException(
            FormatReason.SAFETENSORS_METADATA_TOO_LARGE,
            r.tokenOffset(),
            "__metadata__ exceeds " + limits.maxMetadataBytes() + " bytes");
      }
      String key = r.stringValue();
      if (r.next() != Token.STRING) {
        throw new FormatException(
            FormatReason.SAFETENSORS_METADATA_INVALID,
            r.tokenOffset(),
            "__metadata__ values must be strings");
      }
      total += r.decodedLength();
      if (total > limits.maxMetadataBytes()) {
        throw new FormatException(
            FormatReason.SAFETENSORS_METADATA_TOO_LARGE,
            r.tokenOffset(),
            "__metadata__ exceeds " + limits.maxMetadataBytes() + " bytes");
      }
      map.put(key, r.stringValue());
    }
    metadata = Collections.unmodifiableMap(map);
    hasMetadata = true;
  }

  /** The current token for a message: at most 64 characters, control characters replaced. */
  private static String printable(JsonReader r) {
    return r.tokenPrefix(64);
  }

  // -------------------------------------------------------------------------------------- coverage

  private void checkCoverage(long dataLength) {
    int[] order = null;
    for (int i = 1; i < count; i++) {
      if (compare(i - 1, i) > 0) {
        order = sortedOrder();
        break;
      }
    }
    long running = 0;
    for (int k = 0; k < count; k++) {
      int i = order == null ? k : order[k];
      long b = begin[i];
      if (b > running) {
        throw new FormatException(
            FormatReason.SAFETENSORS_HOLE,
            dataStart + running,
            "no tensor covers data bytes " + running + ".." + b + " (at tensor '" + name(i) + "')");
      }
      if (b < running) {
        throw new FormatException(
            FormatReason.SAFETENSORS_OVERLAP,
            dataStart + b,
            "tensor '"
                + name(i)
                + "' starts at "
                + b
                + ", inside the previous tensor ending at "
                + running);
      }
      running = end[i];
    }
    if (running != dataLength) {
      throw new FormatException(
          FormatReason.SAFETENSORS_TRAILING_BYTES,
          dataStart + running,
          (dataLength - running) + " bytes follow the last tensor's data");
    }
  }

  private int compare(int i, int j) {
    int c = Long.compare(begin[i], begin[j]);
    return c != 0 ? c : Long.compare(end[i], end[j]);
  }

  /** Indices sorted by (begin, end): a stable merge sort on primitives (no boxing). */
  private int[] sortedOrder() {
    int[] a = new int[count];
    for (int i = 0; i < count; i++) {
      a[i] = i;
    }
    int[] tmp = new int[count];
    for (int width = 1; width < count; width *= 2) {
      for (int lo = 0; lo < count - width; lo += 2 * width) {
        int mid = lo + width;
        int hi = Math.min(lo + 2 * width, count);
        int x = lo;
        int y = mid;
        int o = lo;
        while (x < mid && y < hi) {
          tmp[o++] = compare(a[y], a[x]) < 0 ? a[y++] : a[x++];
        }
        while (x < mid) {
          tmp[o++] = a[x++];
        }
        while (y < hi) {
          tmp[o++] = a[y++];
        }
        System.arraycopy(tmp, lo, a, lo, hi - lo);
      }
    }
    return a;
  }
}
