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

  /** PROTO 2, LONG1 10 bytes 0x1950a86a20f9469cfc6c, STOP (the default pickle_protocol). */
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

  /**
   * The magic-number pickle as torch.save writes it with {@code pickle_protocol=4} or {@code 5}:
   * PROTO, a FRAME of 13 bytes, the same LONG1 and STOP. Recognised so that the profile judges such
   * a file (FRAME is outside the strict profile, as it is outside torch's weights-only unpickler),
   * the same verdict as for a zip checkpoint of that protocol.
   */
  private static final byte[] FRAME_13 = {(byte) 0x95, 13, 0, 0, 0, 0, 0, 0, 0};

  /** Whether the head starts with the legacy magic-number pickle. */
  public static boolean matches(ByteBuffer head) {
    return magicLength(head, head.position(), head.limit()) > 0;
  }

  /**
   * The length of the magic-number pickle at {@code at}, 0 if there is none: {@link #MAGIC} with
   * the protocol torch.save was given ({@code pickle_protocol} 2 or 3; 4 and 5 add a frame).
   */
  private static int magicLength(ByteBuffer b, int at, int limit) {
    if (limit - at < 2 || b.get(at) != MAGIC[0]) {
      return 0;
    }
    int protocol = b.get(at + 1);
    int frame = protocol == 4 || protocol == 5 ? FRAME_13.length : 0;
    if ((protocol < 2 || protocol > 5) || limit - at < MAGIC.length + frame) {
      return 0;
    }
    for (int i = 0; i < frame; i++) {
      if (b.get(at + 2 + i) != FRAME_13[i]) {
        return 0;
      }
    }
    for (int i = 2; i < MAGIC.length; i++) {
      if (b.get(at + frame + i) != MAGIC[i]) {
        return 0;
      }
    }
    return MAGIC.length + frame;
  }

  public static ModelDescription validate(
      ModelBytes bytes, PickleProfile profile, PickleLimits limits) {
    long size = bytes.size();
    int window = (int) Math.min(size, Math.min(limits.maxPickleBytes(), Integer.MAX_VALUE - 8L));
    ByteBuffer buf = bytes.slice(0, window);
    int magic = magicLength(buf, 0, window);
    if (magic == 0) {
      throw new FormatException(
          FormatReason.PYTORCH_LEGACY_INVALID, 0, "not the legacy magic number");
    }
    // The magic pickle itself is judged like the others: a frame is refused unless the profile
    // admits FRAME.
    PickleMachine.run(buf.position(0), 0, profile, limits, null);
    int pos = magic;
    PickleMachine.Result version = PickleMachine.run(buf.position(pos), 0, profile, limits, null);
    if (!(version.value() instanceof IntV v) || !v.fitsLong() || v.value() != 1001) {
      throw new FormatException(
          FormatReason.PYTORCH_LEGACY_INVALID, pos, "protocol version is not 1001");
    }
    pos = version.end();
    PickleMachine.Result sysInfo = PickleMachine.run(buf.position(pos), 0, profile, limits, null);
    checkSysInfo(sysInfo.value(), pos);
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
          // Always little-endian: torch writes and reads legacy storages in that order whatever
          // sys_info says (_set_from_file swaps on a big-endian host), so its little_endian flag
          // only records the writing host and must not choose how the indices are checked.
          java.nio.ByteOrder.LITTLE_ENDIAN,
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
   * Checks that sys_info is the dict torch.save writes. torch.load reads nothing from it: its
   * {@code little_endian} names the writing host, not the storages' order (always little-endian).
   */
  private static void checkSysInfo(Value v, long at) {
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
          return;
        }
      }
    }
    throw new FormatException(
        FormatReason.PYTORCH_LEGACY_INVALID, at, "sys_info is not the expected dict");
  }
}
