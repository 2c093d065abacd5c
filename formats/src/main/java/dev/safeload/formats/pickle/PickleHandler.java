package dev.safeload.formats.pickle;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.pickle.PickleLimits;
import dev.safeload.formats.internal.pickle.PickleMachine;
import dev.safeload.formats.internal.pickle.PickleSkim;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Raw pickle files and uncompressed joblib files: one pickle that must satisfy {@link
 * Pickle#PROFILE} and end exactly at the end of the file. Stacked pickles are each analysed (so a
 * finding names the real global), and then rejected: one {@code pickle.load} reads only the first,
 * other loaders read them all. joblib's inline numpy buffers follow a {@code NumpyArrayWrapper}
 * global, which no built-in profile admits.
 */
public final class PickleHandler implements FormatHandler {
  /** Pickles analysed in one file before giving up. */
  private static final int MAX_STACKED = 64;

  @Override
  public String id() {
    return "pickle";
  }

  @Override
  public Set<String> extensions() {
    return Set.of("pkl", "pickle", "joblib");
  }

  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    ByteBuffer h = head.duplicate();
    if (h.remaining() >= 2
        && (h.get(h.position()) & 0xff) == 0x80
        && (h.get(h.position() + 1) & 0xff) <= 5) {
      return Confidence
          .STRONG; // PROTO n; the legacy PyTorch magic pickle is claimed by pytorch with MAGIC
    }
    // Protocols 0 and 1 have no magic: a pickle is a run of valid opcodes, which may go on past the
    // head.
    return PickleSkim.plausible(h, 8, fileSize) ? Confidence.STRUCTURAL : Confidence.NONE;
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    PickleProfile profile = context.setting(Pickle.PROFILE);
    PickleLimits limits = PickleLimits.from(context);
    long size = bytes.size();
    int window = (int) Math.min(size, Math.min(limits.maxPickleBytes(), Integer.MAX_VALUE - 8L));
    if (window < size) {
      throw new FormatException(
          FormatReason.PICKLE_LIMIT_EXCEEDED,
          window,
          "pickle file larger than " + limits.maxPickleBytes() + " bytes");
    }
    ByteBuffer buf = bytes.slice(0, window);
    PickleMachine.Result first = PickleMachine.run(buf.position(0), 0, profile, limits, null);
    int pos = first.end();
    int count = 1;
    while (pos < window) {
      if (count >= MAX_STACKED) {
        break;
      }
      try {
        PickleMachine.Result next = PickleMachine.run(buf.position(pos), 0, profile, limits, null);
        pos = next.end();
        count++;
      } catch (FormatException e) {
        // A later pickle that imports something is reported as such; other junk is trailing bytes.
        if (e.reason() == FormatReason.PICKLE_GLOBAL_NOT_ALLOWED
            || e.reason() == FormatReason.PICKLE_GLOBAL_NAME_INVALID) {
          throw e;
        }
        break;
      }
    }
    if (count > 1 || first.end() != size) {
      throw new FormatException(
          FormatReason.PICKLE_TRAILING_BYTES,
          first.end(),
          (size - first.end())
              + " bytes follow the first pickle's STOP"
              + (count > 1 ? " (" + (count - 1) + " more pickles)" : ""));
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("pickle.profile", profile.name());
    meta.put("pickle.protocol", String.valueOf(first.protocol()));
    meta.put("pickle.globals", String.join(",", first.globals()));
    return new ModelDescription(id(), List.of(), meta, List.of());
  }
}
