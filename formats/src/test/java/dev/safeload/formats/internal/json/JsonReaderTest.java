package dev.safeload.formats.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.formats.internal.json.JsonException.Kind;
import dev.safeload.formats.internal.json.JsonReader.Token;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The strict grammar of {@link JsonReader}, one case per rule. */
class JsonReaderTest {
  private static final JsonReader.Limits LIMITS = new JsonReader.Limits(8, 64, 20, 100);

  static Stream<Arguments> rejected() {
    return Stream.of(
        Arguments.of("empty", "", Kind.SYNTAX),
        Arguments.of("only whitespace", " \n", Kind.SYNTAX),
        Arguments.of("two values", "{} {}", Kind.SYNTAX),
        Arguments.of("trailing comma in array", "[1,]", Kind.SYNTAX),
        Arguments.of("trailing comma in object", "{\"a\":1,}", Kind.SYNTAX),
        Arguments.of("missing colon", "{\"a\" 1}", Kind.SYNTAX),
        Arguments.of("unquoted key", "{a:1}", Kind.SYNTAX),
        Arguments.of("single quotes", "['a']", Kind.SYNTAX),
        Arguments.of("comment", "[1 /* c */]", Kind.SYNTAX),
        Arguments.of("NaN", "[NaN]", Kind.SYNTAX),
        Arguments.of("Infinity", "[-Infinity]", Kind.SYNTAX),
        Arguments.of("plus sign", "[+1]", Kind.SYNTAX),
        Arguments.of("leading zero", "[01]", Kind.SYNTAX),
        Arguments.of("bare fraction", "[.5]", Kind.SYNTAX),
        Arguments.of("empty fraction", "[1.]", Kind.SYNTAX),
        Arguments.of("empty exponent", "[1e]", Kind.SYNTAX),
        Arguments.of("hex", "[0x10]", Kind.SYNTAX),
        Arguments.of("True", "[True]", Kind.SYNTAX),
        Arguments.of("truncated literal", "[tru", Kind.SYNTAX),
        Arguments.of("unterminated string", "[\"abc", Kind.SYNTAX),
        Arguments.of("raw tab in string", "[\"a\tb\"]", Kind.SYNTAX),
        Arguments.of("bad escape", "[\"\\x\"]", Kind.SYNTAX),
        Arguments.of("short unicode escape", "[\"\\u12\"]", Kind.SYNTAX),
        Arguments.of("lone high surrogate", "[\"\\ud83d\"]", Kind.SYNTAX),
        Arguments.of("high surrogate then non-surrogate", "[\"\\ud83d\\u0041\"]", Kind.SYNTAX),
        Arguments.of("lone low surrogate", "[\"\\ude00\"]", Kind.SYNTAX),
        Arguments.of("vertical tab as whitespace", "[\u000b1]", Kind.SYNTAX),
        Arguments.of("NBSP as whitespace", "[\u00a01]", Kind.SYNTAX),
        Arguments.of("mismatched bracket", "[1}", Kind.SYNTAX),
        Arguments.of("unclosed", "{\"a\":[1,2]", Kind.SYNTAX),
        Arguments.of("duplicate key", "{\"a\":1,\"a\":2}", Kind.DUPLICATE_KEY),
        Arguments.of(
            "duplicate key nested", "[{\"x\":{\"a\":1,\"b\":2,\"a\":3}}]", Kind.DUPLICATE_KEY),
        Arguments.of(
            "duplicate key via escape", "{\"\\u00e9\":1,\"\u00e9\":2}", Kind.DUPLICATE_KEY),
        Arguments.of(
            "duplicate key via solidus escape", "{\"a/b\":1,\"a\\/b\":2}", Kind.DUPLICATE_KEY),
        Arguments.of(
            "duplicate key via surrogate pair",
            "{\"\\ud83d\\ude00\":1,\"\ud83d\ude00\":2}",
            Kind.DUPLICATE_KEY),
        Arguments.of("duplicate among many keys", manyKeys(50, true), Kind.DUPLICATE_KEY),
        Arguments.of(
            "long duplicate key escaped mid-word",
            "{\"abcdefghij\\u006blmnopqrstu\":1,\"abcdefghijklmnopqrstu\":2}",
            Kind.DUPLICATE_KEY),
        Arguments.of(
            "long duplicate key, non-ASCII across a word boundary",
            "{\"abcdef\u00e9ghijklmnop\":1,\"abcdef\\u00e9ghijklmnop\":2}",
            Kind.DUPLICATE_KEY),
        Arguments.of(
            "escaped duplicate among many keys",
            manyKeys(50, false).replace("}", ",\"\\u006bey33\":0}"),
            Kind.DUPLICATE_KEY),
        Arguments.of("too deep", "[[[[[[[[[1]]]]]]]]]", Kind.DEPTH_LIMIT),
        Arguments.of("string too long", "[\"" + "x".repeat(65) + "\"]", Kind.STRING_LIMIT),
        Arguments.of("number too long", "[1" + "0".repeat(20) + "]", Kind.NUMBER_LIMIT),
        Arguments.of("too many members", manyKeys(101, false), Kind.MEMBER_LIMIT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void rejects(String rule, String json, Kind kind) {
    JsonException e = assertThrows(JsonException.class, () -> readAll(bytes(json)), rule);
    assertEquals(kind, e.kind(), rule + ": " + e.getMessage());
  }

  @ParameterizedTest(name = "invalid UTF-8 {0}")
  @ValueSource(
      strings = {
        "C0AF",
        "C1BF",
        "E08080",
        "EDA080",
        "EDBFBF",
        "F08F8080",
        "F4908080",
        "F5808080",
        "FF",
        "80",
        "E282",
        "F09F98"
      })
  void rejectsInvalidUtf8InStrings(String hex) {
    byte[] seq = java.util.HexFormat.of().parseHex(hex);
    byte[] doc = new byte[seq.length + 4];
    doc[0] = '[';
    doc[1] = '"';
    System.arraycopy(seq, 0, doc, 2, seq.length);
    doc[seq.length + 2] = '"';
    doc[seq.length + 3] = ']';
    JsonException e = assertThrows(JsonException.class, () -> readAll(doc));
    assertEquals(Kind.UTF8, e.kind(), hex);
  }

  @Test
  void acceptsValidUtf8AndAllEscapes() {
    String json =
        "{\"k\u00e9\u4e2d\ud83d\ude00\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\ud83d\\ude00\"}";
    JsonReader r = reader(bytes(json));
    assertEquals(Token.BEGIN_OBJECT, r.next());
    assertEquals(Token.NAME, r.next());
    assertEquals("k\u00e9\u4e2d\ud83d\ude00", r.stringValue());
    assertEquals(Token.STRING, r.next());
    assertTrue(r.tokenEscaped());
    assertEquals("\"\\/\b\f\n\r\tA\ud83d\ude00", r.stringValue());
    assertEquals(
        "\"\\/\b\f\n\r\tA\ud83d\ude00".getBytes(StandardCharsets.UTF_8).length, r.decodedLength());
    assertEquals(Token.END_OBJECT, r.next());
    assertEquals(Token.END_DOCUMENT, r.next());
  }

  @Test
  void tokensIntegersAndFloats() {
    List<Token> tokens =
        readAll(bytes(" [0, -0, 12, 1.5, 1e3, -2E-2, true, false, null, \"s\", {}, []] \r\n\t"));
    assertEquals(
        List.of(
            Token.BEGIN_ARRAY,
            Token.INTEGER,
            Token.INTEGER,
            Token.INTEGER,
            Token.FLOAT,
            Token.FLOAT,
            Token.FLOAT,
            Token.TRUE,
            Token.FALSE,
            Token.NULL,
            Token.STRING,
            Token.BEGIN_OBJECT,
            Token.END_OBJECT,
            Token.BEGIN_ARRAY,
            Token.END_ARRAY,
            Token.END_ARRAY,
            Token.END_DOCUMENT),
        tokens);
  }

  @Test
  void nonNegativeLongRange() {
    assertEquals(Long.MAX_VALUE, integer("9223372036854775807"));
    assertEquals(-1, integer("9223372036854775808"));
    assertEquals(-1, integer("-0"));
    assertEquals(-1, integer("-5"));
    assertEquals(0, integer("0"));
  }

  @Test
  void manyDistinctKeysAreAccepted() {
    assertEquals(Token.END_DOCUMENT, readAll(bytes(manyKeys(100, false))).get(202));
  }

  @Test
  void siblingObjectsMayRepeatKeysAndReuseTheirTables() {
    String big = manyKeys(40, false);
    String doc = "[" + big + "," + big + ",{\"x\":" + big + ",\"y\":" + big + "}," + big + "]";
    assertEquals(Token.END_DOCUMENT, readAll(bytes(doc)).get(readAll(bytes(doc)).size() - 1));
    String dupAfterReuse = "[" + big + "," + manyKeys(40, true) + "]";
    assertEquals(
        Kind.DUPLICATE_KEY,
        assertThrows(JsonException.class, () -> readAll(bytes(dupAfterReuse))).kind());
  }

  @Test
  void expectedMembersPresizingKeepsDuplicateDetection() {
    JsonReader r = new JsonReader(ByteBuffer.wrap(bytes(manyKeys(50, true))), 0, LIMITS);
    r.expectMembers(50);
    JsonException e =
        assertThrows(
            JsonException.class,
            () -> {
              while (r.next() != Token.END_DOCUMENT) {
                // read
              }
            });
    assertEquals(Kind.DUPLICATE_KEY, e.kind());
  }

  @Test
  void errorOffsetsAreAbsoluteInTheFile() {
    ByteBuffer b = ByteBuffer.wrap(bytes("xx{\"a\":1,\"a\":2}"));
    b.position(2);
    JsonException e =
        assertThrows(
            JsonException.class,
            () -> {
              JsonReader r = new JsonReader(b, 1000, LIMITS);
              while (r.next() != Token.END_DOCUMENT) {
                // read
              }
            });
    assertEquals(1000 + 7, e.offset()); // the second key's opening quote
  }

  @Test
  void skipValueSkipsContainers() {
    JsonReader r = reader(bytes("{\"a\":[1,{\"b\":[2]}],\"c\":3}"));
    r.next();
    r.next();
    r.skipValue();
    assertEquals(Token.NAME, r.next());
    assertTrue(r.tokenEquals("c".getBytes()));
  }

  private static long integer(String literal) {
    JsonReader r = reader(bytes("[" + literal + "]"));
    r.next();
    assertEquals(Token.INTEGER, r.next());
    return r.nonNegativeLong();
  }

  private static String manyKeys(int n, boolean duplicateLast) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ",").append("\"key").append(i).append("\":").append(i);
    }
    if (duplicateLast) {
      sb.append(",\"key17\":0");
    }
    return sb.append('}').toString();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static JsonReader reader(byte[] b) {
    return new JsonReader(ByteBuffer.wrap(b), 0, LIMITS);
  }

  private static List<Token> readAll(byte[] b) {
    JsonReader r = reader(b);
    List<Token> out = new ArrayList<>();
    Token t;
    do {
      t = r.next();
      out.add(t);
    } while (t != Token.END_DOCUMENT);
    return out;
  }
}
