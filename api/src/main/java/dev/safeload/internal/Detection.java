package dev.safeload.internal;

import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the content of one file looks like to each handler: every handler's {@link
 * FormatHandler#detect} on the file's first {@value #HEAD_BYTES} bytes, in handler order, with only
 * the handlers that recognised something.
 */
record Detection(Map<FormatHandler, Confidence> seen) {
  /** Bytes of a file shown to {@link FormatHandler#detect}. */
  static final int HEAD_BYTES = 64 * 1024;

  Detection {
    seen = Collections.unmodifiableMap(new LinkedHashMap<>(seen));
  }

  /**
   * Asks every handler. A handler that throws ends detection with a {@code HANDLER_ERROR} (or
   * {@code RESOURCE_EXHAUSTED}) finding added to {@code findings}, and null.
   */
  static @Nullable Detection of(
      String name, ModelBytes bytes, List<FormatHandler> handlers, List<Finding> findings) {
    Map<FormatHandler, Confidence> seen = new LinkedHashMap<>();
    ByteBuffer head = bytes.slice(0, (int) Math.min(HEAD_BYTES, bytes.size()));
    for (FormatHandler h : handlers) {
      Confidence c;
      try {
        c = h.detect(head.duplicate().order(ByteOrder.LITTLE_ENDIAN), bytes.size());
      } catch (RuntimeException | StackOverflowError | OutOfMemoryError | LinkageError e) {
        findings.add(
            new Finding(
                e instanceof OutOfMemoryError ? Reason.RESOURCE_EXHAUSTED : Reason.HANDLER_ERROR,
                name,
                Finding.NO_OFFSET,
                h.id() + " failed to detect: " + e));
        return null;
      }
      if (c != null && c != Confidence.NONE) {
        seen.put(h, c);
      }
    }
    return new Detection(seen);
  }

  /** The confidence {@code h} detected, {@link Confidence#NONE} if it recognised nothing. */
  Confidence of(FormatHandler h) {
    return seen.getOrDefault(h, Confidence.NONE);
  }

  /**
   * The detections that may speak for content. A handler that lists no extension (vocab.txt,
   * merges.txt) is reached only through its names: text in a file of another name is not a
   * vocabulary because it could be read as one.
   */
  List<FormatHandler> contentHandlers() {
    return seen.keySet().stream().filter(h -> !h.extensions().isEmpty()).toList();
  }

  /**
   * The handlers among {@code candidates} with the highest detected confidence; none if none
   * detects.
   */
  List<FormatHandler> strongest(List<FormatHandler> candidates) {
    Confidence best = Confidence.NONE;
    for (FormatHandler h : candidates) {
      Confidence c = of(h);
      if (c.compareTo(best) > 0) {
        best = c;
      }
    }
    if (best == Confidence.NONE) {
      return List.of();
    }
    Confidence top = best;
    return candidates.stream().filter(h -> of(h) == top).toList();
  }
}
