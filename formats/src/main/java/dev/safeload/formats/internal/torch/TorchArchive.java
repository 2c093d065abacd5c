package dev.safeload.formats.internal.torch;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.pickle.PickleLimits;
import dev.safeload.formats.internal.pickle.PickleMachine;
import dev.safeload.formats.internal.zip.ZipArchive;
import dev.safeload.formats.internal.zip.ZipEntry;
import dev.safeload.formats.pickle.PickleProfile;
import dev.safeload.spi.FormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The rules torch's two zip layouts share, a {@code torch.save} checkpoint ({@link TorchZip}) and a
 * {@code torch.jit.save} archive ({@link TorchScriptZip}), kept in one place so that both read
 * their members alike: every member lies in the one root folder, small text records are printable
 * ASCII, a pickle member is bounded before it is held in memory and ends at its STOP, and every
 * data record is some storage's bytes.
 */
final class TorchArchive {
  private TorchArchive() {}

  /**
   * {@code e}'s name relative to {@code root}.
   *
   * @throws FormatException ({@code PYTORCH_LAYOUT_INVALID}) if it is outside the root folder
   */
  static String relativeName(ZipEntry e, String root) {
    if (!e.name().startsWith(root)) {
      throw new FormatException(
          FormatReason.PYTORCH_LAYOUT_INVALID,
          e.localHeaderOffset(),
          "'" + e.name() + "' is outside the root folder '" + root + "'");
    }
    return e.name().substring(root.length());
  }

  /**
   * A small text record ({@code version}, {@code byteorder}, ...): at most 64 bytes, each from
   * newline (0x0a) to {@code ~} (0x7e); anything else is {@code reason}.
   */
  static String smallText(ZipArchive zip, ZipEntry e, FormatReason reason) {
    ByteBuffer b = zip.readFully(e, 64, reason);
    byte[] a = new byte[b.remaining()];
    b.get(a);
    for (byte c : a) {
      if (c < 0x0a || c > 0x7e) {
        throw new FormatException(reason, e.dataOffset(), e.name() + " is not plain text");
      }
    }
    return new String(a, StandardCharsets.US_ASCII);
  }

  /**
   * The most bytes a pickle member may take in memory: a stored one is read as it is, a deflated
   * one must also fit the inflation limit.
   */
  static long pickleCap(ZipEntry e, PickleLimits limits) {
    return e.isStored()
        ? limits.maxPickleBytes()
        : Math.min(limits.maxPickleBytes(), limits.maxInflatedBytes());
  }

  /**
   * Runs the pickle machine over a member, read within {@link #pickleCap}; offsets in findings are
   * file offsets for a stored member and member offsets for a deflated one.
   *
   * @throws FormatException ({@code PICKLE_TRAILING_BYTES}) if bytes follow the STOP opcode
   */
  static PickleMachine.Result runPickle(
      ZipArchive zip,
      ZipEntry e,
      PickleProfile profile,
      PickleLimits limits,
      PickleMachine.@Nullable PersistentIds pids) {
    ByteBuffer pkl = zip.readFully(e, pickleCap(e, limits), FormatReason.PICKLE_LIMIT_EXCEEDED);
    long base = e.isStored() ? e.dataOffset() : 0;
    PickleMachine.Result r = PickleMachine.run(pkl, base, profile, limits, pids);
    if (r.end() != pkl.limit()) {
      throw new FormatException(
          FormatReason.PICKLE_TRAILING_BYTES,
          base + r.end(),
          (pkl.limit() - r.end()) + " bytes follow STOP in " + e.name());
    }
    return r;
  }

  /**
   * Refuses a data record that no storage of the pickle references: bytes a reader would carry that
   * no check covered as a tensor.
   *
   * <p>{@code storages} must come from a run that refused every referenced key without a record
   * ({@code PYTORCH_MISSING_RECORD}), as every non-legacy {@link Storages} does. Keys and record
   * numbers are canonical decimals, so distinct keys name distinct records, and every record is
   * referenced exactly when there are as many keys as records: only otherwise is the record looked
   * for, without a string per record in the common case.
   *
   * @throws FormatException ({@code PYTORCH_UNREFERENCED_RECORD})
   */
  static void allUsed(Map<Long, ZipEntry> records, Storages storages) {
    if (storages.referenced().size() == records.size()) {
      return;
    }
    for (Map.Entry<Long, ZipEntry> r : records.entrySet()) {
      if (!storages.referenced().containsKey(String.valueOf(r.getKey()))) {
        throw new FormatException(
            FormatReason.PYTORCH_UNREFERENCED_RECORD,
            r.getValue().localHeaderOffset(),
            "'" + r.getValue().name() + "' is referenced by no storage");
      }
    }
  }
}
