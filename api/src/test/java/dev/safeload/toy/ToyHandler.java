package dev.safeload.toy;

import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * A format written by a "library author" outside the formats module: files are the magic {@code
 * TOY1} followed by exactly {@code OK}. Everything else with the magic is rejected with its own
 * code.
 */
public class ToyHandler implements FormatHandler {
  static final byte[] MAGIC = "TOY1".getBytes(StandardCharsets.US_ASCII);

  private final String id;

  public ToyHandler() {
    this("toy");
  }

  protected ToyHandler(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Set<String> extensions() {
    return Set.of("toy");
  }

  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    if (head.remaining() < MAGIC.length) {
      return Confidence.NONE;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (head.get(i) != MAGIC[i]) {
        return Confidence.NONE;
      }
    }
    return Confidence.MAGIC;
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    if (bytes.size() != 6 || bytes.get(4) != 'O' || bytes.get(5) != 'K') {
      throw new FormatException(
          ToyReason.TOY_BODY_INVALID, MAGIC.length, "body must be exactly OK");
    }
    return ModelDescription.empty(id);
  }

  /** Writes a valid toy file body. */
  public static byte[] valid() {
    return "TOY1OK".getBytes(StandardCharsets.US_ASCII);
  }
}
