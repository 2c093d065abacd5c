package dev.safeload.verify.internal.json;

import dev.safeload.ReasonCode;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A parsed JSON object with typed, fail-closed accessors. A wrong type, a missing required key or
 * bad base64 throws {@link SignatureVerificationException} with the reason this document reports
 * its problems under.
 */
public final class JsonObject {
  private final Map<String, Object> map;
  private final ReasonCode reason;
  private final String where;

  JsonObject(Map<String, Object> map, ReasonCode reason, String where) {
    this.map = map;
    this.reason = reason;
    this.where = where;
  }

  public ReasonCode reason() {
    return reason;
  }

  public Set<String> keys() {
    return Collections.unmodifiableSet(map.keySet());
  }

  public boolean has(String key) {
    Object v = map.get(key);
    return v != null && v != Json.NULL;
  }

  private SignatureVerificationException fail(String msg) {
    return new SignatureVerificationException(reason, where + ": " + msg);
  }

  /** Rejects keys outside {@code allowed} (for documents we fully control the shape of). */
  public void onlyKeys(String... allowed) throws SignatureVerificationException {
    Set<String> ok = Set.of(allowed);
    for (String k : map.keySet()) {
      if (!ok.contains(k)) {
        throw fail("unexpected field '" + k + "'");
      }
    }
  }

  public @Nullable Object raw(String key) {
    Object v = map.get(key);
    return v == Json.NULL ? null : v;
  }

  public String str(String key) throws SignatureVerificationException {
    Object v = raw(key);
    if (!(v instanceof String s)) {
      throw fail("'" + key + "' must be a string");
    }
    return s;
  }

  public @Nullable String optStr(String key) throws SignatureVerificationException {
    return has(key) ? str(key) : null;
  }

  public JsonObject obj(String key) throws SignatureVerificationException {
    Object v = raw(key);
    if (!(v instanceof Map<?, ?>)) {
      throw fail("'" + key + "' must be an object");
    }
    return wrap(v, where + "." + key);
  }

  public @Nullable JsonObject optObj(String key) throws SignatureVerificationException {
    return has(key) ? obj(key) : null;
  }

  @SuppressWarnings("unchecked")
  private JsonObject wrap(Object v, String w) {
    return new JsonObject((Map<String, Object>) v, reason, w);
  }

  public List<Object> arr(String key) throws SignatureVerificationException {
    Object v = raw(key);
    if (!(v instanceof List<?> l)) {
      throw fail("'" + key + "' must be an array");
    }
    return Collections.unmodifiableList(l);
  }

  /** An optional array checked against {@code max} before its elements are looked at. */
  private List<Object> boundedArr(String key, int max) throws SignatureVerificationException {
    if (!has(key)) {
      return List.of();
    }
    List<Object> l = arr(key);
    if (l.size() > max) {
      throw fail("'" + key + "' has more than " + max + " entries");
    }
    return l;
  }

  /** An array of objects, at most {@code max} long. Absent means empty. */
  public List<JsonObject> objects(String key, int max) throws SignatureVerificationException {
    List<Object> l = boundedArr(key, max);
    List<JsonObject> out = new ArrayList<>(l.size());
    for (int i = 0; i < l.size(); i++) {
      if (!(l.get(i) instanceof Map<?, ?>)) {
        throw fail("'" + key + "'[" + i + "] must be an object");
      }
      out.add(wrap(l.get(i), where + "." + key + "[" + i + "]"));
    }
    return out;
  }

  /** An array of strings, at most {@code max} long. Absent means empty. */
  public List<String> strings(String key, int max) throws SignatureVerificationException {
    List<Object> l = boundedArr(key, max);
    List<String> out = new ArrayList<>(l.size());
    for (Object o : l) {
      if (!(o instanceof String s)) {
        throw fail("'" + key + "' must hold strings");
      }
      out.add(s);
    }
    return out;
  }

  public boolean bool(String key, boolean dflt) throws SignatureVerificationException {
    if (!has(key)) {
      return dflt;
    }
    if (!(raw(key) instanceof Boolean b)) {
      throw fail("'" + key + "' must be a boolean");
    }
    return b;
  }

  /**
   * A proto3-JSON int64: a decimal string ({@code "598151086"}) or an integral number. Negative
   * values and non-integral numbers are rejected.
   */
  public long nonNegativeLong(String key) throws SignatureVerificationException {
    Object v = raw(key);
    BigDecimal d;
    try {
      if (v instanceof String s) {
        if (s.isEmpty() || s.length() > 19 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw fail("'" + key + "' is not a non-negative integer");
        }
        d = new BigDecimal(s);
      } else if (v instanceof BigDecimal b) {
        d = b;
      } else {
        throw fail("'" + key + "' must be an integer");
      }
      long l = d.longValueExact();
      if (l < 0) {
        throw fail("'" + key + "' is negative");
      }
      return l;
    } catch (ArithmeticException e) {
      throw fail("'" + key + "' is not an integer that fits 63 bits");
    }
  }

  /** Like {@link #nonNegativeLong} but absent means {@code dflt}. */
  public long optNonNegativeLong(String key, long dflt) throws SignatureVerificationException {
    return has(key) ? nonNegativeLong(key) : dflt;
  }

  public @Nullable BigDecimal number(String key) throws SignatureVerificationException {
    Object v = raw(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof BigDecimal b)) {
      throw fail("'" + key + "' must be a number");
    }
    return b;
  }

  /** Standard base64 (proto3 JSON also allows URL-safe; we accept both, but never garbage). */
  public byte[] base64(String key) throws SignatureVerificationException {
    return decode(str(key), key);
  }

  public byte[] decode(String s, String key) throws SignatureVerificationException {
    // Line breaks are skipped, as Go's and Python's decoders do (some producers wrap long values).
    if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      s = s.replace("\r", "").replace("\n", "");
    }
    try {
      if (s.indexOf('-') >= 0 || s.indexOf('_') >= 0) {
        return Base64.getUrlDecoder().decode(s);
      }
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw fail("'" + key + "' is not valid base64");
    }
  }

  @Override
  public String toString() {
    return where;
  }
}
