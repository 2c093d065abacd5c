package dev.safeload.internal;

import dev.safeload.LoadPolicy;
import dev.safeload.ReasonCode;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** Small handlers and policies for the stage tests: each stage is driven without the engine. */
final class StageFixtures {
  private StageFixtures() {}

  /** The codes these handlers report. */
  enum TestReason implements ReasonCode {
    BODY_INVALID;

    @Override
    public String code() {
      return name();
    }

    @Override
    public String description() {
      return "test";
    }
  }

  /**
   * A handler that detects its {@code magic} prefix with {@code confidence} and accepts a file iff
   * it ends with {@code "OK"}.
   */
  record Magic(String id, String magic, Confidence confidence, Set<String> extensions)
      implements FormatHandler {
    @Override
    public Confidence detect(ByteBuffer head, long fileSize) {
      byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
      if (head.remaining() < m.length) {
        return Confidence.NONE;
      }
      for (int i = 0; i < m.length; i++) {
        if (head.get(i) != m[i]) {
          return Confidence.NONE;
        }
      }
      return confidence;
    }

    @Override
    public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
      long n = bytes.size();
      if (n < 2 || bytes.get(n - 2) != 'O' || bytes.get(n - 1) != 'K') {
        throw new FormatException(TestReason.BODY_INVALID, 0, "does not end in OK");
      }
      return ModelDescription.empty(id);
    }
  }

  static Magic magic(String id, String magic, Confidence c, String... extensions) {
    return new Magic(id, magic, c, Set.of(extensions));
  }

  static LoadPolicy allowing(String... formats) {
    LoadPolicy.Builder b = LoadPolicy.strict().toBuilder();
    for (String f : formats) {
      b.allowFormat(f);
    }
    return b.build();
  }

  static ModelBytes bytes(String text) {
    return ModelBytes.of(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
  }
}
