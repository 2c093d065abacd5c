package dev.safeload.internal;

import static dev.safeload.internal.StageFixtures.allowing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.provenance.Sha256;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ModelView;
import dev.safeload.spi.SecondReader;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Stage 4 on its own: data vouched for by the file that references it, and the model-wide checks.
 */
class CrossFileChecksTest {
  static final LoadPolicy POLICY = allowing("graph");

  /** A format whose files reference "weights.data" and which vouches for data that says DATA. */
  static final FormatHandler GRAPH =
      new FormatHandler() {
        @Override
        public String id() {
          return "graph";
        }

        @Override
        public Set<String> extensions() {
          return Set.of("graph");
        }

        @Override
        public Confidence detect(ByteBuffer head, long fileSize) {
          return Confidence.NONE;
        }

        @Override
        public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
          return ModelDescription.empty("graph");
        }

        @Override
        public void validateModel(
            ModelView.ValidatedFile self, ModelView model, ValidationContext context) {
          if (model.file("sub/weights.data").isEmpty()) {
            context.report(Reason.HANDLER_ERROR, Finding.NO_OFFSET, "its data is not served");
          }
        }

        @Override
        public @Nullable ModelDescription validateReferenced(
            ModelView.ValidatedFile referrer,
            String name,
            ModelBytes bytes,
            ValidationContext context) {
          return bytes.get(0) == 'D' ? ModelDescription.empty("graph-data") : null;
        }
      };

  static CheckedFile accepted(String name, List<String> references) {
    return file(
        name,
        "graph",
        GRAPH,
        new ModelDescription("graph", List.of(), Map.of(), references),
        false);
  }

  static CheckedFile unclaimed(String name, String content) {
    return new CheckedFile(
        source(name),
        bytesOf(content),
        Sha256.hash(content.getBytes(StandardCharsets.US_ASCII)),
        java.util.Map.of(),
        null,
        null,
        "",
        null,
        List.of(),
        true,
        null);
  }

  static CheckedFile file(
      String name, String format, FormatHandler h, ModelDescription d, boolean unclaimed) {
    return new CheckedFile(
        source(name),
        bytesOf("GRAPH"),
        Sha256.hash(new byte[0]),
        java.util.Map.of(),
        null,
        h,
        format,
        d,
        List.of(),
        unclaimed,
        null);
  }

  static SourceFile source(String name) {
    return new SourceFile(name, Path.of(name), 5, FileTime.fromMillis(0), null, null, 1, null);
  }

  static ChunkedBytes bytesOf(String s) {
    return new ChunkedBytes(List.of(ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII))));
  }

  static CrossFileChecks checks(List<SecondReader> readers) {
    return new CrossFileChecks(POLICY, new FileValidation(POLICY, List.of(GRAPH), readers));
  }

  @Test
  void dataNoFileVouchesForIsUnknown() {
    List<CheckedFile> out =
        checks(List.of()).apply(List.of(unclaimed("sub/weights.data", "DATA")), true);
    assertEquals(List.of(Reason.UNKNOWN_FORMAT), codes(out.get(0)));
  }

  @Test
  void dataTheReferringHandlerVouchesForIsServedWithItsFormat() {
    List<CheckedFile> out =
        checks(List.of())
            .apply(
                List.of(
                    accepted("sub/model.graph", List.of("weights.data")),
                    unclaimed("sub/weights.data", "DATA")),
                true);
    assertTrue(out.get(0).accepted(), out.get(0).findings().toString());
    assertTrue(out.get(1).accepted());
    assertEquals("graph-data", out.get(1).format());
  }

  @Test
  void dataTheHandlerRefusesStaysUnknownAndTheModelCheckSeesItMissing() {
    List<CheckedFile> out =
        checks(List.of())
            .apply(
                List.of(
                    accepted("sub/model.graph", List.of("weights.data")),
                    unclaimed("sub/weights.data", "XATA")),
                true);
    assertEquals(List.of(Reason.UNKNOWN_FORMAT), codes(out.get(1)));
    assertEquals(List.of(Reason.HANDLER_ERROR), codes(out.get(0)));
  }

  @Test
  void vouchedDataAnotherReaderWouldOpenIsAPolyglot() {
    SecondReader zip =
        new SecondReader() {
          @Override
          public String id() {
            return "zip";
          }

          @Override
          public Set<String> formats() {
            return Set.of();
          }

          @Override
          public @Nullable String opens(ModelBytes bytes) {
            return "an archive";
          }
        };
    List<CheckedFile> out =
        checks(List.of(zip))
            .apply(
                List.of(
                    accepted("sub/model.graph", List.of("weights.data")),
                    unclaimed("sub/weights.data", "DATA")),
                true);
    assertEquals(List.of(Reason.POLYGLOT), codes(out.get(1)));
    assertFalse(out.get(1).accepted());
  }

  private static List<ReasonCode> codes(CheckedFile f) {
    return f.findings().stream().map(Finding::reason).toList();
  }
}
