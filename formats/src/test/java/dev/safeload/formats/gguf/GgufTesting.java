package dev.safeload.formats.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ReasonCode;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Calls the handler directly, as the engine would, and collects findings. */
final class GgufTesting {
  private GgufTesting() {}

  static List<Finding> findings(byte[] bytes, LoadPolicy policy) {
    List<Finding> out = new ArrayList<>();
    ValidationContext ctx = ValidationContext.collecting("m.gguf", policy, out);
    try {
      new GgufHandler().validate(ModelBytes.of(ByteBuffer.wrap(bytes)), ctx);
    } catch (FormatException e) {
      out.add(new Finding(e.reason(), "m.gguf", Math.max(-1, e.offset()), e.getMessage()));
    }
    return out;
  }

  static List<Finding> findings(byte[] bytes) {
    return findings(bytes, LoadPolicy.strict());
  }

  static ModelDescription describe(byte[] bytes) {
    List<Finding> out = new ArrayList<>();
    ModelDescription d =
        new GgufHandler()
            .validate(
                ModelBytes.of(ByteBuffer.wrap(bytes)),
                ValidationContext.collecting("m.gguf", LoadPolicy.strict(), out));
    assertEquals(List.of(), out);
    return d;
  }

  /** Asserts that validation yields exactly one finding, with this reason. */
  static Finding assertRejected(ReasonCode reason, byte[] bytes) {
    return assertRejected(reason, bytes, LoadPolicy.strict());
  }

  static Finding assertRejected(ReasonCode reason, byte[] bytes, LoadPolicy policy) {
    List<Finding> f = findings(bytes, policy);
    assertEquals(1, f.size(), () -> "expected one finding, got " + f);
    assertEquals(reason, f.get(0).reason(), () -> f.toString());
    return f.get(0);
  }
}
