package dev.safeload.testing;

import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * Accepts any content, for tests whose files are not models (the signing goldens are plain text).
 * Allow its format with {@code LoadPolicy.strict().toBuilder().allowFormat(handler.id())}.
 */
public final class AcceptAnythingHandler implements FormatHandler {
  /** The format id of {@link #AcceptAnythingHandler()}. */
  public static final String ID = "test-any";

  private final String id;
  private final String extension;

  /** Format {@link #ID}, for files without an extension. */
  public AcceptAnythingHandler() {
    this(ID, "");
  }

  /** Format {@code id}, for files named with {@code extension} ({@code ""}: files without one). */
  public AcceptAnythingHandler(String id, String extension) {
    this.id = id;
    this.extension = extension;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Set<String> extensions() {
    return Set.of(extension);
  }

  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    return Confidence.STRUCTURAL;
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    return ModelDescription.empty(id);
  }
}
