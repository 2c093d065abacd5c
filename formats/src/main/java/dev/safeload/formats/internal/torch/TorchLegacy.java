package dev.safeload.formats.internal.torch;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.pickle.PickleLimits;
import dev.safeload.formats.internal.pickle.PickleMachine;
import dev.safeload.formats.internal.pickle.Tensors;
import dev.safeload.formats.internal.pickle.Value;
import dev.safeload.formats.internal.pickle.Value.BoolV;
import dev.safeload.formats.internal.pickle.Value.DictV;
import dev.safeload.formats.internal.pickle.Value.IntV;
import dev.safeload.formats.internal.pickle.Value.ListV;
import dev.safeload.formats.internal.pickle.Value.StorageV;
import dev.safeload.formats.internal.pickle.Value.StrV;
import dev.safeload.formats.pickle.PickleProfile;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The legacy (PyTorch 0.4 to 1.5, and {@code _use_new_zipfile_serialization=False}) checkpoint:
 * five stacked pickles (magic number, protocol version 1001, sys_info, the object, the storage
 * keys), then each storage as an 8-byte element count and its raw bytes, ending exactly at the end
 * of the file.
 */
public final class TorchLegacy {
  private TorchLegacy() {}

  /** PROTO 2, LONG1 10 bytes 0x1950a86a20f9469cfc6c, STOP. */
  public static final byte[] MAGIC = {
    (byte) 0x80,
    0x02,
    (byte) 0x8a,
    0x0a,
    0x6c,
    (byte) 0xfc,
    (byte) 0x9c,
    0x46,
    (byte) 0xf9,
    0x20,
    0x6a,
    (byte) 0xa8,
    0x50,
    0x19,
    0x2e
  };

  /** Whether the head starts with the legacy magic-number pickle. */
  public static boolean matches(ByteBuffer head) {
    if (head.remaining() < MAGIC.length) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (head.get(head.position() + i) != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  public static ModelDescription validate(
      ModelBytes bytes, PickleProfile profile, PickleLimits limits) {
    long size = bytes.size();
    int window = (int) Math.min(size, Math.min(limits.maxPickleBytes(), Integer.MAX_VALUE - 8L));
    ByteBuffer buf = bytes.slice(0, window);
    for (int i = 0; i < MAGIC.length; i++) {
      if (i >= window || buf.get(i) != MAGIC[i]) {
        throw new FormatException(
            FormatReason.PYTORCH_LEGACY_INVALID, i, "not the legacy magic number");
      }
    }
    int pos = MAGIC.length;
    PickleMachine.Result version = PickleMachine.run(buf.position(pos), 0, profile, limits, null);
    if (!(version.value() instanceof IntV v) || !v.fitsLong() || v.value() != 1001) {
      throw new FormatException(
          FormatReason.PYTORCH_LEGACY_INVALID, pos, "protocol version is not 1001");
    }
    pos = version.end();
    PickleMachine.Result sysInfo = PickleMachine.run(buf.position(pos), 0, profile, limits, null);
    boolean littleEndian = checkSysInfo(sysInfo.value(), pos);
    pos = sysInfo.end();
    Storages storages = new Storages(true, key -> -1, 1_000_000);
    int mainAt = pos;
    PickleMachine.Result main = PickleMachine.run(buf.position(pos), 0, profile, limits, storages);
    pos = main.end();
    PickleMachine.Result keys = PickleMachine.run(buf.position(pos), 0, profile, limits, null);
    if (!(keys.value() instanceof ListV list)) {
      throw new FormatException(
          FormatReason.PYTORCH_LEGACY_INVALID, pos, "the storage key list is not a list");
    }
    Map<String, StorageV> used = storages.referenced();
    Set<String> listed = new HashSet<>();
    for (Value k : list.items) {
      if (!(k instanceof StrV s) || !listed.add(s.value()) || !used.containsKey(s.value())) {
        throw new FormatException(
            FormatReason.PYTORCH_UNREFERENCED_RECORD,
            pos,
            "the key list names a storage twice, a non-string, or one the object does not use");
      }
    }
    if (listed.size() != used.size()) {
      throw new FormatException(
          FormatReason.PYTORCH_MISSING_RECORD,
          pos,
          "a storage the object uses is not in the key list");
    }
    long at = keys.end();
    Map<String, Long> dataAt = new LinkedHashMap<>();
    for (Value k : list.items) {
      StorageV s =
          Objects.requireNonNull(used.get(((StrV) k).value())); // checked above: every key is used
      if (size - at < 8) {
        throw new FormatException(
            FormatReason.PYTORCH_LEGACY_INVALID, at, "storage '" + s.key() + "' is truncated");
      }
      long count = bytes.slice(at, 8).getLong();
      if (count != s.numel()) {
        throw new FormatException(
            FormatReason.PYTORCH_STORAGE_SIZE_MISMATCH,
            at,
            "storage '"
                + s.key()
                + "' holds "
                + count
                + " elements, the pickle declares "
                + s.numel());
      }
      long n = s.numel() * s.elementSize(); // checked when the storage was declared
      if (n > size - at - 8) {
        throw new FormatException(
            FormatReason.PYTORCH_LEGACY_INVALID,
            at,
            "storage '" + s.key() + "' runs past the file");
      }
      dataAt.put(s.key(), at + 8);
      at += 8 + n;
    }
    if (at != size) {
      throw new FormatException(
          FormatReason.PICKLE_TRAILING_BYTES, at, (size - at) + " bytes follow the last storage");
    }
    long[] budget = Checkpoint.sparseBudget(size);
    for (Value.SparseV sp : main.sparse()) {
      StorageV s = sp.indices().storage();
      long n = s.numel() * s.elementSize();
      // Every storage the object uses was listed, so each has its data offset.
      long at0 = Objects.requireNonNull(dataAt.get(s.key()));
      if (n > Integer.MAX_VALUE - 16) {
        throw new FormatException(
            FormatReason.PYTORCH_SPARSE_INDEX_INVALID,
            at0,
            "sparse indices storage too large to check");
      }
      Checkpoint.checkSparse(
          sp,
          bytes.slice(at0, (int) n),
          littleEndian ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN,
          at0,
          budget);
    }
    return Checkpoint.describe(
        "legacy",
        profile.name(),
        main.globals(),
        Tensors.find(main.value(), 16, 1_000_000),
        dataAt);
  }

  /**
   * @return whether the storages are little-endian
   */
  private static boolean checkSysInfo(Value v, long at) {
    if (v instanceof DictV d && !d.ordered && d.size() == 3) {
      Map<String, Value> m = new LinkedHashMap<>();
      for (int i = 0; i < d.items.size(); i += 2) {
        if (d.items.get(i) instanceof StrV k) {
          m.put(k.value(), d.items.get(i + 1));
        }
      }
      if (m.get("protocol_version") instanceof IntV pv
          && pv.fitsLong()
          && pv.value() == 1001
          && m.get("little_endian") instanceof BoolV
          && m.get("type_sizes") instanceof DictV ts
          && ts.size() == 3) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ts.items.size(); i += 2) {
          if (ts.items.get(i) instanceof StrV k
              && List.of("short", "int", "long").contains(k.value())
              && ts.items.get(i + 1) instanceof IntV n
              && n.fitsLong()
              && n.value() >= 1
              && n.value() <= 16) {
            names.add(k.value());
          }
        }
        if (names.size() == 3) {
          return ((BoolV) m.get("little_endian")).value();
        }
      }
    }
    throw new FormatException(
        FormatReason.PYTORCH_LEGACY_INVALID, at, "sys_info is not the expected dict");
  }
}
