package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.formats.json.JsonHandler;
import dev.safeload.formats.safetensors.SafetensorsIndexHandler;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonReadFeature;

/**
 * Arbitrary bytes into the JSON handlers. Only {@link FormatException} may escape, and a document a
 * handler accepts must be accepted by jackson-core with duplicate detection too: the reader may be
 * stricter than jackson, never more lenient. The plain JSON handler reads Python's non-finite
 * constants ({@code NaN}, {@code Infinity}, as {@code json.dump} writes them), so its oracle allows
 * non-numeric numbers; the shard index, whose numbers locate bytes, is held to strict JSON.
 */
class JsonReaderFuzzTest {
  private static final FormatHandler JSON = new JsonHandler();
  private static final FormatHandler INDEX = new SafetensorsIndexHandler();
  private static final JsonFactory STRICT =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final JsonFactory PYTHON =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  @FuzzTest(maxDuration = "5s")
  void json(byte[] input) {
    ByteBuffer head = ByteBuffer.wrap(input).asReadOnlyBuffer();
    JSON.detect(head.duplicate(), input.length);
    INDEX.detect(head.duplicate(), input.length);
    if (validate(INDEX, input)) {
      assertJacksonAccepts(STRICT, input);
    }
    if (validate(JSON, input)) {
      assertJacksonAccepts(PYTHON, input);
    }
  }

  private static void assertJacksonAccepts(JsonFactory jackson, byte[] input) {
    try (JsonParser p = jackson.createParser(ObjectReadContext.empty(), input)) {
      p.nextToken();
      p.skipChildren();
      if (p.nextToken() != null) {
        throw new AssertionError("jackson sees trailing tokens in an accepted document");
      }
    } catch (JacksonException e) {
      throw new AssertionError(
          "accepted a document that jackson-core rejects: " + e.getOriginalMessage(), e);
    }
  }

  /** Whether the handler accepted the bytes. */
  private static boolean validate(FormatHandler h, byte[] input) {
    List<Finding> sink = new ArrayList<>();
    try {
      h.validate(
          ModelBytes.of(ByteBuffer.wrap(input)),
          ValidationContext.collecting("f.json", LoadPolicy.strict(), sink));
      return sink.isEmpty();
    } catch (FormatException e) {
      return false;
    }
  }
}
