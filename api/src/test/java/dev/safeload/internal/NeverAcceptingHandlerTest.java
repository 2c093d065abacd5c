package dev.safeload.internal;

import static dev.safeload.internal.StageFixtures.allowing;
import static dev.safeload.internal.StageFixtures.bytes;
import static dev.safeload.internal.StageFixtures.magic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A handler that never accepts ({@link FormatHandler#everAccepts()} false, as the archive wrapper,
 * which detects every zip) is not run as a second reading of a file another handler accepted: its
 * only answer would be no, after a second walk of the file. It is still run where its own reason is
 * the verdict. Validations are counted.
 */
class NeverAcceptingHandlerTest {
  static final StageFixtures.Magic NAMED = magic("named", "N", Confidence.MAGIC, "n");

  /** Detects files starting with N or W strongly and refuses every one; counts its validations. */
  static final class Wrapper implements FormatHandler {
    final AtomicInteger validations = new AtomicInteger();
    final boolean declared;

    Wrapper(boolean declared) {
      this.declared = declared;
    }

    @Override
    public String id() {
      return "wrapper";
    }

    @Override
    public Set<String> extensions() {
      return Set.of("w");
    }

    @Override
    public Confidence detect(ByteBuffer head, long fileSize) {
      return head.remaining() > 0 && (head.get(0) == 'N' || head.get(0) == 'W')
          ? Confidence.STRONG
          : Confidence.NONE;
    }

    @Override
    public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
      validations.incrementAndGet();
      throw new FormatException(StageFixtures.TestReason.BODY_INVALID, 0, "a wrapper");
    }

    @Override
    public boolean everAccepts() {
      return declared;
    }
  }

  private static List<Finding> findings(FileValidation.Outcome o) {
    return o.findings();
  }

  @Test
  void aFileAcceptedByItsNameIsNotShownToAHandlerThatNeverAccepts() {
    Wrapper never = new Wrapper(false);
    FileValidation v =
        new FileValidation(allowing("named", "wrapper"), List.of(NAMED, never), List.of());
    FileValidation.Outcome o =
        v.validate("m.n", bytes("NOK"), new NameRoles(List.of(NAMED, never), List.of()).of("m.n"));
    assertTrue(o.accepted(), findings(o).toString());
    assertEquals(0, never.validations.get(), "no second walk to hear no");
  }

  @Test
  void aHandlerThatMayAcceptIsStillAskedAndItsNoIsNoSecondReading() {
    Wrapper may = new Wrapper(true);
    FileValidation v =
        new FileValidation(allowing("named", "wrapper"), List.of(NAMED, may), List.of());
    FileValidation.Outcome o =
        v.validate("m.n", bytes("NOK"), new NameRoles(List.of(NAMED, may), List.of()).of("m.n"));
    assertTrue(o.accepted(), findings(o).toString());
    assertEquals(1, may.validations.get());
  }

  @Test
  void whereItsOwnReasonIsTheVerdictItStillRuns() {
    Wrapper never = new Wrapper(false);
    FileValidation v =
        new FileValidation(allowing("named", "wrapper"), List.of(NAMED, never), List.of());
    FileValidation.Outcome o =
        v.validate("m.w", bytes("WOK"), new NameRoles(List.of(NAMED, never), List.of()).of("m.w"));
    assertFalse(o.accepted());
    assertEquals(1, never.validations.get());
    assertEquals(
        List.of(StageFixtures.TestReason.BODY_INVALID),
        o.findings().stream().map(Finding::reason).toList());
  }

  @Test
  void theSecondReadingStillFindsAPolyglotAmongOtherHandlers() {
    Wrapper never = new Wrapper(false);
    StageFixtures.Magic other = magic("other", "N", Confidence.STRONG, "o");
    SecondReadings s =
        new SecondReadings(List.of(), new HandlerRun(allowing("named", "wrapper", "other")));
    Detection d =
        Detection.of("m.n", bytes("NOK"), List.of(NAMED, never, other), new ArrayList<>());
    FileValidation.Outcome named =
        new FileValidation.Outcome(
            NAMED, "named", ModelDescription.empty("named"), List.of(), false);
    Finding f = s.byOtherHandlers("m.n", bytes("NOK"), named, List.of(NAMED), d);
    assertEquals(Reason.POLYGLOT, f.reason());
    assertEquals(0, never.validations.get());
    assertNull(
        s.byOtherHandlers(
            "m.n",
            bytes("NOK"),
            named,
            List.of(NAMED),
            Detection.of("m.n", bytes("NOK"), List.of(NAMED, never), new ArrayList<>())));
    assertEquals(0, never.validations.get());
  }
}
