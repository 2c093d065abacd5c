package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.formats.safetensors.SafetensorsHandler;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.TensorInfo;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * Arbitrary bytes into {@link SafetensorsHandler}: only {@link FormatException} may escape. An
 * accepted file must be covered exactly by its tensors, and its header must also be strict JSON to
 * jackson-core (we may only be stricter, never more lenient).
 */
class SafetensorsFuzzTest {
  private static final SafetensorsHandler HANDLER = new SafetensorsHandler();
  private static final JsonFactory JACKSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /**
   * If the first byte is negative the rest is the file as is; otherwise the rest is a header
   * followed by {@code first & 63} data bytes, with the length prefix computed, so that the fuzzer
   * spends its time inside the JSON rather than on the prefix.
   */
  @FuzzTest(maxDuration = "5s")
  void header(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] file;
    if (input[0] < 0) {
      file = java.util.Arrays.copyOfRange(input, 1, input.length);
    } else {
      int tail = Math.min(input[0] & 63, input.length - 1);
      file =
          ByteBuffer.allocate(8 + input.length - 1)
              .order(ByteOrder.LITTLE_ENDIAN)
              .putLong(input.length - 1 - tail)
              .put(input, 1, input.length - 1)
              .array();
    }
    HANDLER.detect(ByteBuffer.wrap(file).asReadOnlyBuffer(), file.length);
    List<Finding> sink = new ArrayList<>();
    ModelDescription d;
    try {
      d =
          HANDLER.validate(
              ModelBytes.of(ByteBuffer.wrap(file)),
              ValidationContext.collecting("f", LoadPolicy.strict(), sink));
    } catch (FormatException e) {
      return;
    }
    if (!sink.isEmpty()) {
      return;
    }
    long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong();
    long running = 8 + n;
    List<TensorInfo> sorted = new ArrayList<>(d.tensors());
    sorted.sort(Comparator.comparingLong(TensorInfo::offset).thenComparingLong(TensorInfo::length));
    for (TensorInfo t : sorted) {
      if (t.offset() != running) {
        throw new AssertionError("accepted a file whose tensors do not tile the data: " + t);
      }
      running += t.length();
    }
    if (running != file.length) {
      throw new AssertionError("accepted a file with uncovered bytes");
    }
    try (JsonParser p = JACKSON.createParser(ObjectReadContext.empty(), file, 8, (int) n)) {
      p.nextToken();
      p.skipChildren();
      if (p.nextToken() != null) {
        throw new AssertionError("jackson sees trailing tokens in an accepted header");
      }
    } catch (tools.jackson.core.JacksonException e) {
      throw new AssertionError(
          "accepted a header that jackson-core rejects: " + e.getOriginalMessage(), e);
    }
  }
}
