package dev.safeload.formats.fuzz;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The contract every handler's fuzz target checks: detection and validation of arbitrary bytes end
 * in a verdict, and the only exception that may leave a handler is {@link FormatException} (a
 * rejection). Anything else, including {@code StackOverflowError} and {@code OutOfMemoryError},
 * fails the target.
 */
final class HandlerFuzzing {
  private static final LoadPolicy POLICY = LoadPolicy.strict();

  private HandlerFuzzing() {}

  static void run(FormatHandler handler, String fileName, byte[] data) {
    ByteBuffer head =
        ByteBuffer.wrap(data, 0, Math.min(data.length, 64 * 1024)).slice().asReadOnlyBuffer();
    handler.detect(head, data.length);
    List<Finding> findings = new ArrayList<>();
    try {
      handler.validate(
          ModelBytes.of(ByteBuffer.wrap(data)),
          ValidationContext.collecting(fileName, POLICY, findings));
    } catch (FormatException e) {
      // a rejection: the expected outcome for most inputs
    }
  }
}
