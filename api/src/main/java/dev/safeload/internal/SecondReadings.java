package dev.safeload.internal;

import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.SecondReader;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Polyglots: a file that passed its own format's checks is refused if another reader would read it
 * as something else too ({@code POLYGLOT}). Two sources of second readings, in check order:
 *
 * <ol>
 *   <li>Another handler, when the name chose the format: one that recognises the content with
 *       {@link Confidence#STRONG} or more and also validates it.
 *   <li>Every {@link SecondReader} for which the file is not its own structure (tar, zip, pickle,
 *       .npy readers): one that would open the bytes. A reader that throws is a {@code
 *       HANDLER_ERROR}.
 * </ol>
 */
final class SecondReadings {
  private final List<SecondReader> readers;
  private final HandlerRun handlers;

  SecondReadings(List<SecondReader> readers, HandlerRun handlers) {
    this.readers = readers;
    this.handlers = handlers;
  }

  /**
   * The {@code POLYGLOT} finding if a handler other than the name's, with a strong detection of its
   * own, accepts the file that the name's handler accepted as {@code named}; else null.
   */
  @Nullable Finding byOtherHandlers(
      String name,
      ModelBytes bytes,
      FileValidation.Outcome named,
      List<FormatHandler> nameHandlers,
      Detection seen) {
    for (Map.Entry<FormatHandler, Confidence> e : seen.seen().entrySet()) {
      FormatHandler other = e.getKey();
      // A handler that never accepts cannot give a second reading: running it would only repeat
      // the work (a zip's records walked a second time) to hear no.
      if (nameHandlers.contains(other)
          || other.extensions().isEmpty()
          || e.getValue().compareTo(Confidence.STRONG) < 0
          || !other.everAccepts()) {
        continue;
      }
      if (handlers.run(name, bytes, other).accepted()) {
        return new Finding(
            Reason.POLYGLOT,
            name,
            0,
            "valid as "
                + named.format()
                + " (its name) and as "
                + other.id()
                + " (its content): two readings");
      }
    }
    return null;
  }

  /**
   * Asks every second reader for which the file is not its own structure whether it would open the
   * bytes.
   */
  FileValidation.Outcome byReaders(String name, ModelBytes bytes, FileValidation.Outcome outcome) {
    for (SecondReader r : readers) {
      if (r.ownStructure(outcome.format(), bytes)) {
        continue;
      }
      String opens;
      try {
        opens = r.opens(bytes);
      } catch (RuntimeException | StackOverflowError e) {
        return rejected(
            outcome,
            new Finding(
                Reason.HANDLER_ERROR,
                name,
                Finding.NO_OFFSET,
                "second reader " + r.id() + " failed: " + e));
      }
      if (opens != null) {
        return rejected(
            outcome,
            new Finding(
                Reason.POLYGLOT,
                name,
                0,
                "accepted as "
                    + (outcome.format().isEmpty() ? "data" : outcome.format())
                    + ", but "
                    + r.id()
                    + " would open "
                    + opens));
      }
    }
    return outcome;
  }

  /** The outcome refused for {@code f} alone: its handler and format stay, its description goes. */
  static FileValidation.Outcome rejected(FileValidation.Outcome o, Finding f) {
    return new FileValidation.Outcome(o.handler(), o.format(), null, List.of(f), false);
  }
}
