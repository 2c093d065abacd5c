package dev.safeload.formats.safetensors;

import static dev.safeload.formats.safetensors.St.file;
import static dev.safeload.formats.safetensors.St.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ReasonCode;
import dev.safeload.Setting;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.safetensors.Dtype;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule of the strict safetensors profile, each with the exact reason code it reports. */
class SafetensorsHandlerTest {
  private static final SafetensorsHandler HANDLER = new SafetensorsHandler();
  private static final String F32_1 = "\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]";

  static Stream<Arguments> violations() {
    return Stream.of(
        // S1: length prefix
        case_(
            "file shorter than 8 bytes",
            new byte[] {2, 0, 0, 0, 0},
            FormatReason.SAFETENSORS_FILE_TOO_SMALL),
        case_(
            "N above 100,000,000",
            lengthOnly(100_000_001L, 64),
            FormatReason.SAFETENSORS_HEADER_TOO_LARGE),
        case_("N at or above 2^63", lengthOnly(-1L, 64), FormatReason.SAFETENSORS_HEADER_TOO_LARGE),
        case_(
            "8+N past the end", lengthOnly(50, 20), FormatReason.SAFETENSORS_HEADER_LENGTH_INVALID),
        case_(
            "N = 100,000,000 in a tiny file",
            lengthOnly(100_000_000L, 64),
            FormatReason.SAFETENSORS_HEADER_LENGTH_INVALID),
        // S2: UTF-8 and strict JSON
        case_(
            "overlong UTF-8 in a name",
            raw("{\"a", 0xC0, 0xAE, "\":{" + F32_1 + "}}", 4),
            FormatReason.SAFETENSORS_HEADER_NOT_UTF8),
        case_(
            "UTF-8 encoded surrogate",
            raw("{\"a", 0xED, 0xA0, 0x80, "\":{" + F32_1 + "}}", 4),
            FormatReason.SAFETENSORS_HEADER_NOT_UTF8),
        case_(
            "code point above U+10FFFF",
            raw("{\"a", 0xF4, 0x90, 0x80, 0x80, "\":{" + F32_1 + "}}", 4),
            FormatReason.SAFETENSORS_HEADER_NOT_UTF8),
        case_(
            "cut UTF-8 sequence",
            raw("{\"a", 0xE2, 0x82, "\":{" + F32_1 + "}}", 4),
            FormatReason.SAFETENSORS_HEADER_NOT_UTF8),
        case_(
            "lone continuation byte",
            raw("{\"a", 0x80, "\":{" + F32_1 + "}}", 4),
            FormatReason.SAFETENSORS_HEADER_NOT_UTF8),
        case_("empty header", file("", 0), FormatReason.SAFETENSORS_JSON_INVALID),
        case_("trailing characters", file("{}x", 0), FormatReason.SAFETENSORS_JSON_INVALID),
        case_("NUL padding", raw("{}", 0, 0, "", 0), FormatReason.SAFETENSORS_JSON_INVALID),
        case_(
            "form feed is not JSON whitespace",
            file("{}\f", 0),
            FormatReason.SAFETENSORS_JSON_INVALID),
        case_(
            "single-quoted key",
            file("{'t':{" + F32_1 + "}}", 4),
            FormatReason.SAFETENSORS_JSON_INVALID),
        case_(
            "unpaired surrogate escape",
            file("{\"\\ud800\":{" + F32_1 + "}}", 4),
            FormatReason.SAFETENSORS_JSON_INVALID),
        case_(
            "raw control character in a string",
            file("{\"a\tb\":{" + F32_1 + "}}", 4),
            FormatReason.SAFETENSORS_JSON_INVALID),
        case_(
            "leading zero",
            one("\"dtype\":\"F32\",\"shape\":[01],\"data_offsets\":[0,4]", 4),
            FormatReason.SAFETENSORS_JSON_INVALID),
        case_(
            "trailing comma",
            file("{\"t\":{" + F32_1 + "},}", 4),
            FormatReason.SAFETENSORS_JSON_INVALID),
        case_(
            "UTF-8 BOM", raw("", 0xEF, 0xBB, 0xBF, "{}", 0), FormatReason.SAFETENSORS_JSON_INVALID),
        // S3: object, duplicates
        case_("top level is an array", file("[]", 0), FormatReason.SAFETENSORS_HEADER_NOT_OBJECT),
        case_(
            "top level is a string", file("\"x\"", 0), FormatReason.SAFETENSORS_HEADER_NOT_OBJECT),
        case_(
            "leading whitespace",
            file(" {}", 0),
            FormatReason.SAFETENSORS_HEADER_LEADING_WHITESPACE),
        case_(
            "leading newline", file("\n{}", 0), FormatReason.SAFETENSORS_HEADER_LEADING_WHITESPACE),
        case_(
            "duplicate tensor with the same offsets (U8[4] vs F32[1])",
            file(
                "{\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},\"w\":{"
                    + F32_1
                    + "}}",
                4),
            FormatReason.SAFETENSORS_DUPLICATE_KEY),
        case_(
            "duplicate key spelled with an escape",
            file("{\"w\":{" + F32_1 + "},\"\\u0077\":{" + F32_1 + "}}", 4),
            FormatReason.SAFETENSORS_DUPLICATE_KEY),
        case_(
            "duplicate field in an entry",
            one("\"dtype\":\"F32\",\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,4]", 4),
            FormatReason.SAFETENSORS_DUPLICATE_KEY),
        case_(
            "duplicate metadata key",
            file("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}", 0),
            FormatReason.SAFETENSORS_DUPLICATE_KEY),
        case_(
            "__metadata__ twice",
            file("{\"__metadata__\":null,\"__metadata__\":{}}", 0),
            FormatReason.SAFETENSORS_DUPLICATE_KEY),
        // S4: entry fields
        case_(
            "entry is not an object",
            file("{\"t\":5}", 0),
            FormatReason.SAFETENSORS_ENTRY_NOT_OBJECT),
        case_(
            "unknown field",
            one(F32_1 + ",\"extra\":1", 4),
            FormatReason.SAFETENSORS_UNKNOWN_FIELD),
        case_(
            "missing dtype",
            one("\"shape\":[1],\"data_offsets\":[0,4]", 4),
            FormatReason.SAFETENSORS_MISSING_FIELD),
        case_(
            "missing shape",
            one("\"dtype\":\"F32\",\"data_offsets\":[0,4]", 4),
            FormatReason.SAFETENSORS_MISSING_FIELD),
        case_(
            "missing data_offsets",
            one("\"dtype\":\"F32\",\"shape\":[1]", 4),
            FormatReason.SAFETENSORS_MISSING_FIELD),
        // S5: dtype
        case_(
            "lower-case dtype",
            one("\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]", 4),
            FormatReason.SAFETENSORS_UNKNOWN_DTYPE),
        case_(
            "F8_E4M3FN is not a safetensors name",
            one("\"dtype\":\"F8_E4M3FN\",\"shape\":[1],\"data_offsets\":[0,1]", 1),
            FormatReason.SAFETENSORS_UNKNOWN_DTYPE),
        case_(
            "dtype is a number",
            one("\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]", 4),
            FormatReason.SAFETENSORS_UNKNOWN_DTYPE),
        // S6: integers
        case_(
            "float in shape",
            one("\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]", 4),
            FormatReason.SAFETENSORS_NUMBER_INVALID),
        case_(
            "exponent in offsets",
            one("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4e0]", 4),
            FormatReason.SAFETENSORS_NUMBER_INVALID),
        case_(
            "negative dimension",
            one("\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]", 4),
            FormatReason.SAFETENSORS_NUMBER_INVALID),
        case_(
            "minus zero",
            one("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-0,4]", 4),
            FormatReason.SAFETENSORS_NUMBER_INVALID),
        case_(
            "2^63",
            one("\"dtype\":\"U8\",\"shape\":[9223372036854775808],\"data_offsets\":[0,4]", 4),
            FormatReason.SAFETENSORS_NUMBER_INVALID),
        case_(
            "shape is a string",
            one("\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]", 4),
            FormatReason.SAFETENSORS_SHAPE_INVALID),
        case_(
            "shape element is a string",
            one("\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]", 4),
            FormatReason.SAFETENSORS_SHAPE_INVALID),
        case_(
            "nested shape",
            one("\"dtype\":\"F32\",\"shape\":[[1]],\"data_offsets\":[0,4]", 4),
            FormatReason.SAFETENSORS_SHAPE_INVALID),
        case_(
            "17 dimensions",
            one(
                "\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]",
                4),
            FormatReason.SAFETENSORS_RANK_TOO_LARGE),
        // S7: offsets and sizes
        case_(
            "one offset",
            one("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]", 4),
            FormatReason.SAFETENSORS_OFFSETS_INVALID),
        case_(
            "three offsets",
            one("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,4]", 4),
            FormatReason.SAFETENSORS_OFFSETS_INVALID),
        case_(
            "empty offsets (ollama#16182)",
            one("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[]", 4),
            FormatReason.SAFETENSORS_OFFSETS_INVALID),
        case_(
            "begin after end",
            one("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]", 4),
            FormatReason.SAFETENSORS_OFFSETS_INVALID),
        case_(
            "offsets not an array",
            one("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{}", 4),
            FormatReason.SAFETENSORS_OFFSETS_INVALID),
        case_(
            "null offset",
            one("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[null,4]", 4),
            FormatReason.SAFETENSORS_OFFSETS_INVALID),
        case_(
            "shape [2^62, 4] overflows",
            one("\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]", 4),
            FormatReason.SAFETENSORS_SIZE_OVERFLOW),
        case_(
            "elements x bits overflows",
            one("\"dtype\":\"U64\",\"shape\":[4611686018427387904],\"data_offsets\":[0,4]", 4),
            FormatReason.SAFETENSORS_SIZE_OVERFLOW),
        case_(
            "3 x F4 is 12 bits",
            one("\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,1]", 1),
            FormatReason.SAFETENSORS_MISALIGNED_SUBBYTE),
        case_(
            "2 x F6_E2M3 is 12 bits",
            one("\"dtype\":\"F6_E2M3\",\"shape\":[2],\"data_offsets\":[0,1]", 1),
            FormatReason.SAFETENSORS_MISALIGNED_SUBBYTE),
        case_(
            "range shorter than shape x dtype",
            one("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]", 4),
            FormatReason.SAFETENSORS_SIZE_MISMATCH),
        case_(
            "shape product wraps to 0 elsewhere",
            one("\"dtype\":\"U8\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]", 0),
            FormatReason.SAFETENSORS_SIZE_OVERFLOW),
        case_(
            "data past the end",
            one("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]", 4),
            FormatReason.SAFETENSORS_DATA_TRUNCATED),
        // S7/S8: coverage
        case_(
            "hole between tensors",
            file(
                "{\"a\":{"
                    + F32_1
                    + "},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
                12),
            FormatReason.SAFETENSORS_HOLE),
        case_(
            "hole at the start",
            one("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]", 8),
            FormatReason.SAFETENSORS_HOLE),
        case_(
            "overlapping tensors",
            file(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                    + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                8),
            FormatReason.SAFETENSORS_OVERLAP),
        case_(
            "aliasing tensors",
            file("{\"a\":{" + F32_1 + "},\"b\":{" + F32_1 + "}}", 4),
            FormatReason.SAFETENSORS_OVERLAP),
        case_(
            "zero-size tensor inside another tensor's bytes",
            file(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                    + "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}",
                8),
            FormatReason.SAFETENSORS_OVERLAP),
        case_("trailing bytes", one(F32_1, 8), FormatReason.SAFETENSORS_TRAILING_BYTES),
        case_("data after an empty header", file("{}", 1), FormatReason.SAFETENSORS_TRAILING_BYTES),
        // S9: metadata
        case_(
            "metadata value is a number",
            file("{\"__metadata__\":{\"a\":1}}", 0),
            FormatReason.SAFETENSORS_METADATA_INVALID),
        case_(
            "metadata value is null",
            file("{\"__metadata__\":{\"a\":null}}", 0),
            FormatReason.SAFETENSORS_METADATA_INVALID),
        case_(
            "metadata is an array",
            file("{\"__metadata__\":[]}", 0),
            FormatReason.SAFETENSORS_METADATA_INVALID),
        case_(
            "metadata is a string",
            file("{\"__metadata__\":\"x\"}", 0),
            FormatReason.SAFETENSORS_METADATA_INVALID),
        // S10: names
        case_(
            "empty name", file("{\"\":{" + F32_1 + "}}", 4), FormatReason.SAFETENSORS_NAME_INVALID),
        case_(
            "escaped NUL in a name",
            file("{\"a\\u0000\":{" + F32_1 + "}}", 4),
            FormatReason.SAFETENSORS_NAME_INVALID),
        case_(
            "escaped newline in a name",
            file("{\"a\\n\":{" + F32_1 + "}}", 4),
            FormatReason.SAFETENSORS_NAME_INVALID),
        case_(
            "DEL in a name",
            file("{\"a\u007f\":{" + F32_1 + "}}", 4),
            FormatReason.SAFETENSORS_NAME_INVALID),
        case_(
            "C1 control in a name",
            file("{\"a\u0085\":{" + F32_1 + "}}", 4),
            FormatReason.SAFETENSORS_NAME_INVALID),
        case_(
            "name of 1025 bytes",
            file("{\"" + "n".repeat(1025) + "\":{" + F32_1 + "}}", 4),
            FormatReason.SAFETENSORS_NAME_INVALID));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("violations")
  void rejectsWithExactReason(String rule, byte[] bytes, ReasonCode expected) {
    List<Finding> findings = St.findings(HANDLER, bytes, LoadPolicy.strict());
    assertEquals(List.of(expected), St.reasons(findings), rule + ": " + findings);
  }

  @Test
  void policyCapsApply() {
    byte[] three =
        file(
            "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]},"
                + "\"c\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[2,3]}}",
            3);
    assertEquals(List.of(), St.reasons(St.findings(HANDLER, three, LoadPolicy.strict())));
    assertReason(FormatReason.SAFETENSORS_TOO_MANY_TENSORS, three, Safetensors.MAX_TENSORS, 2L);
    assertReason(
        FormatReason.SAFETENSORS_HEADER_TOO_LARGE, three, Safetensors.MAX_HEADER_BYTES, 64L);
    assertReason(
        FormatReason.SAFETENSORS_RANK_TOO_LARGE,
        one("\"dtype\":\"U8\",\"shape\":[1,1,1],\"data_offsets\":[0,1]", 1),
        Safetensors.MAX_RANK,
        2L);
    byte[] meta = file("{\"__metadata__\":{\"k1\":\"v1\",\"k2\":\"v2\"}}", 0);
    assertEquals(List.of(), St.reasons(St.findings(HANDLER, meta, LoadPolicy.strict())));
    assertReason(
        FormatReason.SAFETENSORS_METADATA_TOO_LARGE, meta, Safetensors.MAX_METADATA_ENTRIES, 1L);
    assertReason(
        FormatReason.SAFETENSORS_METADATA_TOO_LARGE, meta, Safetensors.MAX_METADATA_BYTES, 7L);
  }

  @Test
  void nameCapCountsUtf8Bytes() {
    byte[] f = file("{\"\u00e9\u00e9\":{" + F32_1 + "}}", 4); // 2 characters, 4 bytes
    assertReason(FormatReason.SAFETENSORS_NAME_INVALID, f, Safetensors.MAX_NAME_BYTES, 3L);
    assertEquals(
        List.of(),
        St.reasons(
            St.findings(
                HANDLER,
                f,
                LoadPolicy.strict().toBuilder().set(Safetensors.MAX_NAME_BYTES, 4L).build())));
  }

  private static void assertReason(
      ReasonCode expected, byte[] bytes, Setting<Long> setting, long value) {
    LoadPolicy p = LoadPolicy.strict().toBuilder().set(setting, value).build();
    assertEquals(
        List.of(expected),
        St.reasons(St.findings(HANDLER, bytes, p)),
        setting.name() + "=" + value);
  }

  @Test
  void acceptsAll22DtypesAndDescribesThem() {
    StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    long offset = 0;
    List<String> names = new ArrayList<>();
    for (Dtype d : Dtype.values()) {
      long elements = d.bits() == 6 ? 4 : d.bits() == 4 ? 2 : 3;
      long bytes = elements * d.bits() / 8;
      h.append(",\"w.")
          .append(d)
          .append("\":{\"dtype\":\"")
          .append(d)
          .append("\",\"shape\":[")
          .append(elements)
          .append("],\"data_offsets\":[")
          .append(offset)
          .append(',')
          .append(offset + bytes)
          .append("]}");
      names.add("w." + d);
      offset += bytes;
    }
    h.append('}');
    assertEquals(22, Dtype.values().length);
    byte[] f = St.padded(h.toString(), (int) offset);
    ModelDescription d = St.describe(HANDLER, f);
    assertEquals("safetensors", d.format());
    assertEquals(names, d.tensors().stream().map(TensorInfo::name).toList());
    assertEquals(Map.of("format", "pt"), d.metadata());
    long dataStart = f.length - offset;
    TensorInfo first = d.tensors().get(0);
    assertEquals("BOOL", first.dtype());
    assertEquals(List.of(3L), first.shape());
    assertEquals(dataStart, first.offset());
    assertEquals(3, first.length());
    TensorInfo f4 = d.tensors().get(1);
    assertEquals("F4", f4.dtype());
    assertEquals(1, f4.length());
  }

  @Test
  void acceptsEmptyTensorsWhereTheReferenceWriterPutsThem() throws Exception {
    // Written by the reference library (safetensors/reference/generate.py): an empty tensor gets
    // the
    // offset where it falls in the writer's order, which is the start of the next tensor.
    ModelDescription middle =
        St.describe(HANDLER, SafetensorsLoaderTest.resource("reference/empty-middle.safetensors"));
    assertEquals(List.of("a", "m", "z"), middle.tensors().stream().map(TensorInfo::name).toList());
    TensorInfo m = middle.tensors().get(1);
    assertEquals(List.of(0L), m.shape());
    assertEquals(0, m.length());
    assertEquals(middle.tensors().get(2).offset(), m.offset());
    ModelDescription first =
        St.describe(HANDLER, SafetensorsLoaderTest.resource("reference/empty-first.safetensors"));
    assertEquals(
        List.of("bias", "weight"), first.tensors().stream().map(TensorInfo::name).toList());
    assertEquals(Map.of("format", "np"), first.metadata());
    assertEquals(first.tensors().get(1).offset(), first.tensors().get(0).offset());
  }

  @Test
  void acceptsReferenceBehaviourThatIsNotAmbiguous() {
    // Tensors out of offset order in the JSON, scalar shape, null metadata, escaped name, zero-size
    // tensors at the very end, trailing space padding.
    String h =
        "{\"__metadata__\":null,"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[4,8]},"
            + "\"a\\u002e0\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"e1\":{\"dtype\":\"F32\",\"shape\":[0,7],\"data_offsets\":[8,8]},"
            + "\"e2\":{\"dtype\":\"BF16\",\"shape\":[0],\"data_offsets\":[8,8]}}   \t\r\n";
    ModelDescription d = St.describe(HANDLER, file(h, 8));
    assertEquals(
        List.of("b", "a.0", "e1", "e2"), d.tensors().stream().map(TensorInfo::name).toList());
    assertEquals(List.of(), d.tensors().get(0).shape());
    assertEquals(Map.of(), d.metadata());
    long dataStart = 8 + h.length();
    assertEquals(dataStart + 4, d.tensors().get(0).offset());
    assertEquals(dataStart + 8, d.tensors().get(3).offset());
    assertEquals(0, d.tensors().get(3).length());
  }

  @Test
  void canonicalAndGeneralSpellingsDescribeTheSameTensors() {
    // The first spelling is the reference writer's compact form (read by the canonical-entry fast
    // path); the others need the general token path: whitespace, key order, escapes.
    String[] spellings = {
      "{\"a\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]},"
          + "\"b\":{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[12,13]}}",
      "{\"a\": {\"dtype\": \"F16\", \"shape\": [2, 3], \"data_offsets\": [0, 12]},\n"
          + " \"b\": {\"dtype\": \"U8\", \"shape\": [], \"data_offsets\": [12, 13]}}",
      "{\"a\":{\"data_offsets\":[0,12],\"shape\":[2,3],\"dtype\":\"F16\"},"
          + "\"b\":{\"shape\":[],\"dtype\":\"\\u0055\\u0038\",\"data_offsets\":[12,13]}}"
    };
    ModelDescription first = St.describe(HANDLER, file(spellings[0], 13));
    assertEquals(
        List.of(List.of(2L, 3L), List.of()),
        first.tensors().stream().map(TensorInfo::shape).toList());
    for (String spelling : spellings) {
      ModelDescription d = St.describe(HANDLER, file(spelling, 13));
      long shift = spelling.length() - spellings[0].length();
      assertEquals(
          first.tensors().stream()
              .map(t -> List.of(t.name(), t.dtype(), t.shape(), t.offset() + shift, t.length()))
              .toList(),
          d.tensors().stream()
              .map(t -> List.of(t.name(), t.dtype(), t.shape(), t.offset(), t.length()))
              .toList(),
          spelling);
    }
  }

  @Test
  void emptyHeaderWithNoDataIsValid() {
    assertEquals(List.of(), St.describe(HANDLER, file("{}", 0)).tensors());
    assertEquals(List.of(), St.describe(HANDLER, St.padded("{}", 0)).tensors());
  }

  @Test
  void detection() {
    assertEquals(Confidence.STRONG, detect(file("{}", 0)));
    assertEquals(
        Confidence.STRONG,
        detect(file(" {}", 0)),
        "whitespace-led headers are detected, then rejected");
    assertEquals(
        Confidence.STRONG,
        detect(lengthOnly(50, 20)),
        "8+N past the end is detected, so that validation names the truncation");
    assertEquals(
        Confidence.NONE,
        detect(lengthOnly(1L << 30, 20)),
        "a length of 1 GiB or more is not a header");
    assertEquals(Confidence.NONE, detect(file("[]", 0)));
    assertEquals(Confidence.NONE, detect("{\"weight_map\":{}}".getBytes()));
    assertEquals(Confidence.NONE, detect(new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 0, 0, 0}));
    assertEquals(Confidence.NONE, detect(new byte[] {2, 0, 0, 0, 0, 0, 0, 0}));
  }

  private static Confidence detect(byte[] b) {
    return HANDLER.detect(ByteBuffer.wrap(b, 0, Math.min(b.length, 65536)).slice(), b.length);
  }

  @Test
  void findingsCarryByteOffsets() {
    byte[] f = file("{\"w\":{" + F32_1 + "},\"w\":{" + F32_1 + "}}", 4);
    Finding finding = St.findings(HANDLER, f, LoadPolicy.strict()).get(0);
    assertEquals(8 + "{\"w\":{".length() + F32_1.length() + 2, finding.offset());
    assertTrue(finding.message().contains("duplicate"), finding.message());
  }

  // ---------------------------------------------------------------------------------- builders

  private static Arguments case_(String rule, byte[] bytes, ReasonCode reason) {
    return Arguments.of(rule, bytes, reason);
  }

  /** An 8-byte length prefix followed by {@code size - 8} bytes of '{'. */
  private static byte[] lengthOnly(long n, int size) {
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN).putLong(n);
    while (b.hasRemaining()) {
      b.put((byte) '{');
    }
    return b.array();
  }

  /**
   * A file whose header is {@code prefix}, raw bytes, {@code suffix} (the last string argument),
   * then {@code data} bytes (the last int argument).
   */
  private static byte[] raw(String prefix, Object... rest) {
    java.io.ByteArrayOutputStream h = new java.io.ByteArrayOutputStream();
    h.writeBytes(prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    for (int i = 0; i < rest.length - 2; i++) {
      h.write((Integer) rest[i]);
    }
    h.writeBytes(
        ((String) rest[rest.length - 2]).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return file(h.toByteArray(), (Integer) rest[rest.length - 1]);
  }
}
