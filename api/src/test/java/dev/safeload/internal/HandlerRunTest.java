package dev.safeload.internal;

import static dev.safeload.internal.StageFixtures.allowing;
import static dev.safeload.internal.StageFixtures.bytes;
import static dev.safeload.internal.StageFixtures.magic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** How handler code is called: the allowlist first, and every failure a finding (fail closed). */
class HandlerRunTest {
  static final StageFixtures.Magic A = magic("a", "AA", Confidence.MAGIC, "a");

  @Test
  void aFormatThePolicyDoesNotAllowIsNotValidated() {
    FileValidation.Outcome o = new HandlerRun(allowing()).run("x.a", bytes("AAOK"), A);
    assertEquals(List.of(Reason.FORMAT_NOT_ALLOWED), codes(o.findings()));
    assertNull(o.description());
    assertEquals("a", o.format());
  }

  @Test
  void anAllowedHandlersVerdictIsTheOutcome() {
    HandlerRun run = new HandlerRun(allowing("a"));
    assertTrue(run.run("x.a", bytes("AAOK"), A).accepted());
    FileValidation.Outcome bad = run.run("x.a", bytes("AAno"), A);
    assertEquals(List.of(StageFixtures.TestReason.BODY_INVALID), codes(bad.findings()));
    assertNull(bad.description());
  }

  @Test
  void everyKindOfFailureBecomesAFinding() {
    assertEquals(
        List.of(Reason.HANDLER_ERROR),
        failing(
            () -> {
              throw new IllegalStateException("bug");
            }));
    assertEquals(
        List.of(Reason.HANDLER_ERROR),
        failing(
            () -> {
              throw new StackOverflowError();
            }));
    assertEquals(
        List.of(Reason.HANDLER_ERROR),
        failing(
            () -> {
              throw new NoClassDefFoundError("missing");
            }));
    assertEquals(
        List.of(Reason.HANDLER_ERROR),
        failing(
            () -> {
              throw new AssertionError("assert");
            }));
    assertEquals(
        List.of(Reason.RESOURCE_EXHAUSTED),
        failing(
            () -> {
              throw new OutOfMemoryError();
            }));
  }

  @Test
  void aHandlerThatReturnsNoDescriptionHasFailed() {
    FormatHandler nothing =
        new FormatHandler() {
          @Override
          public String id() {
            return "a";
          }

          @Override
          public java.util.Set<String> extensions() {
            return java.util.Set.of("h");
          }

          @Override
          public Confidence detect(ByteBuffer head, long fileSize) {
            return Confidence.MAGIC;
          }

          @Override
          @SuppressWarnings("NullAway") // the point: a broken handler
          public ModelDescription validate(ModelBytes b, ValidationContext c) {
            return null;
          }
        };
    FileValidation.Outcome o = new HandlerRun(allowing("a")).run("x.a", bytes("AAOK"), nothing);
    assertEquals(List.of(Reason.HANDLER_ERROR), codes(o.findings()));
  }

  private static List<ReasonCode> failing(Supplier<Object> call) {
    List<Finding> sink = new ArrayList<>();
    Object r = HandlerRun.call(ValidationContext.collecting("f", allowing(), sink), "what", call);
    assertNull(r);
    return codes(sink);
  }

  static List<ReasonCode> codes(List<Finding> findings) {
    return findings.stream().map(Finding::reason).toList();
  }
}
