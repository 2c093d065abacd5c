package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.formats.gguf.GgufHandler;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the GGUF handler: only {@link FormatException} findings may leave it.
 * Seeds: the fixtures in {@code GgufFuzzTestInputs/}. The default build runs it briefly.
 */
class GgufFuzzTest {
  private static final LoadPolicy POLICY = LoadPolicy.strict();
  private static final GgufHandler HANDLER = new GgufHandler();

  @FuzzTest(maxDuration = "5s")
  void validate(byte[] data) {
    List<Finding> findings = new ArrayList<>();
    try {
      HANDLER.validate(
          ModelBytes.of(ByteBuffer.wrap(data)),
          ValidationContext.collecting("f.gguf", POLICY, findings));
    } catch (FormatException e) {
      // a rejection: the expected outcome for most inputs
    }
  }
}
