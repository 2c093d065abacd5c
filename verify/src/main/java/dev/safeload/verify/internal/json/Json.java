package dev.safeload.verify.internal.json;

import dev.safeload.ReasonCode;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads signature-related JSON (bundles, statements, trusted roots, log entries) into a small tree.
 * Our own factory: duplicate keys rejected (Python and Go silently keep the last value, which lets
 * two readers disagree), bounded depth, string and document sizes, and a cap on values so a hostile
 * document cannot make us build a huge tree. Jackson's global defaults are left untouched.
 */
public final class Json {
  /**
   * Largest JSON document we read (a bundle or trusted root is a few KiB; manifests can be large).
   */
  public static final int MAX_DOCUMENT_BYTES = 64 << 20;

  /** Most JSON values (scalars, arrays, objects) in one document. */
  public static final int MAX_VALUES = 4_000_000;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(32)
                  .maxDocumentLength(MAX_DOCUMENT_BYTES)
                  .maxStringLength(32 << 20)
                  .maxNameLength(1024)
                  .maxNumberLength(64)
                  .build())
          .build();

  /** JSON null, distinct from an absent key. */
  public static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  private Json() {}

  /**
   * Parses a document whose top level must be an object; any problem is reported with {@code
   * reason}.
   */
  public static JsonObject parseObject(byte[] bytes, ReasonCode reason, String what)
      throws SignatureVerificationException {
    if (bytes.length > MAX_DOCUMENT_BYTES) {
      throw new SignatureVerificationException(
          reason, what + " is larger than " + MAX_DOCUMENT_BYTES + " bytes");
    }
    try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), bytes)) {
      int[] budget = {MAX_VALUES};
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        throw new SignatureVerificationException(reason, what + " is not a JSON object");
      }
      Object root = readValue(p, t, budget, reason, what);
      if (p.nextToken() != null) {
        throw new SignatureVerificationException(
            reason, what + " has data after the top-level object");
      }
      return new JsonObject(castMap(root), reason, what);
    } catch (JacksonException e) {
      throw new SignatureVerificationException(
          reason, what + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object o) {
    return (Map<String, Object>) o;
  }

  private static Object readValue(
      JsonParser p, JsonToken t, int[] budget, ReasonCode reason, String what)
      throws SignatureVerificationException {
    if (--budget[0] < 0) {
      throw new SignatureVerificationException(
          reason, what + " has more than " + MAX_VALUES + " JSON values");
    }
    switch (t) {
      case START_OBJECT:
        {
          Map<String, Object> m = new LinkedHashMap<>();
          JsonToken n;
          while ((n = p.nextToken()) == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            m.put(name, readValue(p, v, budget, reason, what));
          }
          if (n != JsonToken.END_OBJECT) {
            throw new SignatureVerificationException(reason, what + ": unexpected token " + n);
          }
          return m;
        }
      case START_ARRAY:
        {
          List<Object> l = new ArrayList<>();
          JsonToken n;
          while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
            if (n == null) {
              throw new SignatureVerificationException(reason, what + ": truncated array");
            }
            l.add(readValue(p, n, budget, reason, what));
          }
          return l;
        }
      case VALUE_STRING:
        return p.getString();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        // Keep the literal's exact value; callers decide whether a float like 1000000000.0 is
        // integral.
        try {
          return new BigDecimal(p.getString());
        } catch (NumberFormatException e) { // an exponent beyond int range: 1e9999999999
          throw new SignatureVerificationException(
              reason, what + ": number " + p.getString() + " is out of range");
        }
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return NULL;
      default:
        throw new SignatureVerificationException(reason, what + ": unexpected token " + t);
    }
  }
}
