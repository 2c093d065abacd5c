package dev.safeload.formats.internal.gguf;

import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.text.Utf8;
import dev.safeload.formats.internal.tokenizer.Charsmap;
import dev.safeload.provenance.Sha256;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.TensorInfo;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Streaming GGUF v2/v3 reader. Every count and length is checked against the bytes left in the file
 * and a policy limit before it drives a loop or an allocation; sizes use checked 64-bit arithmetic
 * and treat values of 2^63 or more as invalid. Stops at the first problem with a {@link
 * FormatException}.
 */
public final class GgufParser {

  /** Limits from the policy. */
  public record Limits(
      long maxTensors,
      long maxKeys,
      long maxStringBytes,
      long maxLargeStringBytes,
      long maxArrayElements,
      long maxAlignment,
      long maxBlockCount) {}

  /** One chat template found in the metadata. */
  public record ChatTemplate(String key, String sha256, String text) {}

  /**
   * What a valid file holds.
   *
   * @param work the parse's work units (entries, tensors, dimensions, array elements read one by
   *     one, bytes checked, decoded, hashed or zero-checked): a test hook to show parsing is linear
   */
  public record Result(
      int version,
      long alignment,
      long dataStart,
      List<TensorInfo> tensors,
      Map<String, String> metadata,
      List<ChatTemplate> templates,
      long work) {}

  static final int T_UINT8 = 0;
  static final int T_INT8 = 1;
  static final int T_UINT16 = 2;
  static final int T_INT16 = 3;
  static final int T_UINT32 = 4;
  static final int T_INT32 = 5;
  static final int T_FLOAT32 = 6;
  static final int T_BOOL = 7;
  static final int T_STRING = 8;
  static final int T_ARRAY = 9;
  static final int T_UINT64 = 10;
  static final int T_INT64 = 11;
  static final int T_FLOAT64 = 12;
  private static final String[] TYPE_NAMES = {
    "UINT8", "INT8", "UINT16", "INT16", "UINT32", "INT32", "FLOAT32", "BOOL", "STRING", "ARRAY",
    "UINT64", "INT64", "FLOAT64"
  };

  /** Fixed byte size per value type; 0 for STRING and ARRAY. */
  private static final int[] TYPE_SIZE = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};

  static final int DEFAULT_ALIGNMENT = 32;
  static final int MIN_ALIGNMENT = 8;
  static final int MAX_DIMS = 4;
  static final int MAX_NAME_BYTES = 63;

  /** The spec's bound on a key's length. */
  static final int MAX_KEY_BYTES = 65535;

  /** Strings longer than this are summarised in the description rather than copied. */
  private static final int MAX_DESCRIBED_STRING = 64 * 1024;

  /**
   * Well-known keys whose value types downstream code trusts (llama.cpp casts vocab arrays without
   * checking, #26690): the type id, and for arrays the element type ids allowed. {@code
   * tokenizer.ggml.scores} may be INT32 as well as FLOAT32: gguf-py stores a list of Python ints as
   * INT32, so a converter whose scores are all integers writes an INT32 array (the Devstral-Small-2
   * GGUFs of unsloth and bartowski), and llama.cpp checks the element type and reads either
   * (ggml-org/llama.cpp#27075, #27260; before, it read an INT32 array's bits as floats, still one
   * 4-byte entry per token).
   */
  private static final Map<String, int[]> TYPED_KEYS =
      Map.ofEntries(
          Map.entry("general.alignment", new int[] {T_UINT32}),
          Map.entry("general.architecture", new int[] {T_STRING}),
          Map.entry("general.name", new int[] {T_STRING}),
          Map.entry("tokenizer.ggml.model", new int[] {T_STRING}),
          Map.entry("tokenizer.ggml.tokens", new int[] {T_ARRAY, T_STRING}),
          Map.entry("tokenizer.ggml.scores", new int[] {T_ARRAY, T_FLOAT32, T_INT32}),
          Map.entry("tokenizer.ggml.token_type", new int[] {T_ARRAY, T_INT32}),
          Map.entry("tokenizer.ggml.merges", new int[] {T_ARRAY, T_STRING}),
          Map.entry("tokenizer.ggml.bos_token_id", new int[] {T_UINT32}),
          Map.entry("tokenizer.ggml.eos_token_id", new int[] {T_UINT32}),
          Map.entry("tokenizer.ggml.unknown_token_id", new int[] {T_UINT32}),
          Map.entry("tokenizer.ggml.padding_token_id", new int[] {T_UINT32}),
          Map.entry("tokenizer.chat_template", new int[] {T_STRING}),
          Map.entry("tokenizer.chat_templates", new int[] {T_ARRAY, T_STRING}),
          Map.entry("split.no", new int[] {T_UINT16}),
          Map.entry("split.count", new int[] {T_UINT16}),
          Map.entry("split.tensors.count", new int[] {T_INT32}));

  private final ModelBytes b;
  private final long size;
  private final Limits limits;

  /**
   * The first up-to-1-GiB of the file as one little-endian buffer, where the header lives: absolute
   * buffer reads are much faster than per-byte {@link ModelBytes#get} calls. Reads past it (headers
   * over 1 GiB) fall back to {@link ModelBytes}.
   */
  private final ByteBuffer win;

  private final long winLen;
  private long pos;
  private long work;

  private GgufParser(ModelBytes b, Limits limits) {
    this.b = b;
    this.size = b.size();
    this.limits = limits;
    this.winLen = Math.min(size, 1 << 30);
    this.win = b.slice(0, (int) winLen).order(java.nio.ByteOrder.LITTLE_ENDIAN);
  }

  private byte at(long p) {
    return p < winLen ? win.get((int) p) : b.get(p);
  }

  /** Parses and validates the whole file. */
  public static Result parse(ModelBytes bytes, Limits limits) {
    return new GgufParser(bytes, limits).run();
  }

  private Result run() {
    need(8, "header");
    if (at(0) != 'G' || at(1) != 'G' || at(2) != 'U' || at(3) != 'F') {
      throw new FormatException(FormatReason.GGUF_MAGIC_INVALID, 0, "no GGUF magic");
    }
    pos = 4;
    long version = u32();
    if (version != 2 && version != 3) {
      throw new FormatException(
          FormatReason.GGUF_VERSION_UNSUPPORTED,
          4,
          "version "
              + version
              + ((version & 0xFFFF) == 0 && version != 0 ? " (big-endian file)" : "")
              + "; only 2 and 3");
    }
    need(16, "counts");
    long tensorCountAt = pos;
    long tensorCount = u64();
    long kvCount = u64();
    // Each tensor info takes at least 8+4+4+8 bytes, each KV at least 8+1+4+1: a count the rest of
    // the
    // file cannot hold is rejected before it sizes anything.
    if (tensorCount < 0 || tensorCount > limits.maxTensors() || tensorCount > remaining() / 24) {
      throw new FormatException(
          FormatReason.GGUF_TOO_MANY_TENSORS,
          tensorCountAt,
          Long.toUnsignedString(tensorCount) + " tensors (limit " + limits.maxTensors() + ")");
    }
    if (kvCount < 0 || kvCount > limits.maxKeys() || kvCount > remaining() / 14) {
      throw new FormatException(
          FormatReason.GGUF_TOO_MANY_KEYS,
          tensorCountAt + 8,
          Long.toUnsignedString(kvCount) + " metadata entries (limit " + limits.maxKeys() + ")");
    }

    Map<String, String> metadata = new LinkedHashMap<>();
    // element counts and count offsets of the vocabulary arrays: [tokens, scores, token_type]
    long[] vocabCounts = {-1, -1, -1};
    long[] vocabCountsAt = new long[3];
    Set<String> keys = new HashSet<>();
    List<ChatTemplate> templates = new ArrayList<>();
    long alignment = DEFAULT_ALIGNMENT;
    for (long i = 0; i < kvCount; i++) {
      work++;
      long keyAt = pos;
      String key = name(limits.maxStringBytes());
      checkKey(key, utf8Length(keyAt), keyAt);
      if (!keys.add(key)) {
        throw new FormatException(FormatReason.GGUF_DUPLICATE_KEY, keyAt, "duplicate key " + key);
      }
      long typeAt = pos;
      int type = valueType(u32(), typeAt);
      int[] expected = expectedType(key);
      long valueAt = pos;
      long maxString =
          isLargeStringKey(key) ? limits.maxLargeStringBytes() : limits.maxStringBytes();
      if (type == T_ARRAY) {
        need(12, "array header");
        int elem = (int) u32();
        if (Integer.toUnsignedLong(elem) > 12) {
          throw new FormatException(
              FormatReason.GGUF_VALUE_TYPE_UNKNOWN,
              valueAt,
              "array element type " + Integer.toUnsignedString(elem) + " of " + key);
        }
        if (elem == T_ARRAY) {
          throw new FormatException(
              FormatReason.GGUF_NESTED_ARRAY, valueAt, "nested array in " + key);
        }
        checkType(key, expected, T_ARRAY, elem, typeAt);
        long countAt = pos;
        long count = u64();
        long minElem = elem == T_STRING ? 8 : TYPE_SIZE[elem];
        if (count < 0 || count > limits.maxArrayElements() || count > remaining() / minElem) {
          throw new FormatException(
              FormatReason.GGUF_ARRAY_TOO_LONG,
              countAt,
              Long.toUnsignedString(count)
                  + " elements in "
                  + key
                  + " (limit "
                  + limits.maxArrayElements()
                  + ", or past the end)");
        }
        int vocab = VOCAB_ARRAYS.indexOf(key);
        if (vocab >= 0) {
          vocabCounts[vocab] = count;
          vocabCountsAt[vocab] = countAt;
        }
        if (elem == T_STRING || elem == T_BOOL) {
          for (long e = 0; e < count; e++) {
            scalar(elem, maxString, key);
          }
          work += count;
        } else {
          if (key.equals(PRECOMPILED_CHARSMAP)) {
            charsmap(elem, count, typeAt);
          }
          pos +=
              count * TYPE_SIZE[elem]; // checked against the remaining bytes above; no value rules
        }
        metadata.put(key, "ARRAY<" + TYPE_NAMES[elem] + ">[" + count + "]");
      } else {
        checkType(key, expected, type, -1, typeAt);
        if (type == T_STRING) {
          String s = string(maxString, isTemplateKey(key) ? maxString : MAX_DESCRIBED_STRING);
          if (isTemplateKey(key)) {
            // A template's decode limit is its size limit, so it is always decoded.
            templates.add(
                new ChatTemplate(
                    key, sha256(valueAt + 8, pos - valueAt - 8), Objects.requireNonNull(s)));
            metadata.put("sha256(" + key + ")", templates.get(templates.size() - 1).sha256());
          }
          metadata.put(key, s != null ? s : "STRING[" + (pos - valueAt - 8) + " bytes]");
        } else {
          long v = scalar(type, maxString, key);
          metadata.put(key, render(type, v));
          if (key.equals("general.alignment")) {
            alignment = v;
            if (v < MIN_ALIGNMENT || v > limits.maxAlignment() || Long.bitCount(v) != 1) {
              throw new FormatException(
                  FormatReason.GGUF_ALIGNMENT_INVALID,
                  valueAt,
                  "general.alignment "
                      + v
                      + " is not a power of two in ["
                      + MIN_ALIGNMENT
                      + ", "
                      + limits.maxAlignment()
                      + "]");
            }
          }
          if (key.endsWith(".block_count")
              && key.indexOf('.') == key.lastIndexOf('.')
              && v > limits.maxBlockCount()) {
            throw new FormatException(
                FormatReason.GGUF_METADATA_VALUE_INVALID,
                valueAt,
                key + " = " + v + " is above the limit " + limits.maxBlockCount());
          }
        }
      }
    }

    checkVocabCounts(vocabCounts, vocabCountsAt);

    List<TensorInfo> tensors = new ArrayList<>((int) Math.min(tensorCount, 4096));
    Set<String> names = new HashSet<>();
    long expectedOffset = 0;
    List<long[]> dimsList = new ArrayList<>((int) Math.min(tensorCount, 4096));
    List<GgmlType> typeList = new ArrayList<>((int) Math.min(tensorCount, 4096));
    List<String> nameList = new ArrayList<>((int) Math.min(tensorCount, 4096));
    // Sized by the count only after it passed the remaining-bytes test above.
    long[] relOffsets = new long[(int) tensorCount];
    long[] byteSizes = new long[(int) tensorCount];
    for (int t = 0; t < tensorCount; t++) {
      work++;
      long nameAt = pos;
      String name = name(limits.maxStringBytes());
      if (name.isEmpty() || utf8Length(nameAt) > MAX_NAME_BYTES) {
        throw new FormatException(
            FormatReason.GGUF_TENSOR_NAME_INVALID,
            nameAt,
            "tensor name empty or longer than " + MAX_NAME_BYTES + " bytes");
      }
      // ggml copies names into char[64] and finds tensors with strcmp: "a\0x" would be "a" to it.
      if (hasControl(name)) {
        throw new FormatException(
            FormatReason.GGUF_TENSOR_NAME_INVALID,
            nameAt,
            "tensor name '" + printable(name) + "' holds a NUL or control character");
      }
      if (!names.add(name)) {
        throw new FormatException(
            FormatReason.GGUF_DUPLICATE_TENSOR, nameAt, "duplicate tensor " + name);
      }
      long dimsAt = pos;
      need(4, "n_dims");
      long nDims = u32();
      if (nDims > MAX_DIMS) {
        throw new FormatException(
            FormatReason.GGUF_TOO_MANY_DIMS, dimsAt, name + " has " + nDims + " dims");
      }
      need(nDims * 8 + 12, "tensor info");
      long[] ne = new long[(int) nDims];
      long elements = 1;
      for (int d = 0; d < nDims; d++) {
        work++;
        long at = pos;
        ne[d] = u64();
        if (ne[d] < 0) {
          throw new FormatException(
              FormatReason.GGUF_DIM_INVALID,
              at,
              name + " dimension " + Long.toUnsignedString(ne[d]) + " is 2^63 or more");
        }
        elements = mul(elements, ne[d], at, name);
      }
      long typeAt = pos;
      long typeId = u32();
      GgmlType type = GgmlType.byId(typeId);
      if (type == null) {
        throw new FormatException(
            FormatReason.GGUF_TENSOR_TYPE_UNKNOWN,
            typeAt,
            name + " has unknown ggml type " + typeId);
      }
      long ne0 = nDims == 0 ? 1 : ne[0];
      if (ne0 % type.blockSize() != 0) {
        throw new FormatException(
            FormatReason.GGUF_BLOCK_MISALIGNED,
            typeAt,
            name
                + ": "
                + ne0
                + " elements per row is not a multiple of "
                + type
                + "'s block size "
                + type.blockSize());
      }
      // bytes = ne0/blck * typeSize * ne1 * ne2 * ne3, all checked (the CVE-2026-33298 ggml_nbytes
      // wrap).
      long nbytes = mul(ne0 / type.blockSize(), type.typeSize(), typeAt, name);
      for (int d = 1; d < nDims; d++) {
        nbytes = mul(nbytes, ne[d], typeAt, name);
      }
      long offAt = pos;
      long off = u64();
      relOffsets[t] = off;
      byteSizes[t] = nbytes;
      dimsList.add(ne);
      typeList.add(type);
      nameList.add(name);
      if (off != expectedOffset) {
        throw new FormatException(
            FormatReason.GGUF_OFFSET_INVALID,
            offAt,
            name + " has offset " + Long.toUnsignedString(off) + ", expected " + expectedOffset);
      }
      // Running padded sum, checked: the CVE-2025-53630 / CVE-2026-27940 accumulation overflow.
      expectedOffset = pad(add(expectedOffset, nbytes, offAt, name), alignment, offAt, name);
    }

    long dataStart = pad(pos, alignment, pos, "data section");
    if (dataStart > size) {
      // Fewer than `alignment` bytes left: only a file with no tensors may end here.
      if (tensorCount > 0) {
        throw new FormatException(
            FormatReason.GGUF_DATA_TRUNCATED, pos, "the data section starts past the end");
      }
    }
    checkZero(pos, Math.min(dataStart, size));
    if (tensorCount == 0) {
      if (size != pos && size != dataStart) {
        throw new FormatException(
            FormatReason.GGUF_TRAILING_BYTES,
            Math.min(dataStart, size),
            (size - pos) + " bytes after the header of a file without tensors");
      }
      return new Result((int) version, alignment, pos, List.of(), metadata, templates, work);
    }
    long lastEnd = dataStart;
    for (int t = 0; t < tensorCount; t++) {
      work++;
      long abs = add(dataStart, relOffsets[t], dataStart, nameList.get(t));
      long end = add(abs, byteSizes[t], dataStart, nameList.get(t));
      if (end > size) {
        throw new FormatException(
            FormatReason.GGUF_DATA_TRUNCATED,
            abs,
            nameList.get(t) + " needs bytes " + abs + ".." + end + " but the file has " + size);
      }
      checkZero(lastEnd, abs);
      lastEnd = end;
      long[] ne = dimsList.get(t);
      List<Long> shape = new ArrayList<>(ne.length);
      for (int d = ne.length - 1; d >= 0; d--) {
        shape.add(ne[d]); // GGUF stores ne[0] innermost; TensorInfo lists outermost first
      }
      tensors.add(
          new TensorInfo(nameList.get(t), typeList.get(t).name(), shape, abs, byteSizes[t]));
    }
    // The last tensor may or may not be followed by its alignment padding; nothing else may follow.
    long paddedEnd = pad(lastEnd, alignment, lastEnd, "end");
    if (size != lastEnd && size != paddedEnd) {
      throw new FormatException(
          FormatReason.GGUF_TRAILING_BYTES,
          lastEnd,
          (size - lastEnd) + " bytes after the last tensor");
    }
    checkZero(lastEnd, size);
    return new Result((int) version, alignment, dataStart, tensors, metadata, templates, work);
  }

  // ------------------------------------------------------------------ values

  private static int valueType(long t, long at) {
    if (t > 12) {
      throw new FormatException(FormatReason.GGUF_VALUE_TYPE_UNKNOWN, at, "value type " + t);
    }
    return (int) t;
  }

  /** Reads one non-array value; returns its bits for numeric types (0 for strings). */
  private long scalar(int type, long maxString, String key) {
    long at = pos;
    switch (type) {
      case T_STRING -> {
        string(maxString, -1);
        return 0;
      }
      case T_BOOL -> {
        need(1, "bool");
        int v = at(pos++) & 0xff;
        if (v > 1) {
          throw new FormatException(FormatReason.GGUF_BOOL_INVALID, at, "BOOL " + v + " in " + key);
        }
        return v;
      }
      default -> {
        int n = TYPE_SIZE[type];
        need(n, TYPE_NAMES[type]);
        long v = 0;
        for (int i = 0; i < n; i++) {
          v |= (long) (at(pos + i) & 0xff) << (8 * i);
        }
        pos += n;
        return v;
      }
    }
  }

  private static String render(int type, long v) {
    return switch (type) {
      case T_UINT8, T_UINT16, T_UINT32 -> Long.toString(v);
      case T_INT8 -> Byte.toString((byte) v);
      case T_INT16 -> Short.toString((short) v);
      case T_INT32 -> Integer.toString((int) v);
      case T_UINT64 -> Long.toUnsignedString(v);
      case T_INT64 -> Long.toString(v);
      case T_FLOAT32 -> Float.toString(Float.intBitsToFloat((int) v));
      case T_FLOAT64 -> Double.toString(Double.longBitsToDouble(v));
      case T_BOOL -> v == 1 ? "true" : "false";
      default -> throw new IllegalStateException("type " + type);
    };
  }

  /**
   * Reads a GGUF string (u64 length, UTF-8 bytes), checking the length against the limit and the
   * file before touching the bytes. Returns the decoded text if it is at most {@code decodeLimit}
   * bytes, else null (long values are validated but not copied).
   */
  private @Nullable String string(long max, long decodeLimit) {
    long at = pos;
    need(8, "string length");
    long len = u64();
    if (len < 0 || len > max) {
      throw new FormatException(
          FormatReason.GGUF_STRING_TOO_LONG,
          at,
          "string of " + Long.toUnsignedString(len) + " bytes (limit " + max + ")");
    }
    if (len > remaining()) {
      throw new FormatException(
          FormatReason.GGUF_TRUNCATED, at, "string of " + len + " bytes runs past the end");
    }
    work += len;
    boolean valid =
        pos + len <= winLen ? Utf8.isValid(win, (int) pos, (int) len) : Utf8.isValid(b, pos, len);
    if (!valid) {
      throw new FormatException(
          FormatReason.GGUF_STRING_NOT_UTF8, pos, "string is not valid UTF-8");
    }
    String s = len <= decodeLimit ? Utf8.decode(b, pos, (int) len) : null;
    work += s != null ? len : 0;
    pos += len;
    return s;
  }

  /** A key or tensor name: always decoded. */
  private String name(long max) {
    String s = string(max, max);
    if (s == null) {
      throw new IllegalStateException("decoded name expected");
    }
    return s;
  }

  private long utf8Length(long stringAt) {
    long len = 0;
    for (int i = 0; i < 8; i++) {
      len |= (long) (at(stringAt + i) & 0xff) << (8 * i);
    }
    return len;
  }

  // ------------------------------------------------------------------ keys

  /**
   * The key rule. The spec asks for lower_snake_case ASCII segments, but llama.cpp itself writes
   * keys outside it ({@code {arch}.block_count} for 27 architectures whose names hold '-', such as
   * {@code command-r}, {@code gpt-oss}, {@code nomic-bert-moe}), and its reader requires only keys
   * that are non-empty (#24917) and unique. So the character set is open; what is kept is what
   * matters to a reader:
   *
   * <ul>
   *   <li>not empty; unique, compared as exact bytes (the caller checks; no case folding or Unicode
   *       normalisation, as in llama.cpp and gguf-py);
   *   <li>valid UTF-8 (checked when the string is read, {@code GGUF_STRING_NOT_UTF8});
   *   <li>at most {@value #MAX_KEY_BYTES} bytes, the spec's bound;
   *   <li>no NUL: llama.cpp finds keys with {@code strcmp} and takes the first match, so a key
   *       {@code "general.alignment\0x"} is {@code general.alignment} to it but an unknown key to a
   *       reader that compares whole strings: the typed-key checks would be bypassed;
   *   <li>no other control character (C0, DEL, C1): they serve no key and forge lines in logs and
   *       reports.
   * </ul>
   */
  private static void checkKey(String key, long utf8Bytes, long at) {
    String why =
        key.isEmpty()
            ? "empty key"
            : utf8Bytes > MAX_KEY_BYTES
                ? "key of " + utf8Bytes + " bytes (at most " + MAX_KEY_BYTES + ")"
                : hasControl(key)
                    ? "key '" + printable(key) + "' holds a NUL or control character"
                    : null;
    if (why != null) {
      throw new FormatException(FormatReason.GGUF_KEY_INVALID, at, why);
    }
  }

  /** Whether {@code s} holds NUL or another control character (C0, DEL or C1). */
  private static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        return true;
      }
    }
    return false;
  }

  private static int @Nullable [] expectedType(String key) {
    int[] t = TYPED_KEYS.get(key);
    if (t != null) {
      return t;
    }
    if (key.startsWith("tokenizer.chat_template.")) {
      return new int[] {T_STRING};
    }
    if (key.endsWith(".block_count") && key.indexOf('.') == key.lastIndexOf('.')) {
      return new int[] {T_UINT32};
    }
    return null;
  }

  private static void checkType(
      String key, int @Nullable [] expected, int type, int elem, long at) {
    if (expected == null) {
      return;
    }
    boolean ok = expected[0] == type && (type != T_ARRAY || elementAllowed(expected, elem));
    if (!ok) {
      String want;
      if (expected[0] == T_ARRAY) {
        StringBuilder w = new StringBuilder();
        for (int i = 1; i < expected.length; i++) {
          w.append(i > 1 ? " or " : "")
              .append("ARRAY<")
              .append(TYPE_NAMES[expected[i]])
              .append('>');
        }
        want = w.toString();
      } else {
        want = TYPE_NAMES[expected[0]];
      }
      String got = type == T_ARRAY ? "ARRAY<" + TYPE_NAMES[elem] + ">" : TYPE_NAMES[type];
      ReasonCode r =
          key.equals("general.alignment")
              ? FormatReason.GGUF_ALIGNMENT_INVALID
              : FormatReason.GGUF_METADATA_TYPE_INVALID;
      throw new FormatException(r, at, key + " is " + got + ", expected " + want);
    }
  }

  private static boolean elementAllowed(int[] expected, int elem) {
    for (int i = 1; i < expected.length; i++) {
      if (expected[i] == elem) {
        return true;
      }
    }
    return false;
  }

  /** The normalizer trie of UGM (T5-style) vocabularies: llama.cpp walks it for every text. */
  private static final String PRECOMPILED_CHARSMAP = "tokenizer.ggml.precompiled_charsmap";

  /**
   * The charsmap array at {@code pos}: INT8 or UINT8 elements, as llama.cpp asserts, and a trie its
   * search cannot leave ({@link Charsmap}).
   */
  private void charsmap(int elem, long count, long typeAt) {
    if (elem != T_UINT8 && elem != T_INT8) {
      throw new FormatException(
          FormatReason.GGUF_METADATA_TYPE_INVALID,
          typeAt,
          PRECOMPILED_CHARSMAP + " is ARRAY<" + TYPE_NAMES[elem] + ">, expected UINT8 or INT8");
    }
    if (count > 0) {
      // count is within gguf.maxArrayElements and the file, both checked by the caller
      Charsmap.check(b.slice(pos, (int) count), pos);
    }
  }

  /** The vocabulary arrays whose entries llama.cpp indexes by token id. */
  private static final List<String> VOCAB_ARRAYS =
      List.of("tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type");

  /**
   * {@code tokenizer.ggml.scores} and {@code tokenizer.ggml.token_type} hold one entry per token:
   * llama.cpp reads {@code scores[i]} and {@code toktypes[i]} for every token id, and releases
   * before its bounds check (added in 2025) read past a shorter array into other heap memory.
   * Producers write the three arrays with equal lengths.
   */
  private static void checkVocabCounts(long[] counts, long[] at) {
    for (int i = 1; i < 3; i++) {
      if (counts[0] >= 0 && counts[i] >= 0 && counts[i] != counts[0]) {
        throw new FormatException(
            FormatReason.GGUF_METADATA_VALUE_INVALID,
            at[i],
            VOCAB_ARRAYS.get(i)
                + " has "
                + counts[i]
                + " entries for "
                + counts[0]
                + " tokens; it needs one per token");
      }
    }
  }

  static boolean isTemplateKey(String key) {
    return key.equals("tokenizer.chat_template") || key.startsWith("tokenizer.chat_template.");
  }

  private static boolean isLargeStringKey(String key) {
    return isTemplateKey(key) || key.equals("tokenizer.huggingface.json");
  }

  // ------------------------------------------------------------------ primitives

  private long remaining() {
    return size - pos;
  }

  private void need(long n, String what) {
    if (n > remaining()) {
      throw new FormatException(
          FormatReason.GGUF_TRUNCATED, pos, what + " runs past the end of the file");
    }
  }

  private long u32() {
    need(4, "u32");
    long v;
    if (pos + 4 <= winLen) {
      v = win.getInt((int) pos) & 0xffffffffL;
    } else {
      v =
          (b.get(pos) & 0xffL)
              | (b.get(pos + 1) & 0xffL) << 8
              | (b.get(pos + 2) & 0xffL) << 16
              | (b.get(pos + 3) & 0xffL) << 24;
    }
    pos += 4;
    return v;
  }

  private long u64() {
    need(8, "u64");
    if (pos + 8 <= winLen) {
      long v = win.getLong((int) pos);
      pos += 8;
      return v;
    }
    long lo = u32();
    long hi = u32();
    return lo | hi << 32;
  }

  private void checkZero(long from, long to) {
    work += Math.max(0, to - from);
    for (long i = from; i < to; i++) {
      if (at(i) != 0) {
        throw new FormatException(FormatReason.GGUF_PADDING_NONZERO, i, "non-zero padding byte");
      }
    }
  }

  private static long mul(long a, long c, long at, String name) {
    try {
      return Math.multiplyExact(a, c);
    } catch (ArithmeticException e) {
      throw new FormatException(
          FormatReason.GGUF_SIZE_OVERFLOW, at, name + ": size overflows 64 bits");
    }
  }

  private static long add(long a, long c, long at, String name) {
    try {
      return Math.addExact(a, c);
    } catch (ArithmeticException e) {
      throw new FormatException(
          FormatReason.GGUF_SIZE_OVERFLOW, at, name + ": offset overflows 64 bits");
    }
  }

  private static long pad(long v, long alignment, long at, String name) {
    long r = v % alignment;
    return r == 0 ? v : add(v, alignment - r, at, name);
  }

  private String sha256(long offset, long length) {
    work += length;
    MessageDigest md = Sha256.newMessageDigest();
    long p = offset;
    long end = offset + length;
    while (p < end) {
      int n = (int) Math.min(1 << 20, end - p);
      ByteBuffer s = b.slice(p, n);
      md.update(s);
      p += n;
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && i < 80; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c > 0x7e ? '?' : c);
    }
    return sb.toString();
  }
}
