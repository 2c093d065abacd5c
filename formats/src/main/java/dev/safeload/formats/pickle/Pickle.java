package dev.safeload.formats.pickle;

import dev.safeload.Setting;

/**
 * Settings of the pickle machine: the profile for raw pickles and the resource limits for every
 * pickle.
 */
public final class Pickle {
  private Pickle() {}

  /** Profile for raw pickles, joblib files and NumPy object arrays. */
  public static final Setting<PickleProfile> PROFILE =
      Setting.of(
          "pickle.profile",
          PickleProfile.class,
          PickleProfile.torchWeightsExtended(),
          PickleProfile::named);

  /** Largest single pickle stream, in bytes. */
  public static final Setting<Long> MAX_PICKLE_BYTES =
      Setting.limit("pickle.maxPickleBytes", 1L << 30);

  /**
   * Largest pickle stream that must be decompressed into memory before it can be run (a deflated
   * {@code data.pkl}; {@code torch.save} itself always stores it uncompressed). Checked against the
   * size the archive declares before anything is inflated or allocated: a small file must not make
   * safeload hold a large pickle. Real {@code data.pkl} records are kilobytes to a few megabytes;
   * the machine's values can take well over ten times the pickle's size in heap, so this also
   * bounds the heap a small compressed file can claim.
   */
  public static final Setting<Long> MAX_INFLATED_BYTES =
      Setting.limit("pickle.maxInflatedBytes", 16L << 20);

  /** Most opcodes in one stream. */
  public static final Setting<Long> MAX_OPCODES = Setting.limit("pickle.maxOpcodes", 50_000_000);

  /** Deepest value stack. */
  public static final Setting<Long> MAX_STACK_DEPTH =
      Setting.limit("pickle.maxStackDepth", 100_000);

  /** Most open MARKs. */
  public static final Setting<Long> MAX_MARK_DEPTH = Setting.limit("pickle.maxMarkDepth", 1_000);

  /** Most memo entries. */
  public static final Setting<Long> MAX_MEMO_ENTRIES =
      Setting.limit("pickle.maxMemoEntries", 1_000_000);

  /** Most items in one list, tuple, dict or set. */
  public static final Setting<Long> MAX_CONTAINER_ITEMS =
      Setting.limit("pickle.maxContainerItems", 10_000_000);

  /** Longest string, bytes or text line. */
  public static final Setting<Long> MAX_STRING_BYTES =
      Setting.limit("pickle.maxStringBytes", 16L << 20);

  /** Longest integer (LONG1, LONG4, text LONG), in bytes of two's complement. */
  public static final Setting<Long> MAX_INT_BYTES = Setting.limit("pickle.maxIntBytes", 64);

  /** Deepest nesting of containers inspected by a rule (plain-data checks). */
  public static final Setting<Long> MAX_NESTING_DEPTH =
      Setting.limit("pickle.maxNestingDepth", 100);

  /** Highest tensor rank. */
  public static final Setting<Long> MAX_TENSOR_RANK = Setting.limit("pickle.maxTensorRank", 64);
}
