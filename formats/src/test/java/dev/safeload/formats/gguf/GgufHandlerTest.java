package dev.safeload.formats.gguf;

import static dev.safeload.formats.gguf.GgufTesting.assertRejected;
import static dev.safeload.formats.gguf.GgufTesting.describe;
import static dev.safeload.formats.gguf.GgufTesting.findings;
import static dev.safeload.formats.gguf.GgufWriter.ARRAY;
import static dev.safeload.formats.gguf.GgufWriter.BOOL;
import static dev.safeload.formats.gguf.GgufWriter.FLOAT32;
import static dev.safeload.formats.gguf.GgufWriter.FLOAT64;
import static dev.safeload.formats.gguf.GgufWriter.INT32;
import static dev.safeload.formats.gguf.GgufWriter.INT64;
import static dev.safeload.formats.gguf.GgufWriter.INT8;
import static dev.safeload.formats.gguf.GgufWriter.STRING;
import static dev.safeload.formats.gguf.GgufWriter.UINT32;
import static dev.safeload.formats.gguf.GgufWriter.UINT64;
import static dev.safeload.formats.gguf.GgufWriter.UINT8;
import static dev.safeload.formats.gguf.GgufWriter.array;
import static dev.safeload.formats.gguf.GgufWriter.bytes;
import static dev.safeload.formats.gguf.GgufWriter.cat;
import static dev.safeload.formats.gguf.GgufWriter.str;
import static dev.safeload.formats.gguf.GgufWriter.u32;
import static dev.safeload.formats.gguf.GgufWriter.u64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.gguf.GgmlType;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.TensorInfo;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class GgufHandlerTest {

  @Test
  void validFileIsDescribed() {
    ModelDescription d = describe(GgufWriter.valid().build());
    assertEquals("gguf", d.format());
    TensorInfo t = d.tensors().get(0);
    assertEquals("t", t.name());
    assertEquals("F32", t.dtype());
    assertEquals(List.of(4L), t.shape());
    assertEquals(16, t.length());
    assertEquals("test", d.metadata().get("general.architecture"));
    assertEquals("3", d.metadata().get("gguf:version"));
  }

  @Test
  void detectsByMagicOnly() {
    GgufHandler h = new GgufHandler();
    assertEquals(Confidence.MAGIC, h.detect(ByteBuffer.wrap(GgufWriter.valid().build()), 64));
    assertEquals(Confidence.NONE, h.detect(ByteBuffer.wrap("FUGG\3\0\0\0".getBytes()), 8));
    assertEquals(Confidence.NONE, h.detect(ByteBuffer.wrap("GGU".getBytes()), 3));
  }

  // ---------------------------------------------------------------- header

  @Test
  void badMagic() {
    byte[] b = GgufWriter.valid().build();
    b[0] = 'F';
    assertRejected(FormatReason.GGUF_MAGIC_INVALID, b);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 4, 0x03000000L})
  void onlyVersions2And3(long version) {
    GgufWriter w = GgufWriter.valid();
    w.version = version;
    assertRejected(FormatReason.GGUF_VERSION_UNSUPPORTED, w.build());
  }

  @Test
  void version2Accepted() {
    GgufWriter w = GgufWriter.valid();
    w.version = 2;
    assertEquals(List.of(), findings(w.build()));
  }

  @Test
  void truncatedHeader() {
    byte[] b = GgufWriter.valid().build();
    assertRejected(FormatReason.GGUF_TRUNCATED, java.util.Arrays.copyOf(b, 20));
  }

  /** CVE-2024-21836: a huge n_tensors sized an allocation. */
  @ParameterizedTest
  @ValueSource(longs = {Long.MIN_VALUE, -1, 1L << 40, 1_000_001})
  void tensorCountBoundedBeforeAllocation(long count) {
    GgufWriter w = GgufWriter.valid();
    w.tensorCount = count;
    assertRejected(FormatReason.GGUF_TOO_MANY_TENSORS, w.build());
  }

  /**
   * With every limit lifted, hostile counts are still bounded by the bytes left, before any
   * allocation.
   */
  @Test
  void hostileCountsNeverSizeAllocationsEvenWithoutLimits() {
    LoadPolicy open =
        LoadPolicy.strict().toBuilder()
            .set(Gguf.MAX_TENSORS, Long.MAX_VALUE)
            .set(Gguf.MAX_KEYS, Long.MAX_VALUE)
            .set(Gguf.MAX_ARRAY_ELEMENTS, Long.MAX_VALUE)
            .set(Gguf.MAX_STRING_BYTES, Long.MAX_VALUE)
            .build();
    GgufWriter t = GgufWriter.valid();
    t.tensorCount = Integer.MAX_VALUE - 8L;
    assertRejected(FormatReason.GGUF_TOO_MANY_TENSORS, t.build(), open);
    GgufWriter k = GgufWriter.valid();
    k.kvCount = 1L << 62;
    assertRejected(FormatReason.GGUF_TOO_MANY_KEYS, k.build(), open);
    GgufWriter a = GgufWriter.valid();
    a.kv("a.b", ARRAY, array(UINT64, Integer.MAX_VALUE, new byte[8]));
    assertRejected(FormatReason.GGUF_ARRAY_TOO_LONG, a.build(), open);
    GgufWriter s = GgufWriter.valid();
    s.kv("a.b", STRING, cat(u64(Integer.MAX_VALUE), new byte[8]));
    assertRejected(FormatReason.GGUF_TRUNCATED, s.build(), open);
  }

  @Test
  void tensorCountOverPolicyLimit() {
    GgufWriter w = GgufWriter.valid();
    w.tensor("u", 0, 32, 4);
    w.data = new byte[64];
    LoadPolicy p = LoadPolicy.strict().toBuilder().set(Gguf.MAX_TENSORS, 1L).build();
    assertRejected(FormatReason.GGUF_TOO_MANY_TENSORS, w.build(), p);
  }

  /** CVE-2024-23605: a huge n_kv sized an allocation. */
  @ParameterizedTest
  @ValueSource(longs = {Long.MIN_VALUE, 1L << 40, 70_000})
  void keyCountBoundedBeforeAllocation(long count) {
    GgufWriter w = GgufWriter.valid();
    w.kvCount = count;
    assertRejected(FormatReason.GGUF_TOO_MANY_KEYS, w.build());
  }

  // ---------------------------------------------------------------- metadata

  /** CVE-2024-23496: gguf_fread_str trusted the string length. */
  @Test
  void stringLengthOverLimit() {
    GgufWriter w = GgufWriter.valid();
    w.kv("a.b", STRING, cat(u64(1L << 40), new byte[4]));
    assertRejected(FormatReason.GGUF_STRING_TOO_LONG, w.build());
  }

  @Test
  void stringLengthPastEnd() {
    GgufWriter w = new GgufWriter();
    w.kv("a.b", STRING, cat(u64(1000), "xy".getBytes()));
    assertRejected(FormatReason.GGUF_TRUNCATED, w.build());
  }

  /** CVE-2024-21825: array counts overflowed the element allocation. */
  @Test
  void arrayCountBoundedByRemainingBytes() {
    GgufWriter w = GgufWriter.valid();
    w.kv("a.b", ARRAY, array(STRING, 1L << 40, str("x")));
    assertRejected(FormatReason.GGUF_ARRAY_TOO_LONG, w.build());
    GgufWriter n = GgufWriter.valid();
    n.kv("a.b", ARRAY, array(UINT8, -1L, new byte[3]));
    assertRejected(FormatReason.GGUF_ARRAY_TOO_LONG, n.build());
  }

  @Test
  void arrayOverPolicyLimit() {
    GgufWriter w = GgufWriter.valid();
    w.kv("a.b", ARRAY, array(UINT8, 3, new byte[3]));
    LoadPolicy p = LoadPolicy.strict().toBuilder().set(Gguf.MAX_ARRAY_ELEMENTS, 2L).build();
    assertRejected(FormatReason.GGUF_ARRAY_TOO_LONG, w.build(), p);
  }

  /** gguf-py recursed into nested arrays without bound; ggml rejects them. */
  @Test
  void nestedArrayRejected() {
    GgufWriter w = GgufWriter.valid();
    w.kv("a.b", ARRAY, array(ARRAY, 1, array(UINT8, 1, new byte[1])));
    assertRejected(FormatReason.GGUF_NESTED_ARRAY, w.build());
  }

  @Test
  void unknownValueTypes() {
    GgufWriter w = GgufWriter.valid();
    w.kv("a.b", 13, new byte[8]);
    assertRejected(FormatReason.GGUF_VALUE_TYPE_UNKNOWN, w.build());
    GgufWriter a = GgufWriter.valid();
    a.kv("a.b", ARRAY, array(13, 1, new byte[8]));
    assertRejected(FormatReason.GGUF_VALUE_TYPE_UNKNOWN, a.build());
  }

  @Test
  void boolMustBeZeroOrOne() {
    GgufWriter w = GgufWriter.valid();
    w.kv("a.b", BOOL, new byte[] {2});
    assertRejected(FormatReason.GGUF_BOOL_INVALID, w.build());
    GgufWriter a = GgufWriter.valid();
    a.kv("a.b", ARRAY, array(BOOL, 2, new byte[] {1, 7}));
    assertRejected(FormatReason.GGUF_BOOL_INVALID, a.build());
  }

  @Test
  void stringsMustBeUtf8() {
    GgufWriter v = GgufWriter.valid();
    v.kv("a.b", STRING, bytes(new byte[] {'o', 'k', (byte) 0xC0, (byte) 0x80}));
    assertRejected(FormatReason.GGUF_STRING_NOT_UTF8, v.build());
    GgufWriter a = GgufWriter.valid();
    a.kv("a.b", ARRAY, array(STRING, 1, bytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})));
    assertRejected(FormatReason.GGUF_STRING_NOT_UTF8, a.build());
    GgufWriter k = GgufWriter.valid();
    k.kvs.add(cat(bytes(new byte[] {'a', (byte) 0xFF}), u32(UINT8), new byte[] {1}));
    assertRejected(FormatReason.GGUF_STRING_NOT_UTF8, k.build());
  }

  /**
   * Issue 11: llama.cpp writes {arch}.block_count and its other per-architecture keys with
   * architecture names that hold '-' (command-r, gpt-oss, nomic-bert-moe, jina-bert-v2, ...); its
   * reader requires only non-empty, unique keys, so keys outside the spec's lower_snake_case are
   * accepted.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "command-r.context_length",
        "gpt-oss.expert_count",
        "nomic-bert-moe.moe_every_n_layers",
        "jina-bert-v2.attention.layer_norm_epsilon",
        "t5encoder.x",
        "A.b",
        "a..b",
        ".a",
        "a.",
        "a b",
        "Évil KEY/../x",
        "general.名前"
      })
  void keysNeedNotBeSnakeCase(String key) {
    GgufWriter w = GgufWriter.valid();
    w.kv(key, UINT8, new byte[] {1});
    ModelDescription d = describe(w.build());
    assertEquals("1", d.metadata().get(key));
  }

  /**
   * The typed-key rules reach hyphenated architectures too: command-r.block_count is a bounded u32.
   */
  @Test
  void hyphenatedArchitectureKeysAreTyped() {
    GgufWriter ok = GgufWriter.valid();
    ok.kv("command-r.block_count", UINT32, u32(40));
    assertEquals("40", describe(ok.build()).metadata().get("command-r.block_count"));
    GgufWriter big = GgufWriter.valid();
    big.kv("gpt-oss.block_count", UINT32, u32(100_000));
    assertRejected(FormatReason.GGUF_METADATA_VALUE_INVALID, big.build());
    GgufWriter typed = GgufWriter.valid();
    typed.kv("nomic-bert-moe.block_count", STRING, str("12"));
    assertRejected(FormatReason.GGUF_METADATA_TYPE_INVALID, typed.build());
  }

  /**
   * llama.cpp reads scores[i] and toktypes[i] for every token id; releases before its 2025 bounds
   * check read past a shorter array. Each must hold one entry per token, in any key order.
   */
  @Test
  void vocabularyArraysHoldOneEntryPerToken() {
    byte[] tokens = array(STRING, 3, str("a"), str("b"), str("c"));
    byte[] threeScores = array(FLOAT32, 3, new byte[12]);
    byte[] threeTypes = array(INT32, 3, u32(1), u32(1), u32(1));
    GgufWriter ok = GgufWriter.valid();
    ok.kv("tokenizer.ggml.scores", ARRAY, threeScores);
    ok.kv("tokenizer.ggml.tokens", ARRAY, tokens);
    ok.kv("tokenizer.ggml.token_type", ARRAY, threeTypes);
    assertEquals("ARRAY<FLOAT32>[3]", describe(ok.build()).metadata().get("tokenizer.ggml.scores"));
    GgufWriter shortScores = GgufWriter.valid();
    shortScores.kv("tokenizer.ggml.tokens", ARRAY, tokens);
    shortScores.kv("tokenizer.ggml.scores", ARRAY, array(FLOAT32, 1, new byte[4]));
    assertRejected(FormatReason.GGUF_METADATA_VALUE_INVALID, shortScores.build());
    GgufWriter shortTypes = GgufWriter.valid();
    shortTypes.kv("tokenizer.ggml.token_type", ARRAY, array(INT32, 2, u32(1), u32(1)));
    shortTypes.kv("tokenizer.ggml.scores", ARRAY, threeScores);
    shortTypes.kv("tokenizer.ggml.tokens", ARRAY, tokens);
    assertRejected(FormatReason.GGUF_METADATA_VALUE_INVALID, shortTypes.build());
    GgufWriter longScores = GgufWriter.valid();
    longScores.kv("tokenizer.ggml.tokens", ARRAY, tokens);
    longScores.kv("tokenizer.ggml.scores", ARRAY, array(FLOAT32, 4, new byte[16]));
    assertRejected(FormatReason.GGUF_METADATA_VALUE_INVALID, longScores.build());
  }

  /**
   * Empty (llama.cpp #24917), longer than the spec's 65535 bytes, or holding NUL (llama.cpp finds
   * keys with strcmp: "general.alignment\0x" would be general.alignment to it) or a control
   * character.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "general.alignment\u0000x",
        "\u0000",
        "a\nb",
        "a\u001bb",
        "a\u007fb",
        "a\u0085b",
        "LONG"
      })
  void keysRejected(String key) {
    String k = key.equals("LONG") ? "k".repeat(65536) : key;
    GgufWriter w = GgufWriter.valid();
    w.kv(k, UINT8, new byte[] {1});
    assertRejected(FormatReason.GGUF_KEY_INVALID, w.build());
  }

  @Test
  void longestKeyAccepted() {
    GgufWriter w = GgufWriter.valid();
    w.kv("k".repeat(65535), UINT8, new byte[] {1});
    assertEquals(List.of(), findings(w.build()));
  }

  /**
   * Unique as exact bytes: case and Unicode forms are not folded (llama.cpp and gguf-py do not).
   */
  @Test
  void duplicateKeys() {
    GgufWriter w = GgufWriter.valid();
    w.kv("a.b", UINT8, new byte[] {1});
    w.kv("a.b", UINT8, new byte[] {2});
    assertRejected(FormatReason.GGUF_DUPLICATE_KEY, w.build());
    GgufWriter h = GgufWriter.valid();
    h.kv("command-r.block_count", UINT32, u32(1));
    h.kv("command-r.block_count", UINT32, u32(2));
    assertRejected(FormatReason.GGUF_DUPLICATE_KEY, h.build());
    GgufWriter distinct = GgufWriter.valid();
    distinct.kv("a.b", UINT8, new byte[] {1});
    distinct.kv("A.b", UINT8, new byte[] {2});
    distinct.kv("\u00e9", UINT8, new byte[] {3});
    distinct.kv("e\u0301", UINT8, new byte[] {4});
    assertEquals(List.of(), findings(distinct.build()));
  }

  /** llama.cpp#26690: vocabulary arrays cast without checking the element type. */
  @Test
  void wellKnownKeysAreTyped() {
    GgufWriter w = GgufWriter.valid();
    w.kv("tokenizer.ggml.scores", ARRAY, array(INT8, 2, new byte[2]));
    assertRejected(FormatReason.GGUF_METADATA_TYPE_INVALID, w.build());
    for (int elem : new int[] {UINT32, INT64, FLOAT64, UINT8}) {
      GgufWriter other = GgufWriter.valid();
      other.kv(
          "tokenizer.ggml.scores",
          ARRAY,
          array(elem, 1, new byte[elem == UINT8 ? 1 : elem == UINT32 ? 4 : 8]));
      assertRejected(FormatReason.GGUF_METADATA_TYPE_INVALID, other.build());
    }
    GgufWriter t = GgufWriter.valid();
    t.kv("tokenizer.ggml.tokens", ARRAY, array(INT32, 1, new byte[4]));
    assertRejected(FormatReason.GGUF_METADATA_TYPE_INVALID, t.build());
    GgufWriter c = GgufWriter.valid();
    c.kv("tokenizer.chat_template", UINT32, u32(1));
    assertRejected(FormatReason.GGUF_METADATA_TYPE_INVALID, c.build());
  }

  /**
   * gguf-py stores a list of Python ints as INT32, so integer scores arrive as an INT32 array (the
   * Devstral-Small-2 GGUFs); llama.cpp reads them (#27260). The one-per-token rule still holds.
   */
  @Test
  void integerScoresAccepted() {
    byte[] tokens = array(STRING, 3, str("a"), str("b"), str("c"));
    GgufWriter w = GgufWriter.valid();
    w.kv("tokenizer.ggml.tokens", ARRAY, tokens);
    w.kv("tokenizer.ggml.scores", ARRAY, array(INT32, 3, u32(0), u32(-1), u32(-2)));
    assertEquals("ARRAY<INT32>[3]", describe(w.build()).metadata().get("tokenizer.ggml.scores"));
    GgufWriter shortScores = GgufWriter.valid();
    shortScores.kv("tokenizer.ggml.tokens", ARRAY, tokens);
    shortScores.kv("tokenizer.ggml.scores", ARRAY, array(INT32, 2, u32(0), u32(0)));
    assertRejected(FormatReason.GGUF_METADATA_VALUE_INVALID, shortScores.build());
  }

  /** llama.cpp#25821: block_count above LLAMA_MAX_LAYERS wrote out of bounds. */
  @Test
  void blockCountBounded() {
    GgufWriter w = GgufWriter.valid();
    w.kv("llama.block_count", UINT32, u32(100_000));
    assertRejected(FormatReason.GGUF_METADATA_VALUE_INVALID, w.build());
    GgufWriter ok = GgufWriter.valid();
    ok.kv("llama.block_count", UINT32, u32(512));
    assertEquals(List.of(), findings(ok.build()));
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 4, 48, 0x80000000L, 131072})
  void alignmentPowerOfTwoInRange(long alignment) {
    GgufWriter w = GgufWriter.valid();
    w.kv("general.alignment", UINT32, u32(alignment));
    assertRejected(FormatReason.GGUF_ALIGNMENT_INVALID, w.build());
  }

  @Test
  void alignmentMustBeU32() {
    GgufWriter w = GgufWriter.valid();
    w.kv("general.alignment", UINT64, u64(32));
    assertRejected(FormatReason.GGUF_ALIGNMENT_INVALID, w.build());
  }

  @Test
  void alignmentIsApplied() {
    GgufWriter w = GgufWriter.valid();
    w.kv("general.alignment", UINT32, u32(64));
    w.alignment = 64;
    w.tensor("u", 0, 64, 2);
    w.data = new byte[64 + 8];
    ModelDescription d = describe(w.build());
    long start = d.tensors().get(0).offset();
    assertEquals(0, start % 64);
    assertEquals(start + 64, d.tensors().get(1).offset());
  }

  // ---------------------------------------------------------------- tensor infos

  @Test
  void tensorNameLength() {
    GgufWriter ok = new GgufWriter();
    ok.tensor("n".repeat(63), 0, 0, 1);
    ok.data = new byte[4];
    assertEquals(List.of(), findings(ok.build()));
    GgufWriter w = new GgufWriter();
    w.tensor("n".repeat(64), 0, 0, 1);
    w.data = new byte[4];
    assertRejected(FormatReason.GGUF_TENSOR_NAME_INVALID, w.build());
    GgufWriter e = new GgufWriter();
    e.tensor("", 0, 0, 1);
    e.data = new byte[4];
    assertRejected(FormatReason.GGUF_TENSOR_NAME_INVALID, e.build());
  }

  /** ggml keeps names in char[64] and finds tensors with strcmp: "t\0x" would be "t" to it. */
  @ParameterizedTest
  @ValueSource(strings = {"t\u0000x", "t\nx", "\u009bt"})
  void tensorNamesHoldNoControlCharacters(String name) {
    GgufWriter w = new GgufWriter();
    w.tensor(name, 0, 0, 1);
    w.data = new byte[4];
    assertRejected(FormatReason.GGUF_TENSOR_NAME_INVALID, w.build());
  }

  @Test
  void duplicateTensorNames() {
    GgufWriter w = GgufWriter.valid();
    w.tensor("t", 0, 32, 4);
    w.data = new byte[64];
    assertRejected(FormatReason.GGUF_DUPLICATE_TENSOR, w.build());
  }

  /** CVE-2024-21802: n_dims up to 2^32 was written into ne[4]. */
  @ParameterizedTest
  @ValueSource(longs = {5, 0xFFFFFFFFL})
  void atMostFourDims(long nDims) {
    GgufWriter w = new GgufWriter();
    w.infos.add(cat(str("t"), u32(nDims), u64(1), u64(1), u64(1), u64(1), u64(1), u32(0), u64(0)));
    w.data = new byte[4];
    assertRejected(FormatReason.GGUF_TOO_MANY_DIMS, w.build());
  }

  @Test
  void scalarAndZeroDimensionsAccepted() {
    GgufWriter w = new GgufWriter();
    w.tensor("s", 0, 0);
    w.tensor("z", 0, 32, 0, 7);
    w.data = new byte[32]; // the empty tensor still sits at an offset inside the file
    ModelDescription d = describe(w.build());
    assertEquals(List.of(), d.tensors().get(0).shape());
    assertEquals(0, d.tensors().get(1).length());
  }

  @Test
  void dimensionsBelow2To63() {
    GgufWriter w = new GgufWriter();
    w.tensor("t", 0, 0, 1L << 63);
    assertRejected(FormatReason.GGUF_DIM_INVALID, w.build());
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 5, 31, 32, 33, 36, 37, 38, 43, 1000, -1})
  void unknownOrRemovedTypeIds(int id) {
    GgufWriter w = new GgufWriter();
    w.tensor("t", id, 0, 256);
    w.data = new byte[4096];
    assertRejected(FormatReason.GGUF_TENSOR_TYPE_UNKNOWN, w.build());
  }

  /** Every known ggml type, sized as ggml sizes it: ne0/blck * bytes-per-block * rows. */
  @ParameterizedTest
  @EnumSource(GgmlType.class)
  void everyKnownTypeIsSized(GgmlType type) {
    long rowBytes = 2L * type.typeSize();
    long bytes = rowBytes * 3;
    GgufWriter w = new GgufWriter();
    w.tensor("t", type.id(), 0, 2L * type.blockSize(), 3);
    w.data = new byte[(int) ((bytes + 31) / 32 * 32)];
    ModelDescription d = describe(w.build());
    assertEquals(type.name(), d.tensors().get(0).dtype());
    assertEquals(bytes, d.tensors().get(0).length());
    assertEquals(List.of(3L, 2L * type.blockSize()), d.tensors().get(0).shape());
  }

  @Test
  void typeTableMatchesGgml() {
    assertEquals(35, GgmlType.values().length);
    assertEquals(18, GgmlType.Q4_0.typeSize());
    assertEquals(34, GgmlType.Q8_0.typeSize());
    assertEquals(292, GgmlType.Q8_K.typeSize());
    assertEquals(17, GgmlType.MXFP4.typeSize());
    assertEquals(64, GgmlType.Q2_0.blockSize());
    assertEquals(GgmlType.Q2_0, GgmlType.byId(42));
  }

  @Test
  void rowsMustFillBlocks() {
    GgufWriter w = new GgufWriter();
    w.tensor("t", GgmlType.Q4_0.id(), 0, 33);
    w.data = new byte[64];
    assertRejected(FormatReason.GGUF_BLOCK_MISALIGNED, w.build());
  }

  /** CVE-2026-33298: ggml_nbytes wrapped for a crafted shape. */
  @Test
  void elementCountOverflow() {
    GgufWriter w = new GgufWriter();
    w.tensor("t", 0, 0, 1L << 32, 1L << 32);
    assertRejected(FormatReason.GGUF_SIZE_OVERFLOW, w.build());
    GgufWriter b = new GgufWriter();
    b.tensor("t", 0, 0, 1L << 62);
    assertRejected(FormatReason.GGUF_SIZE_OVERFLOW, b.build());
  }

  /** CVE-2025-53630 and CVE-2026-27940: the running tensor-size sum overflowed. */
  @Test
  void runningSizeSumOverflow() {
    GgufWriter w = new GgufWriter();
    w.tensor("a", GgmlType.I8.id(), 0, 1L << 62);
    w.tensor("b", GgmlType.I8.id(), 1L << 62, 1L << 62);
    w.tensor("c", GgmlType.I8.id(), Long.MIN_VALUE, 1L << 62);
    assertRejected(FormatReason.GGUF_SIZE_OVERFLOW, w.build());
  }

  @ParameterizedTest
  @ValueSource(longs = {64, 12, 0})
  void offsetsAreTheRunningAlignedSum(long secondOffset) {
    GgufWriter w = GgufWriter.valid();
    w.tensor("u", 0, secondOffset, 4);
    w.data = new byte[128];
    assertRejected(FormatReason.GGUF_OFFSET_INVALID, w.build());
  }

  @Test
  void reversedOffsets() {
    GgufWriter w = new GgufWriter();
    w.tensor("a", 0, 32, 4);
    w.tensor("b", 0, 0, 4);
    w.data = new byte[64];
    assertRejected(FormatReason.GGUF_OFFSET_INVALID, w.build());
  }

  // ---------------------------------------------------------------- data section

  /** Ollama CVE-2026-7482: offset+size past EOF leaked heap memory. */
  @Test
  void dataPastEndOfFile() {
    GgufWriter w = new GgufWriter();
    w.tensor("t", 0, 0, 1L << 20);
    w.data = new byte[32];
    assertRejected(FormatReason.GGUF_DATA_TRUNCATED, w.build());
  }

  @Test
  void trailingBytes() {
    GgufWriter w = GgufWriter.valid();
    w.trailer = new byte[] {'P', 'K', 5, 6};
    assertRejected(FormatReason.GGUF_TRAILING_BYTES, w.build());
  }

  @Test
  void lastTensorMayBeUnpadded() {
    GgufWriter w = GgufWriter.valid();
    w.data = java.util.Arrays.copyOf(w.data, 16);
    assertEquals(List.of(), findings(w.build()));
  }

  @Test
  void paddingIsZero() {
    GgufWriter w = GgufWriter.valid();
    w.data[20] = 1;
    assertRejected(FormatReason.GGUF_PADDING_NONZERO, w.build());
  }

  @Test
  void noTensors() {
    GgufWriter w = new GgufWriter();
    w.kv("general.architecture", STRING, str("x"));
    assertEquals(List.of(), findings(w.build()));
    w.trailer = new byte[40];
    assertRejected(FormatReason.GGUF_TRAILING_BYTES, w.build());
  }

  // ---------------------------------------------------------------- chat templates

  static final String BENIGN =
      "{% for m in messages %}{{ '<|' + m['role'] + '|>\\n' + m['content'] }}{% endfor %}";

  @Test
  void templatesAreReportedWithTheirHash() throws Exception {
    GgufWriter w = GgufWriter.valid();
    w.kv("tokenizer.chat_template", STRING, str(BENIGN));
    ModelDescription d = describe(w.build());
    String hex =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(BENIGN.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertEquals(hex, d.metadata().get("sha256(tokenizer.chat_template)"));
    assertEquals(BENIGN, d.metadata().get("tokenizer.chat_template"));
  }

  @Test
  void pinnedTemplatesOnly() throws Exception {
    String evil = "{{ ''.__class__ }}";
    String hex =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(evil.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    GgufWriter w = GgufWriter.valid();
    w.kv("tokenizer.chat_template", STRING, str(evil));
    LoadPolicy pinned =
        LoadPolicy.strict().toBuilder()
            .set(Gguf.ALLOWED_CHAT_TEMPLATES, ChatTemplatePins.of(hex.toUpperCase()))
            .build();
    assertEquals(List.of(), findings(w.build(), pinned), "a pinned template is trusted as is");
    GgufWriter other = GgufWriter.valid();
    other.kv("tokenizer.chat_template", STRING, str(BENIGN));
    assertRejected(FormatReason.GGUF_CHAT_TEMPLATE_NOT_PINNED, other.build(), pinned);
  }

  @Test
  void realTemplatesPass() {
    // Shapes used by common chat templates: namespace, loop variables, filters, string escapes.
    String t =
        "{%- set ns = namespace(found=false) -%}{%- for message in messages -%}"
            + "{%- if message['role'] == 'system' -%}{%- set ns.found = true -%}{%- endif -%}"
            + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] | trim + '<|im_end|>\\n' }}"
            + "{%- endfor -%}{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}"
            + "{# a comment with __dunder__ is not code #}";
    GgufWriter w = GgufWriter.valid();
    w.kv("tokenizer.chat_template", STRING, str(t));
    assertEquals(List.of(), findings(w.build()));
  }

  @Test
  void pinsValidateDigests() {
    assertTrue(ChatTemplatePins.none().isEmpty());
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> ChatTemplatePins.of("abc"));
  }
}
