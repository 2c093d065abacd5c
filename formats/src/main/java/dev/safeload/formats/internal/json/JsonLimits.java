package dev.safeload.formats.internal.json;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.json.Json;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ValidationContext;

/** The {@code json.*} settings as reader caps, shared by every handler that reads a JSON file. */
public final class JsonLimits {
  /** Longest number literal, as in jackson-core's default constraints. */
  public static final int MAX_NUMBER_CHARS = 1000;

  private JsonLimits() {}

  /** Rejects a JSON file over {@link Json#MAX_BYTES} (or over 1 GiB, the largest single buffer). */
  public static void checkSize(ModelBytes bytes, ValidationContext context) {
    long max = Math.min(context.limit(Json.MAX_BYTES), 1L << 30);
    if (bytes.size() > max) {
      throw new FormatException(
          FormatReason.JSON_LIMIT_EXCEEDED,
          0,
          "JSON file of " + bytes.size() + " bytes exceeds the limit of " + max);
    }
  }

  /**
   * Reader caps from the policy; {@code maxMembers} overrides {@code json.maxObjectMembers} if
   * positive.
   */
  public static JsonReader.Limits of(ValidationContext c, long maxMembers) {
    return new JsonReader.Limits(
        clamp(c.limit(Json.MAX_DEPTH)),
        clamp(c.limit(Json.MAX_STRING_BYTES)),
        MAX_NUMBER_CHARS,
        clamp(maxMembers > 0 ? maxMembers : c.limit(Json.MAX_OBJECT_MEMBERS)));
  }

  /** Reader caps from the policy's {@code json.*} settings. */
  public static JsonReader.Limits of(ValidationContext c) {
    return of(c, 0);
  }

  private static int clamp(long v) {
    return (int) Math.min(v, Integer.MAX_VALUE);
  }
}
