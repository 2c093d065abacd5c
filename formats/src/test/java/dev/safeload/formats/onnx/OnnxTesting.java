package dev.safeload.formats.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ReasonCode;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

final class OnnxTesting {
  private OnnxTesting() {}

  static byte[] fixture(String name) {
    try (InputStream in = OnnxTesting.class.getResourceAsStream("/onnx/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Finding> findings(byte[] bytes, LoadPolicy policy) {
    List<Finding> out = new ArrayList<>();
    ValidationContext ctx = ValidationContext.collecting("m.onnx", policy, out);
    try {
      new OnnxHandler().validate(ModelBytes.of(ByteBuffer.wrap(bytes)), ctx);
    } catch (FormatException e) {
      out.add(new Finding(e.reason(), "m.onnx", Math.max(-1, e.offset()), e.getMessage()));
    }
    return out;
  }

  static ModelDescription describe(byte[] bytes, LoadPolicy policy) {
    List<Finding> out = new ArrayList<>();
    ModelDescription d =
        new OnnxHandler()
            .validate(
                ModelBytes.of(ByteBuffer.wrap(bytes)),
                ValidationContext.collecting("m.onnx", policy, out));
    assertEquals(List.of(), out);
    return d;
  }

  static ModelDescription describe(byte[] bytes) {
    return describe(bytes, LoadPolicy.strict());
  }

  static Finding assertRejected(ReasonCode reason, byte[] bytes) {
    return assertRejected(reason, bytes, LoadPolicy.strict());
  }

  static Finding assertRejected(ReasonCode reason, byte[] bytes, LoadPolicy policy) {
    List<Finding> f = findings(bytes, policy);
    assertEquals(1, f.size(), () -> "expected one finding, got " + f);
    assertEquals(reason, f.get(0).reason(), f::toString);
    return f.get(0);
  }
}
