package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.formats.onnx.CrossFile;
import dev.safeload.formats.onnx.OnnxHandler;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the ONNX handler (detection and validation): only {@link
 * FormatException} findings may leave it. Seeds: the python3-onnx fixtures in {@code
 * OnnxFuzzTestInputs/}.
 */
class OnnxFuzzTest {
  private static final LoadPolicy POLICY = LoadPolicy.strict();
  private static final OnnxHandler HANDLER = new OnnxHandler();

  @FuzzTest(maxDuration = "5s")
  void validate(byte[] data) {
    HANDLER.detect(ByteBuffer.wrap(data).asReadOnlyBuffer(), data.length);
    List<Finding> findings = new ArrayList<>();
    try {
      HANDLER.validate(
          ModelBytes.of(ByteBuffer.wrap(data)),
          ValidationContext.collecting("f.onnx", POLICY, findings));
    } catch (FormatException e) {
      return; // a rejection: the expected outcome for most inputs
    }
    // A valid model with external data: the cross-file calls, with every named file present (the
    // model's own bytes, cut to a few sizes, serve as the data) and then with none.
    CrossFile x = new CrossFile(HANDLER, POLICY);
    try {
      CrossFile.File model = x.model("d/f.onnx", data, java.util.Map.of());
      java.util.Map<String, byte[]> files = new java.util.LinkedHashMap<>();
      int i = 0;
      for (String ref : model.description().references()) {
        files.put("d/" + ref, java.util.Arrays.copyOf(data, (i++ * 7) % (data.length + 1)));
      }
      x.acrossFiles(model, true);
      x.files.clear();
      CrossFile.File again = x.model("d/f.onnx", data, files);
      x.acrossFiles(again, true);
    } catch (FormatException e) {
      throw new AssertionError("a model that validated was rejected on the second call", e);
    }
  }
}
