package dev.safeload.formats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.formats.pytorch.PyTorchHandler;
import dev.safeload.formats.zip.Zip;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the strict zip reader (and the torch layout and pickle behind it) through the PyTorch
 * handler. Seeds in ZipReaderFuzzTestInputs are small torch.save archives. Only rejections may
 * escape.
 */
class ZipReaderFuzzTest {
  private static final LoadPolicy POLICY =
      LoadPolicy.strict().toBuilder()
          .set(Zip.MAX_ENTRY_BYTES, 1L << 20)
          .set(Zip.MAX_TOTAL_BYTES, 4L << 20)
          .build();
  private static final PyTorchHandler HANDLER = new PyTorchHandler();

  @FuzzTest(maxDuration = "5s")
  void zipReader(byte[] data) {
    List<Finding> findings = new ArrayList<>();
    try {
      HANDLER.validate(
          ModelBytes.of(ByteBuffer.wrap(data)),
          ValidationContext.collecting("f.pt", POLICY, findings));
    } catch (FormatException expected) {
      // a rejection is a valid outcome; anything else escaping is a bug
    }
  }
}
