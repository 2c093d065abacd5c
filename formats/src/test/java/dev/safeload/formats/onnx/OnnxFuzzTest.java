package dev.safeload.formats.onnx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the ONNX handler (detection and validation): only {@link FormatException}
 * findings may leave it. Seeds: the python3-onnx fixtures in {@code OnnxFuzzTestInputs/}.
 */
class OnnxFuzzTest {
  private static final LoadPolicy POLICY = LoadPolicy.strict();
  private static final OnnxHandler HANDLER = new OnnxHandler();

  @FuzzTest(maxDuration = "10s")
  void validate(byte[] data) {
    HANDLER.detect(ByteBuffer.wrap(data).asReadOnlyBuffer(), data.length);
    List<Finding> findings = new ArrayList<>();
    try {
      HANDLER.validate(ModelBytes.of(ByteBuffer.wrap(data)), ValidationContext.collecting("f.onnx", POLICY, findings));
    } catch (FormatException e) {
      // a rejection: the expected outcome for most inputs
    }
  }
}
