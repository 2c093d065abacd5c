package dev.safeload.toy;

import dev.safeload.spi.Confidence;
import java.nio.ByteBuffer;

/**
 * Registered in META-INF/services only: proves ServiceLoader discovery (and that it is
 * allowlisted).
 */
public final class DiscoveredToyHandler extends ToyHandler {
  public DiscoveredToyHandler() {
    super("toy-discovered");
  }

  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    // Claims "TOY2" files only, so it never ties with ToyHandler.
    return head.remaining() >= 4
            && head.get(0) == 'T'
            && head.get(1) == 'O'
            && head.get(2) == 'Y'
            && head.get(3) == '2'
        ? Confidence.MAGIC
        : Confidence.NONE;
  }
}
