package dev.safeload.formats.internal.tokenizer;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.protobuf.ProtoReader;
import dev.safeload.formats.internal.text.Utf8;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * A SentencePiece model ({@code tokenizer.model}, {@code spiece.model}, ...): a serialized {@code
 * sentencepiece.ModelProto} (sentencepiece_model.proto, proto2), read with the bounded {@link
 * ProtoReader}. The schema checked:
 *
 * <pre>
 * ModelProto      1 pieces (repeated SentencePiece)  2 trainer_spec  3 normalizer_spec
 *                 4 self_test_data  5 denormalizer_spec (a NormalizerSpec)
 * SentencePiece   1 piece string  2 score float  3 type enum NORMAL=1 UNKNOWN=2 CONTROL=3
 *                 USER_DEFINED=4 UNUSED=5 BYTE=6
 * TrainerSpec     the 46 fields of sentencepiece 0.1.97 plus 53 and 54 of 0.2 (see TRAINER)
 * NormalizerSpec  1 name  2 precompiled_charsmap bytes  3-5 bool  6 normalization_rule_tsv
 * SelfTestData    1 samples (repeated Sample: 1 input, 2 expected)
 * </pre>
 *
 * Checked in file order, each field as it is read:
 *
 * <ol>
 *   <li>wire format ({@code SENTENCEPIECE_PROTOBUF_INVALID}): the strict rules of {@link
 *       ProtoReader} (no field 0, no groups or wire types 6/7, varints of at most 10 bytes, lengths
 *       inside their message);
 *   <li>every field number is in the schema ({@code SENTENCEPIECE_UNKNOWN_FIELD}). proto2 parsers
 *       keep unknown fields and extensions (200 and up) and ignore them; no reader uses them, so
 *       here they are only a place to hide bytes, and they are refused;
 *   <li>each field has its schema's wire type ({@code SENTENCEPIECE_FIELD_TYPE_INVALID});
 *   <li>a singular field appears at most once ({@code SENTENCEPIECE_DUPLICATE_FIELD}): parsers let
 *       the last scalar win and merge repeated messages, two readings of one file;
 *   <li>strings are strict UTF-8 ({@code SENTENCEPIECE_STRING_NOT_UTF8}) and at most {@code
 *       maxStringBytes}; the charsmap at most {@code maxCharsmapBytes}; at most {@code maxPieces}
 *       pieces and {@code maxSamples} samples ({@code SENTENCEPIECE_LIMIT_EXCEEDED});
 *   <li>enums hold a defined value, booleans are 0 or 1, int32 fields fit 32 bits, floats are
 *       finite ({@code SENTENCEPIECE_VALUE_INVALID}): proto2 turns an unknown enum value into an
 *       unknown field, so the model would silently fall back to the default;
 *   <li>a piece is non-empty, its score finite, a BYTE piece spelled {@code <0xXX>} in upper-case
 *       hex ({@code SENTENCEPIECE_PIECE_INVALID}), as sentencepiece's own loader requires;
 *   <li>a non-empty {@code precompiled_charsmap} (of the normalizer or the denormalizer) is a trie
 *       that sentencepiece's search cannot leave ({@code SENTENCEPIECE_CHARSMAP_INVALID}, {@link
 *       Charsmap});
 *   <li>no two pieces share their text ({@code SENTENCEPIECE_DUPLICATE_PIECE}): sentencepiece
 *       refuses duplicates among normal or among reserved pieces, and converters to {@code
 *       tokenizer.json} keep the last id of any duplicate;
 * </ol>
 *
 * then, over the whole model: exactly one UNKNOWN piece ({@code SENTENCEPIECE_UNK_INVALID}), and
 * BYTE pieces only with {@code trainer_spec.byte_fallback}, which then needs all 256 ({@code
 * SENTENCEPIECE_BYTE_FALLBACK_INVALID}). Work is one pass over the bytes plus one hash-set
 * insertion per piece; {@link Result#work()} counts fields read.
 */
public final class SentencePieceModel {

  /**
   * @param maxPieces most pieces
   * @param maxStringBytes longest string field
   * @param maxCharsmapBytes longest precompiled_charsmap
   * @param maxSamples most self-test samples
   */
  public record Limits(
      long maxPieces, long maxStringBytes, long maxCharsmapBytes, long maxSamples) {}

  /** What a valid model holds. */
  public record Result(int pieces, String modelType, boolean byteFallback, long work) {}

  // Field kinds.
  private static final int STRING = 1;
  private static final int STRINGS = 2; // repeated string
  private static final int INT32 = 3;
  private static final int UINT64 = 4;
  private static final int BOOL = 5;
  private static final int FLOAT = 6;
  private static final int MODEL_TYPE = 7; // enum 1..4
  private static final int BYTES = 8;

  /** TrainerSpec field number to kind (0 = not in the schema). */
  private static final int[] TRAINER = new int[55];

  static {
    int[][] t = {
      {1, STRINGS},
      {2, STRING},
      {3, MODEL_TYPE},
      {4, INT32},
      {5, STRINGS},
      {6, INT32},
      {7, STRING},
      {10, FLOAT},
      {11, UINT64},
      {12, INT32},
      {13, INT32},
      {14, INT32},
      {15, FLOAT},
      {16, INT32},
      {17, INT32},
      {18, INT32},
      {19, BOOL},
      {20, INT32},
      {21, BOOL},
      {22, BOOL},
      {23, BOOL},
      {24, BOOL},
      {25, BOOL},
      {26, BOOL},
      {30, STRINGS},
      {31, STRINGS},
      {32, BOOL},
      {33, BOOL},
      {34, BOOL},
      {35, BOOL},
      {36, STRING},
      {40, INT32},
      {41, INT32},
      {42, INT32},
      {43, INT32},
      {44, STRING},
      {45, STRING},
      {46, STRING},
      {47, STRING},
      {48, STRING},
      {49, BOOL},
      {50, BOOL},
      {51, FLOAT},
      {52, UINT64},
      {53, STRING},
      {54, STRING}
    };
    for (int[] f : t) {
      TRAINER[f[0]] = f[1];
    }
  }

  private static final int[] NORMALIZER = {0, STRING, BYTES, BOOL, BOOL, BOOL, STRING};
  private static final String[] MODEL_TYPES = {"", "unigram", "bpe", "word", "char"};
  private static final int BYTE_TYPE = 6;
  private static final int UNKNOWN_TYPE = 2;
  private static final int BYTE_FALLBACK = 35;

  private final ProtoReader r;
  private final Limits limits;
  private final Set<String> pieces = new HashSet<>();
  private final boolean[] bytePieces = new boolean[256];
  private int pieceCount;
  private int byteCount;
  private int unkCount;
  private long firstByteAt = -1;
  private int modelType = 1;
  private boolean byteFallback;
  private long work;

  private SentencePieceModel(ModelBytes bytes, Limits limits) {
    this.r = new ProtoReader(bytes, 0, bytes.size());
    this.limits = limits;
  }

  /** Parses and checks a model of at most 1 GiB (the caller enforces its own size limit first). */
  public static Result parse(ModelBytes bytes, Limits limits) {
    if (bytes.size() > 1L << 30) {
      throw new FormatException(
          FormatReason.SENTENCEPIECE_LIMIT_EXCEEDED, 0, "the model is larger than 1 GiB");
    }
    SentencePieceModel m = new SentencePieceModel(bytes, limits);
    try {
      m.readModel();
    } catch (FormatException e) {
      if (e.reason() == FormatReason.ONNX_PROTOBUF_INVALID
          || e.reason() == FormatReason.ONNX_TRUNCATED) {
        throw new FormatException(
            FormatReason.SENTENCEPIECE_PROTOBUF_INVALID, e.offset(), e.getMessage());
      }
      throw e;
    }
    return new Result(m.pieceCount, MODEL_TYPES[m.modelType], m.byteFallback, m.work);
  }

  private void readModel() {
    if (r.atEnd()) {
      throw new FormatException(
          FormatReason.SENTENCEPIECE_UNK_INVALID, 0, "the model is empty: no pieces");
    }
    boolean[] seen = new boolean[6];
    while (!r.atEnd()) {
      long at = r.position();
      long tag = r.readTag();
      int field = (int) (tag >>> 3);
      work++;
      if (field < 1 || field > 5) {
        throw unknown(at, field, "ModelProto");
      }
      expect(tag, ProtoReader.LEN, at, "ModelProto", field);
      if (field != 1) {
        once(seen, field, at, "ModelProto");
      }
      long len = r.readLength();
      long old = r.pushLimit(len);
      switch (field) {
        case 1 -> readPiece(at);
        case 2 -> readTrainerSpec();
        case 3, 5 -> readNormalizerSpec();
        default -> readSelfTestData();
      }
      r.popLimit(old);
    }
    if (unkCount != 1) {
      throw new FormatException(
          FormatReason.SENTENCEPIECE_UNK_INVALID,
          0,
          unkCount == 0
              ? "the model has no UNKNOWN piece"
              : "the model has " + unkCount + " UNKNOWN pieces");
    }
    if (byteCount > 0 && !byteFallback) {
      throw new FormatException(
          FormatReason.SENTENCEPIECE_BYTE_FALLBACK_INVALID,
          firstByteAt,
          "BYTE pieces without trainer_spec.byte_fallback");
    }
    if (byteFallback && byteCount != 256) {
      throw new FormatException(
          FormatReason.SENTENCEPIECE_BYTE_FALLBACK_INVALID,
          0,
          "byte_fallback is set but only " + byteCount + " of the 256 byte pieces are present");
    }
  }

  private void readPiece(long at) {
    if (++pieceCount > limits.maxPieces()) {
      throw new FormatException(
          FormatReason.SENTENCEPIECE_LIMIT_EXCEEDED,
          at,
          "more than " + limits.maxPieces() + " pieces");
    }
    boolean[] seen = new boolean[4];
    String text = null;
    int type = 1;
    while (!r.atEnd()) {
      long f = r.position();
      long tag = r.readTag();
      int field = (int) (tag >>> 3);
      work++;
      if (field < 1 || field > 3) {
        throw unknown(f, field, "SentencePiece");
      }
      once(seen, field, f, "SentencePiece");
      switch (field) {
        case 1 -> {
          expect(tag, ProtoReader.LEN, f, "SentencePiece", field);
          text = string(f);
        }
        case 2 -> {
          expect(tag, ProtoReader.I32, f, "SentencePiece", field);
          float score = Float.intBitsToFloat(r.readFixed32());
          if (!Float.isFinite(score)) {
            throw new FormatException(
                FormatReason.SENTENCEPIECE_PIECE_INVALID,
                f,
                "piece score " + score + " is not finite");
          }
        }
        default -> {
          expect(tag, ProtoReader.VARINT, f, "SentencePiece", field);
          long v = r.readVarint();
          if (v < 1 || v > 6) {
            throw new FormatException(
                FormatReason.SENTENCEPIECE_PIECE_INVALID, f, "piece type " + v + " is not defined");
          }
          type = (int) v;
        }
      }
    }
    if (text == null || text.isEmpty()) {
      throw new FormatException(
          FormatReason.SENTENCEPIECE_PIECE_INVALID, at, "piece " + (pieceCount - 1) + " is empty");
    }
    if (type == UNKNOWN_TYPE) {
      unkCount++;
    } else if (type == BYTE_TYPE) {
      int b = byteValue(text);
      if (b < 0) {
        throw new FormatException(
            FormatReason.SENTENCEPIECE_PIECE_INVALID,
            at,
            "BYTE piece " + (pieceCount - 1) + " is not spelled <0xXX>");
      }
      if (firstByteAt < 0) {
        firstByteAt = at;
      }
      if (!bytePieces[b]) {
        bytePieces[b] = true;
        byteCount++;
      }
    }
    if (!pieces.add(text)) {
      throw new FormatException(
          FormatReason.SENTENCEPIECE_DUPLICATE_PIECE,
          at,
          "piece " + (pieceCount - 1) + " repeats an earlier piece's text");
    }
  }

  /**
   * The byte of a {@code <0xXX>} piece (upper-case hex, as sentencepiece writes and reads it), or
   * -1.
   */
  private static int byteValue(String s) {
    if (s.length() != 6 || !s.startsWith("<0x") || s.charAt(5) != '>') {
      return -1;
    }
    int hi = hex(s.charAt(3));
    int lo = hex(s.charAt(4));
    return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
  }

  private static int hex(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }

  private void readTrainerSpec() {
    boolean[] seen = new boolean[TRAINER.length];
    while (!r.atEnd()) {
      long f = r.position();
      long tag = r.readTag();
      long field = tag >>> 3;
      work++;
      int kind = field < TRAINER.length ? TRAINER[(int) field] : 0;
      if (kind == 0) {
        throw unknown(f, field, "TrainerSpec");
      }
      if (kind != STRINGS) {
        once(seen, (int) field, f, "TrainerSpec");
      }
      long v = scalar(tag, kind, f, "TrainerSpec");
      if (kind == MODEL_TYPE) {
        modelType = (int) v;
      } else if (field == BYTE_FALLBACK) {
        byteFallback = v == 1;
      }
    }
  }

  private void readNormalizerSpec() {
    boolean[] seen = new boolean[NORMALIZER.length];
    while (!r.atEnd()) {
      long f = r.position();
      long tag = r.readTag();
      long field = tag >>> 3;
      work++;
      if (field >= NORMALIZER.length) {
        throw unknown(f, field, "NormalizerSpec");
      }
      once(seen, (int) field, f, "NormalizerSpec");
      scalar(tag, NORMALIZER[(int) field], f, "NormalizerSpec");
    }
  }

  private void readSelfTestData() {
    long samples = 0;
    while (!r.atEnd()) {
      long f = r.position();
      long tag = r.readTag();
      long field = tag >>> 3;
      work++;
      if (field != 1) {
        throw unknown(f, field, "SelfTestData");
      }
      expect(tag, ProtoReader.LEN, f, "SelfTestData", 1);
      if (++samples > limits.maxSamples()) {
        throw new FormatException(
            FormatReason.SENTENCEPIECE_LIMIT_EXCEEDED,
            f,
            "more than " + limits.maxSamples() + " self-test samples");
      }
      long old = r.pushLimit(r.readLength());
      boolean[] seen = new boolean[3];
      while (!r.atEnd()) {
        long g = r.position();
        long t = r.readTag();
        long sub = t >>> 3;
        work++;
        if (sub < 1 || sub > 2) {
          throw unknown(g, sub, "SelfTestData.Sample");
        }
        once(seen, (int) sub, g, "SelfTestData.Sample");
        scalar(t, STRING, g, "SelfTestData.Sample");
      }
      r.popLimit(old);
    }
  }

  /** Reads one value of {@code kind}, checking wire type and range; returns varint values. */
  private long scalar(long tag, int kind, long at, String message) {
    int field = (int) (tag >>> 3);
    switch (kind) {
      case STRING, STRINGS -> {
        expect(tag, ProtoReader.LEN, at, message, field);
        string(at);
        return 0;
      }
      case BYTES -> {
        expect(tag, ProtoReader.LEN, at, message, field);
        long len = r.readLength();
        if (len > limits.maxCharsmapBytes()) {
          throw new FormatException(
              FormatReason.SENTENCEPIECE_LIMIT_EXCEEDED,
              at,
              "precompiled_charsmap of "
                  + len
                  + " bytes exceeds the limit of "
                  + limits.maxCharsmapBytes());
        }
        if (len > 0) {
          // Skipping first checks that the field lies inside its message.
          long start = r.position();
          r.skipBytes(len);
          Charsmap.check(r.bytes().slice(start, (int) len), start);
        }
        return 0;
      }
      case FLOAT -> {
        expect(tag, ProtoReader.I32, at, message, field);
        float v = Float.intBitsToFloat(r.readFixed32());
        if (!Float.isFinite(v)) {
          throw value(at, message, field, "is not finite");
        }
        return 0;
      }
      default -> {
        expect(tag, ProtoReader.VARINT, at, message, field);
        long v = r.readVarint();
        boolean ok =
            switch (kind) {
              case BOOL -> v == 0 || v == 1;
              case INT32 -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
              case MODEL_TYPE -> v >= 1 && v <= 4;
              default -> true; // UINT64
            };
        if (!ok) {
          throw value(
              at, message, field, "holds " + Long.toUnsignedString(v) + ", outside its type");
        }
        return v;
      }
    }
  }

  /** Reads a length-delimited UTF-8 string within the string limit. */
  private String string(long at) {
    long len = r.readLength();
    if (len > limits.maxStringBytes()) {
      throw new FormatException(
          FormatReason.SENTENCEPIECE_LIMIT_EXCEEDED,
          at,
          "string of " + len + " bytes exceeds the limit of " + limits.maxStringBytes());
    }
    long start = r.position();
    if (!r.isUtf8(start, len)) {
      throw new FormatException(
          FormatReason.SENTENCEPIECE_STRING_NOT_UTF8, start, "string is not valid UTF-8");
    }
    ByteBuffer b = r.bytes().slice(start, (int) len);
    byte[] raw = new byte[(int) len];
    b.get(0, raw);
    r.skipBytes(len);
    return new String(raw, StandardCharsets.UTF_8);
  }

  private void expect(long tag, int wireType, long at, String message, long field) {
    if ((tag & 7) != wireType) {
      throw new FormatException(
          FormatReason.SENTENCEPIECE_FIELD_TYPE_INVALID,
          at,
          message + " field " + field + " has wire type " + (tag & 7) + ", expected " + wireType);
    }
  }

  private static void once(boolean[] seen, int field, long at, String message) {
    if (seen[field]) {
      throw new FormatException(
          FormatReason.SENTENCEPIECE_DUPLICATE_FIELD,
          at,
          message + " field " + field + " appears more than once");
    }
    seen[field] = true;
  }

  private static FormatException unknown(long at, long field, String message) {
    return new FormatException(
        FormatReason.SENTENCEPIECE_UNKNOWN_FIELD,
        at,
        message + " has no field " + field + " in sentencepiece_model.proto");
  }

  private static FormatException value(long at, String message, int field, String what) {
    return new FormatException(
        FormatReason.SENTENCEPIECE_VALUE_INVALID, at, message + " field " + field + " " + what);
  }

  /**
   * Whether {@code head} starts with a complete first piece: tag {@code 0x0A}, a length, and inside
   * it a non-empty UTF-8 {@code piece}, then optionally a score and a type, ending exactly at the
   * length. Every SentencePiece model starts so; no text format can (0x0A is a newline).
   */
  public static boolean looksLike(ByteBuffer head) {
    int p = head.position();
    int lim = head.limit();
    if (p >= lim || head.get(p) != 0x0A) {
      return false;
    }
    long[] len = varint(head, p + 1, lim);
    if (len == null || len[0] > lim - len[1] || len[0] < 3) {
      return false;
    }
    int q = (int) len[1];
    int end = q + (int) len[0];
    if (head.get(q) != 0x0A) {
      return false;
    }
    long[] plen = varint(head, q + 1, end);
    if (plen == null
        || plen[0] == 0
        || plen[0] > end - plen[1]
        || !Utf8.isValid(head, (int) plen[1], (int) plen[0])) {
      return false;
    }
    q = (int) (plen[1] + plen[0]);
    if (q < end && head.get(q) == 0x15) {
      q += 5;
    }
    if (q < end && head.get(q) == 0x18) {
      long[] t = varint(head, q + 1, end);
      if (t == null || t[0] < 1 || t[0] > 6) {
        return false;
      }
      q = (int) t[1];
    }
    return q == end;
  }

  /** {value, index after} of a varint of at most 5 bytes in {@code [p, lim)}, or null. */
  private static long @org.jspecify.annotations.Nullable [] varint(ByteBuffer b, int p, int lim) {
    long v = 0;
    for (int i = 0; i < 5 && p + i < lim; i++) {
      int c = b.get(p + i) & 0xff;
      v |= (long) (c & 0x7f) << (7 * i);
      if ((c & 0x80) == 0) {
        return new long[] {v, p + i + 1};
      }
    }
    return null;
  }
}
