package dev.safeload.formats.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.safeload.formats.internal.json.JsonException.Kind;
import dev.safeload.formats.internal.json.JsonReader.Token;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link JsonReader#allowPythonNonFinite()}: exactly Python's three spellings, in value positions
 * only.
 */
class JsonPythonNonFiniteTest {
  private static final JsonReader.Limits LIMITS = new JsonReader.Limits(8, 64, 20, 100);

  @Test
  void pythonSpellingsReadAsFloats() {
    assertEquals(
        List.of(
            Token.BEGIN_OBJECT,
            Token.NAME,
            Token.FLOAT,
            Token.NAME,
            Token.BEGIN_ARRAY,
            Token.FLOAT,
            Token.FLOAT,
            Token.FLOAT,
            Token.END_ARRAY,
            Token.END_OBJECT,
            Token.END_DOCUMENT),
        read("{\"loss\": NaN, \"v\": [Infinity,-Infinity, 1.5]}", true));
    assertEquals(List.of(Token.FLOAT, Token.END_DOCUMENT), read("NaN", true));
    assertEquals(List.of(Token.FLOAT, Token.END_DOCUMENT), read(" -Infinity\n", true));
  }

  @Test
  void offByDefault() {
    assertEquals(Kind.SYNTAX, fail("{\"loss\": NaN}", false));
    assertEquals(Kind.SYNTAX, fail("[Infinity]", false));
    assertEquals(Kind.SYNTAX, fail("[-Infinity]", false));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[nan]",
        "[NAN]",
        "[+Infinity]",
        "[Infinityx]",
        "[NaNa]",
        "[Inf]",
        "[infinity]",
        "[-NaN]",
        "[- Infinity]",
        "{NaN: 1}",
        "{\"a\": NaN NaN}",
        "[-Infinit]",
        "Infinity1"
      })
  void everythingElseStaysSyntaxError(String json) {
    assertEquals(Kind.SYNTAX, fail(json, true), json);
  }

  @Test
  void insideAStringItIsJustText() {
    assertEquals(
        List.of(Token.BEGIN_ARRAY, Token.STRING, Token.END_ARRAY, Token.END_DOCUMENT),
        read("[\"NaN\"]", false));
  }

  private static List<Token> read(String json, boolean python) {
    JsonReader r = reader(json, python);
    List<Token> out = new ArrayList<>();
    Token t;
    do {
      t = r.next();
      out.add(t);
    } while (t != Token.END_DOCUMENT);
    return out;
  }

  private static Kind fail(String json, boolean python) {
    return assertThrows(JsonException.class, () -> read(json, python)).kind();
  }

  private static JsonReader reader(String json, boolean python) {
    JsonReader r =
        new JsonReader(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), 0, LIMITS);
    return python ? r.allowPythonNonFinite() : r;
  }
}
