package dev.safeload.formats.internal.pickle;

import dev.safeload.formats.pickle.Pickle;
import dev.safeload.spi.ValidationContext;

/** The pickle machine's resource limits, read from the policy once per file. */
public record PickleLimits(
    long maxPickleBytes,
    long maxInflatedBytes,
    long maxOpcodes,
    long maxStack,
    long maxMarks,
    long maxMemo,
    long maxItems,
    long maxString,
    long maxIntBytes,
    long maxNesting,
    long maxRank) {

  public static PickleLimits from(ValidationContext c) {
    return new PickleLimits(
        c.limit(Pickle.MAX_PICKLE_BYTES),
        c.limit(Pickle.MAX_INFLATED_BYTES),
        c.limit(Pickle.MAX_OPCODES),
        c.limit(Pickle.MAX_STACK_DEPTH),
        c.limit(Pickle.MAX_MARK_DEPTH),
        c.limit(Pickle.MAX_MEMO_ENTRIES),
        c.limit(Pickle.MAX_CONTAINER_ITEMS),
        c.limit(Pickle.MAX_STRING_BYTES),
        c.limit(Pickle.MAX_INT_BYTES),
        c.limit(Pickle.MAX_NESTING_DEPTH),
        c.limit(Pickle.MAX_TENSOR_RANK));
  }

  /** The defaults of every setting. */
  public static PickleLimits defaults() {
    return new PickleLimits(
        Pickle.MAX_PICKLE_BYTES.defaultValue(),
        Pickle.MAX_INFLATED_BYTES.defaultValue(),
        Pickle.MAX_OPCODES.defaultValue(),
        Pickle.MAX_STACK_DEPTH.defaultValue(),
        Pickle.MAX_MARK_DEPTH.defaultValue(),
        Pickle.MAX_MEMO_ENTRIES.defaultValue(),
        Pickle.MAX_CONTAINER_ITEMS.defaultValue(),
        Pickle.MAX_STRING_BYTES.defaultValue(),
        Pickle.MAX_INT_BYTES.defaultValue(),
        Pickle.MAX_NESTING_DEPTH.defaultValue(),
        Pickle.MAX_TENSOR_RANK.defaultValue());
  }
}
