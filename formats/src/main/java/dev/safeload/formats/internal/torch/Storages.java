package dev.safeload.formats.internal.torch;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.pickle.PickleMachine;
import dev.safeload.formats.internal.pickle.Value;
import dev.safeload.formats.internal.pickle.Value.GlobalV;
import dev.safeload.formats.internal.pickle.Value.IntV;
import dev.safeload.formats.internal.pickle.Value.NoneV;
import dev.safeload.formats.internal.pickle.Value.StorageV;
import dev.safeload.formats.internal.pickle.Value.StrV;
import dev.safeload.formats.internal.pickle.Value.TupleV;
import dev.safeload.formats.pickle.GlobalRule;
import dev.safeload.spi.FormatException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import java.util.regex.Pattern;

/**
 * The persistent-id table of one checkpoint: {@code ('storage', StorageType, key, location, numel)}
 * (zip) or the same plus a {@code None} view (legacy). A key must name an existing record whose
 * size is exactly numel x element size, and reuse of a key must repeat the same type and size.
 */
final class Storages implements PickleMachine.PersistentIds {
  private static final Pattern LOCATION =
      Pattern.compile("(cpu|cuda|mps|meta|xpu|hpu|privateuseone)(:[0-9]{1,4})?");

  private final boolean legacy;

  /** Record size in bytes for a key, or -1 if the key has no record (zip); ignored for legacy. */
  private final LongUnaryOperator recordSize;

  private final Map<String, StorageV> byKey = new LinkedHashMap<>();
  private final long maxStorages;

  Storages(boolean legacy, LongUnaryOperator recordSize, long maxStorages) {
    this.legacy = legacy;
    this.recordSize = recordSize;
    this.maxStorages = maxStorages;
  }

  /**
   * {@code 0|[1-9][0-9]{0,17}}, without a regex: one per storage, and a checkpoint may hold
   * 100,000.
   */
  private static boolean decimalKey(String s) {
    // Canonical decimal only: torch opens the record data/<key> by the key's text, so "00" names a
    // record data/00, never data/0 whose size was checked.
    if (s.isEmpty() || s.length() > 18 || (s.length() > 1 && s.charAt(0) == '0')) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** The last location that matched {@link #LOCATION}: every storage of a checkpoint names one. */
  private String knownLocation = "cpu";

  private boolean location(String s) {
    if (s.equals(knownLocation)) {
      return true;
    }
    if (LOCATION.matcher(s).matches()) {
      knownLocation = s;
      return true;
    }
    return false;
  }

  Map<String, StorageV> referenced() {
    return byKey;
  }

  @Override
  public Value load(Value pid, long offset) {
    int n = legacy ? 6 : 5;
    if (!(pid instanceof TupleV t)
        || t.size() != n
        || !(t.get(0) instanceof StrV tag)
        || !tag.value().equals("storage")) {
      throw new FormatException(
          FormatReason.PICKLE_PERSISTENT_ID_INVALID,
          offset,
          "persistent id is not a " + n + "-tuple starting with 'storage'");
    }
    if (!(t.get(1) instanceof GlobalV g) || g.rule().kind() != GlobalRule.Kind.TORCH_STORAGE_TYPE) {
      throw new FormatException(
          FormatReason.PICKLE_PERSISTENT_ID_INVALID,
          offset,
          "persistent id names a " + t.get(1).typeName() + ", not a storage type");
    }
    if (!(t.get(2) instanceof StrV key) || !decimalKey(key.value())) {
      throw new FormatException(
          FormatReason.PICKLE_PERSISTENT_ID_INVALID, offset, "storage key is not a decimal string");
    }
    if (!(t.get(3) instanceof StrV loc) || !location(loc.value())) {
      throw new FormatException(
          FormatReason.PICKLE_PERSISTENT_ID_INVALID,
          offset,
          "storage location is not a device name");
    }
    if (!(t.get(4) instanceof IntV numel) || !numel.fitsLong() || numel.value() < 0) {
      throw new FormatException(
          FormatReason.PICKLE_PERSISTENT_ID_INVALID,
          offset,
          "storage size is not a non-negative int");
    }
    if (legacy && !(t.get(5) instanceof NoneV)) {
      throw new FormatException(
          FormatReason.PICKLE_PERSISTENT_ID_INVALID,
          offset,
          "legacy storage views are not supported");
    }
    StorageV known = byKey.get(key.value());
    if (known != null) {
      if (!known.dtype().equals(g.rule().dtype()) || known.numel() != numel.value()) {
        throw new FormatException(
            FormatReason.PYTORCH_STORAGE_INCONSISTENT,
            offset,
            "storage '"
                + key.value()
                + "' is used as "
                + known.dtype()
                + "["
                + known.numel()
                + "] and "
                + g.rule().dtype()
                + "["
                + numel.value()
                + "]");
      }
      return known;
    }
    long bytes;
    try {
      bytes = Math.multiplyExact(numel.value(), g.rule().elementSize());
    } catch (ArithmeticException e) {
      throw new FormatException(
          FormatReason.PYTORCH_STORAGE_SIZE_MISMATCH, offset, "storage size overflows");
    }
    if (!legacy) {
      long record = recordSize.applyAsLong(Long.parseLong(key.value()));
      if (record < 0) {
        throw new FormatException(
            FormatReason.PYTORCH_MISSING_RECORD,
            offset,
            "storage '" + key.value() + "' has no data/" + key.value() + " record");
      }
      if (record != bytes) {
        throw new FormatException(
            FormatReason.PYTORCH_STORAGE_SIZE_MISMATCH,
            offset,
            "storage '"
                + key.value()
                + "' declares "
                + numel.value()
                + " x "
                + g.rule().elementSize()
                + " bytes but its record holds "
                + record);
      }
    }
    if (byKey.size() >= maxStorages) {
      throw new FormatException(
          FormatReason.PICKLE_LIMIT_EXCEEDED, offset, "more than " + maxStorages + " storages");
    }
    StorageV s =
        new StorageV(
            key.value(), g.rule().dtype(), g.rule().elementSize(), numel.value(), loc.value());
    byKey.put(key.value(), s);
    return s;
  }
}
