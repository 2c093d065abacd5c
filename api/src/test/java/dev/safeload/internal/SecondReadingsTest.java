package dev.safeload.internal;

import static dev.safeload.internal.StageFixtures.allowing;
import static dev.safeload.internal.StageFixtures.bytes;
import static dev.safeload.internal.StageFixtures.magic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.SecondReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Polyglots: a second handler or a second reader that would read an accepted file too. */
class SecondReadingsTest {
  static final StageFixtures.Magic NAMED = magic("named", "N", Confidence.STRUCTURAL, "n");
  static final StageFixtures.Magic OTHER = magic("other", "N", Confidence.STRONG, "o");
  static final FileValidation.Outcome ACCEPTED =
      new FileValidation.Outcome(NAMED, "named", ModelDescription.empty("named"), List.of(), false);

  /** A reader that opens files starting with {@code prefix}, or throws for "!". */
  record Reader(String id, Set<String> formats, String prefix) implements SecondReader {
    @Override
    public @Nullable String opens(ModelBytes bytes) {
      if (prefix.equals("!")) {
        throw new IllegalStateException("broken reader");
      }
      return bytes.size() > 0 && bytes.get(0) == prefix.charAt(0) ? "a " + id + " archive" : null;
    }
  }

  @Test
  void anotherHandlerThatStronglyRecognisesAndAcceptsTheFileIsASecondReading() {
    SecondReadings s = new SecondReadings(List.of(), new HandlerRun(allowing("named", "other")));
    Detection d = detect(bytes("NOK"), NAMED, OTHER);
    Finding f = s.byOtherHandlers("x.n", bytes("NOK"), ACCEPTED, List.of(NAMED), d);
    assertEquals(Reason.POLYGLOT, f.reason());
    // It must accept the file too, and recognise it strongly: a weak or failing reading is none.
    assertNull(
        s.byOtherHandlers(
            "x.n", bytes("Nno"), ACCEPTED, List.of(NAMED), detect(bytes("Nno"), OTHER)));
    StageFixtures.Magic weak = magic("weak", "N", Confidence.STRUCTURAL, "w");
    assertNull(
        s.byOtherHandlers(
            "x.n", bytes("NOK"), ACCEPTED, List.of(NAMED), detect(bytes("NOK"), weak)));
  }

  @Test
  void aReaderThatWouldOpenTheFileMakesItAPolyglotUnlessItReadsTheFilesOwnFormat() {
    SecondReadings s =
        new SecondReadings(
            List.of(new Reader("zip", Set.of("named"), "N"), new Reader("tar", Set.of(), "T")),
            new HandlerRun(allowing()));
    assertSame(ACCEPTED, s.byReaders("x.n", bytes("NOK"), ACCEPTED));
    FileValidation.Outcome o = s.byReaders("x.n", bytes("TOK"), ACCEPTED);
    assertEquals(List.of(Reason.POLYGLOT), o.findings().stream().map(Finding::reason).toList());
    assertNull(o.description());
    assertEquals("named", o.format());
  }

  @Test
  void aReaderThatFailsRejectsTheFile() {
    SecondReadings s =
        new SecondReadings(
            List.of(new Reader("broken", Set.of(), "!")), new HandlerRun(allowing()));
    FileValidation.Outcome o = s.byReaders("x.n", bytes("NOK"), ACCEPTED);
    assertEquals(
        List.of(Reason.HANDLER_ERROR), o.findings().stream().map(Finding::reason).toList());
  }

  private static Detection detect(ModelBytes b, StageFixtures.Magic... handlers) {
    return Detection.of("x.n", b, List.of(handlers), new ArrayList<>());
  }
}
