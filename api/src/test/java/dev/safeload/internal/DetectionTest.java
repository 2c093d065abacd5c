package dev.safeload.internal;

import static dev.safeload.internal.StageFixtures.bytes;
import static dev.safeload.internal.StageFixtures.magic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Content detection: every handler on the head, the strongest kept, a failing detector a finding.
 */
class DetectionTest {
  static final StageFixtures.Magic STRONG = magic("strong", "AB", Confidence.STRONG, "s");
  static final StageFixtures.Magic ALSO_STRONG = magic("also", "A", Confidence.STRONG, "t");
  static final StageFixtures.Magic WEAK = magic("weak", "A", Confidence.STRUCTURAL, "w");
  static final StageFixtures.Magic NAMES_ONLY = magic("names", "A", Confidence.MAGIC);

  @Test
  void keepsOnlyTheHandlersThatRecognisedSomethingInHandlerOrder() {
    Detection d = detect(bytes("AXOK"), STRONG, WEAK, ALSO_STRONG);
    assertEquals(Map.of(WEAK, Confidence.STRUCTURAL, ALSO_STRONG, Confidence.STRONG), d.seen());
    assertEquals(List.of(WEAK, ALSO_STRONG), List.copyOf(d.seen().keySet()));
    assertEquals(Confidence.NONE, d.of(STRONG));
  }

  @Test
  void strongestKeepsEveryHandlerOfTheTopConfidenceAndNoneWhenNothingDetects() {
    Detection d = detect(bytes("ABOK"), STRONG, ALSO_STRONG, WEAK);
    assertEquals(List.of(STRONG, ALSO_STRONG), d.strongest(List.of(STRONG, ALSO_STRONG, WEAK)));
    assertEquals(List.of(WEAK), d.strongest(List.of(WEAK)));
    assertEquals(List.of(), detect(bytes("zz"), STRONG).strongest(List.of(STRONG)));
  }

  @Test
  void aHandlerWithoutExtensionsNeverSpeaksForContent() {
    Detection d = detect(bytes("AXOK"), NAMES_ONLY, WEAK);
    assertEquals(List.of(WEAK), d.contentHandlers());
  }

  @Test
  void theHeadIsAtMost64KiB() {
    int[] seenBytes = {0};
    FormatHandler measuring =
        handler(
            (head, size) -> {
              seenBytes[0] = head.remaining();
              return Confidence.NONE;
            });
    detect(ModelBytes.of(ByteBuffer.allocate(Detection.HEAD_BYTES + 10)), measuring);
    assertEquals(Detection.HEAD_BYTES, seenBytes[0]);
  }

  @Test
  void aDetectorThatThrowsEndsDetectionWithAFinding() {
    List<Finding> findings = new ArrayList<>();
    assertNull(
        Detection.of(
            "f",
            bytes("AB"),
            List.of(
                handler(
                    (h, s) -> {
                      throw new IllegalArgumentException("bug");
                    })),
            findings));
    assertEquals(Reason.HANDLER_ERROR, findings.get(0).reason());
    findings.clear();
    assertNull(
        Detection.of(
            "f",
            bytes("AB"),
            List.of(
                handler(
                    (h, s) -> {
                      throw new OutOfMemoryError();
                    })),
            findings));
    assertEquals(Reason.RESOURCE_EXHAUSTED, findings.get(0).reason());
  }

  private static Detection detect(ModelBytes b, FormatHandler... handlers) {
    List<Finding> findings = new ArrayList<>();
    Detection d = Detection.of("f", b, List.of(handlers), findings);
    assertEquals(List.of(), findings);
    assertNotNull(d);
    return d;
  }

  interface Detect {
    Confidence detect(ByteBuffer head, long size);
  }

  private static FormatHandler handler(Detect detect) {
    return new FormatHandler() {
      @Override
      public String id() {
        return "h";
      }

      @Override
      public java.util.Set<String> extensions() {
        return java.util.Set.of("h");
      }

      @Override
      public Confidence detect(ByteBuffer head, long fileSize) {
        return detect.detect(head, fileSize);
      }

      @Override
      public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
        return ModelDescription.empty("h");
      }
    };
  }
}
