package dev.safeload.formats.json;

import dev.safeload.Setting;

/**
 * Limits of the JSON side-file handler.
 *
 * <p>Set through the policy ({@code LoadPolicy.Builder.set}); the defaults are the values below.
 */
public final class Json {
  private Json() {}

  /** Largest JSON file (tokenizer.json files reach tens of MB). */
  public static final Setting<Long> MAX_BYTES = Setting.limit("json.maxBytes", 256L << 20);

  /** Deepest nesting of arrays and objects. */
  public static final Setting<Long> MAX_DEPTH = Setting.limit("json.maxDepth", 64L);

  /** Longest string or key, in raw bytes. */
  public static final Setting<Long> MAX_STRING_BYTES =
      Setting.limit("json.maxStringBytes", 16L << 20);

  /** Most members of one object (a tokenizer vocabulary is one object). */
  public static final Setting<Long> MAX_OBJECT_MEMBERS =
      Setting.limit("json.maxObjectMembers", 1_000_000L);
}
