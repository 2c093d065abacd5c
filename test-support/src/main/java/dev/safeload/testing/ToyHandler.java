package dev.safeload.testing;

import dev.safeload.Reason;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * A minimal format that keeps a module's tests independent of the real handlers: a {@code .toy}
 * file starts with {@code TOY!} and is accepted whatever follows. Allow it with {@code
 * LoadPolicy.strict().toBuilder().allowFormat(ToyHandler.ID)}.
 */
public final class ToyHandler implements FormatHandler {
  /** The format id. */
  public static final String ID = "toy";

  private static final byte[] MAGIC = {'T', 'O', 'Y', '!'};

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
    if (head.remaining() < MAGIC.length) {
      return Confidence.NONE;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (head.get(head.position() + i) != MAGIC[i]) {
        return Confidence.NONE;
      }
    }
    return Confidence.MAGIC;
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    if (bytes.size() < MAGIC.length) {
      throw new FormatException(Reason.UNKNOWN_FORMAT, 0, "too short");
    }
    return ModelDescription.empty(ID);
  }
}
