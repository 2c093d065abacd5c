package dev.safeload.cli;

import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.Set;

/** A minimal format for CLI tests, independent of the real handlers: files start with {@code TOY!}. */
final class ToyHandler implements FormatHandler {
  static final String ID = "toy";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<String> extensions() {
    return Set.of("toy");
  }

  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    byte[] magic = {'T', 'O', 'Y', '!'};
    if (head.remaining() < magic.length) {
      return Confidence.NONE;
    }
    for (int i = 0; i < magic.length; i++) {
      if (head.get(head.position() + i) != magic[i]) {
        return Confidence.NONE;
      }
    }
    return Confidence.MAGIC;
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    return ModelDescription.empty(ID);
  }
}
