package dev.safeload.formats.numpy;

import dev.safeload.Setting;

/**
 * Limits of the NumPy handler. Object arrays are pickles and use the settings of {@code Pickle}.
 */
public final class NumPy {
  private NumPy() {}

  /** Longest header text; NumPy's own reader stops at 10,000 bytes. */
  public static final Setting<Long> MAX_HEADER_BYTES =
      Setting.limit("numpy.maxHeaderBytes", 10_000);

  /** Highest array rank. */
  public static final Setting<Long> MAX_RANK = Setting.limit("numpy.maxRank", 64);

  /** Largest array in bytes. */
  public static final Setting<Long> MAX_ARRAY_BYTES =
      Setting.limit("numpy.maxArrayBytes", 1L << 40);

  /** Deepest nesting of structured dtypes (1 for a flat list of fields). */
  public static final Setting<Long> MAX_DTYPE_DEPTH = Setting.limit("numpy.maxDtypeDepth", 16);

  /** Most fields of a structured dtype, counted over all nesting levels. */
  public static final Setting<Long> MAX_DTYPE_FIELDS = Setting.limit("numpy.maxDtypeFields", 4096);
}
