package dev.safeload.formats.internal.zip;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.text.Utf8;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import java.util.zip.CRC32;

/**
 * The extra fields of one local or central header, parsed strictly. Only these ids are accepted,
 * each at most once per header; every other id is rejected (ZIP_EXTRA_FIELD_INVALID) rather than
 * skipped, because extra fields change how other readers interpret an entry (0x7075 renames it,
 * 0x9901 and 0x0017 encrypt it, 0x6375 adds a comment) and an allowlist is the only way to know
 * none of that happens (research/pickle.md §6.2 rule 5):
 *
 * <ul>
 *   <li>0x0001 ZIP64 sizes and offset (its contents are checked by {@link ZipArchive});
 *   <li>0x4246 PyTorch's 64-byte alignment padding, local headers only;
 *   <li>0x5455 Info-ZIP extended timestamp ("UT"), written by the {@code zip} command and Java: a
 *       flags byte (bits 0-2: modification, access, creation time present; others reserved, must be
 *       0) and, in the local header, one 4-byte time per flag bit; in the central header only the
 *       modification time (if bit 0). Local and central must both carry it, with equal flags and
 *       modification time;
 *   <li>0x7875 Info-ZIP Unix UID/GID ("ux"), written by {@code zip}: version 1, then a size byte
 *       and that many bytes for the UID, and the same for the GID (sizes 1-8). The central copy is
 *       empty (older zip) or identical to the local one; local and central must both carry it;
 *   <li>0x7075 Info-ZIP Unicode path ("up"): version 1, CRC-32 of the header's name field, UTF-8
 *       name. A reader that honours it (Info-ZIP unzip, 7-Zip) uses that name instead of the
 *       header's when the CRC matches, and the header's otherwise: so the CRC must match and the
 *       path must name the same file as the header (ZIP_UNICODE_PATH_MISMATCH), or two readers see
 *       different files.
 * </ul>
 *
 * <p>Parsing is one pass over the field's bytes; nothing is allocated from a declared length except
 * the Unicode path, which lies inside the (already bounded) header.
 */
final class ExtraFields {
  static final int ZIP64 = 0x0001;

  /**
   * PyTorch's writer pads local headers to 64-byte alignment with an extra field whose id spells
   * "FB".
   */
  static final int TORCH_PADDING = 0x4246;

  static final int EXTENDED_TIMESTAMP = 0x5455;
  static final int UNIX_IDS = 0x7875;
  static final int UNICODE_PATH = 0x7075;

  private static final int MAX_ID_BYTES = 8;

  /** Offset of the ZIP64 field's data, or -1. */
  long zip64At = -1;

  int zip64Len;

  /** Extended timestamp flags, or -1 if absent. */
  int timeFlags = -1;

  /** Modification time of the extended timestamp, or -1 if absent. */
  long mtime = -1;

  /** Offset and length of the Unix UID/GID field's data, or -1. */
  long idsAt = -1;

  int idsLen;

  /** Offset and length of the Unicode path field's data, or -1. */
  long pathAt = -1;

  int pathLen;
  private boolean padding;

  private ExtraFields() {}

  /**
   * Parses the {@code len} bytes at {@code at}, rejecting malformed, unknown or repeated fields.
   */
  static ExtraFields read(ModelBytes b, long at, int len, boolean central) {
    ExtraFields x = new ExtraFields();
    long end = at + len;
    long p = at;
    while (p < end) {
      if (end - p < 4) {
        throw new FormatException(
            FormatReason.ZIP_EXTRA_FIELD_INVALID, p, "truncated extra field header");
      }
      int id = u16(b, p);
      int n = u16(b, p + 2);
      long d = p + 4;
      if (d + n > end) {
        throw new FormatException(
            FormatReason.ZIP_EXTRA_FIELD_INVALID, p, "extra field runs past its block");
      }
      boolean ok;
      switch (id) {
        case ZIP64 -> {
          ok = x.zip64At < 0;
          x.zip64At = d;
          x.zip64Len = n;
        }
        case TORCH_PADDING -> {
          ok = !x.padding && !central;
          x.padding = true;
        }
        case EXTENDED_TIMESTAMP -> {
          ok = x.timeFlags < 0;
          x.timestamp(b, d, n, central);
        }
        case UNIX_IDS -> {
          ok = x.idsAt < 0;
          x.unixIds(b, d, n, central);
        }
        case UNICODE_PATH -> {
          ok = x.pathAt < 0;
          if (n < 6 || (b.get(d) & 0xff) != 1) {
            throw new FormatException(
                FormatReason.ZIP_EXTRA_FIELD_INVALID,
                p,
                "Unicode path field is not version 1 with a non-empty name");
          }
          x.pathAt = d;
          x.pathLen = n;
        }
        default -> ok = false;
      }
      if (!ok) {
        throw new FormatException(
            FormatReason.ZIP_EXTRA_FIELD_INVALID,
            p,
            "extra field 0x"
                + Integer.toHexString(id)
                + (central ? " in the central directory" : " in a local header")
                + " is unknown or repeated");
      }
      p = d + n;
    }
    return x;
  }

  private void timestamp(ModelBytes b, long d, int n, boolean central) {
    if (n < 1) {
      throw new FormatException(
          FormatReason.ZIP_EXTRA_FIELD_INVALID, d, "empty extended timestamp");
    }
    int flags = b.get(d) & 0xff;
    if ((flags & ~7) != 0) {
      throw new FormatException(
          FormatReason.ZIP_EXTRA_FIELD_INVALID,
          d,
          "extended timestamp sets reserved flags 0x" + Integer.toHexString(flags));
    }
    int want = central ? 1 + 4 * (flags & 1) : 1 + 4 * Integer.bitCount(flags);
    if (n != want) {
      throw new FormatException(
          FormatReason.ZIP_EXTRA_FIELD_INVALID,
          d,
          "extended timestamp of "
              + n
              + " bytes where its flags 0x"
              + Integer.toHexString(flags)
              + " need "
              + want);
    }
    timeFlags = flags;
    mtime = (flags & 1) != 0 ? u32(b, d + 1) : -1;
  }

  private void unixIds(ModelBytes b, long d, int n, boolean central) {
    idsAt = d;
    idsLen = n;
    if (n == 0 && central) {
      return; // Info-ZIP's central form before zip 3.0 carries no data
    }
    if (n < 3 || (b.get(d) & 0xff) != 1) {
      throw new FormatException(
          FormatReason.ZIP_EXTRA_FIELD_INVALID, d, "Unix UID/GID field is not version 1");
    }
    int uid = b.get(d + 1) & 0xff;
    int gid = 2L + uid < n ? b.get(d + 2 + uid) & 0xff : -1;
    if (uid < 1 || uid > MAX_ID_BYTES || gid < 1 || gid > MAX_ID_BYTES || n != 3 + uid + gid) {
      throw new FormatException(
          FormatReason.ZIP_EXTRA_FIELD_INVALID,
          d,
          "Unix UID/GID field sizes do not add up to its " + n + " bytes");
    }
  }

  /**
   * Checks the local header's fields against the central directory's: the fields whose local and
   * central forms are related must appear in both and agree.
   */
  void checkLocalAgainst(ExtraFields central, ModelBytes b, long at, String name) {
    if (timeFlags != central.timeFlags || mtime != central.mtime) {
      throw new FormatException(
          FormatReason.ZIP_HEADER_MISMATCH,
          at,
          name + ": local and central extended timestamps differ");
    }
    if ((idsAt < 0) != (central.idsAt < 0)) {
      throw new FormatException(
          FormatReason.ZIP_HEADER_MISMATCH,
          at,
          name + ": the Unix UID/GID field is in only one of the local and central headers");
    }
    if (idsAt >= 0 && central.idsLen != 0) {
      boolean same = idsLen == central.idsLen;
      for (int i = 0; same && i < idsLen; i++) {
        same = b.get(idsAt + i) == b.get(central.idsAt + i);
      }
      if (!same) {
        throw new FormatException(
            FormatReason.ZIP_HEADER_MISMATCH,
            at,
            name + ": local and central Unix UID/GID fields differ");
      }
    }
  }

  /**
   * If there is a Unicode path field, it must carry the CRC-32 of {@code nameBytes} and name
   * exactly {@code name}: otherwise readers that honour it and readers that ignore it open
   * different files.
   */
  void checkUnicodePath(ModelBytes b, byte[] nameBytes, String name) {
    if (pathAt < 0) {
      return;
    }
    CRC32 crc = new CRC32();
    crc.update(nameBytes);
    if (u32(b, pathAt + 1) != crc.getValue()) {
      throw new FormatException(
          FormatReason.ZIP_UNICODE_PATH_MISMATCH,
          pathAt,
          name + ": the Unicode path field was written for another name (CRC-32 differs)");
    }
    byte[] path = new byte[pathLen - 5];
    b.slice(pathAt + 5, path.length).get(path);
    String decoded = Utf8.decodeOrNull(path);
    if (decoded == null) {
      throw new FormatException(
          FormatReason.ZIP_EXTRA_FIELD_INVALID,
          pathAt + 5,
          name + ": the Unicode path field is not valid UTF-8");
    }
    if (!decoded.equals(name)) {
      throw new FormatException(
          FormatReason.ZIP_UNICODE_PATH_MISMATCH,
          pathAt + 5,
          name + ": the Unicode path field names another file");
    }
  }

  private static int u16(ModelBytes b, long at) {
    return (b.get(at) & 0xff) | (b.get(at + 1) & 0xff) << 8;
  }

  private static long u32(ModelBytes b, long at) {
    return u16(b, at) | (long) u16(b, at + 2) << 16;
  }
}
