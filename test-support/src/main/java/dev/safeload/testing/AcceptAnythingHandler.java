package dev.safeload.testing;

import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * Accepts any content of a file without an extension, for tests whose files are not models (the
 * signing goldens are plain text). Allow it with
 * {@code LoadPolicy.strict().toBuilder().allowFormat(AcceptAnythingHandler.ID)}.
 */
public final class AcceptAnythingHandler implements FormatHandler {
  /** The format id. */
  public static final String ID = "test-any";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<String> extensions() {
    return Set.of("");
  }

  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    return Confidence.STRUCTURAL;
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    return ModelDescription.empty(ID);
  }
}
