package dev.safeload.formats.readers;

import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.SecondReader;
import java.nio.ByteBuffer;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code numpy.load}: a file starting with the {@code .npy} magic ({@code \x93NUMPY}) is read as an
 * array whatever its name, and an object array in it is unpickled when {@code allow_pickle=True}.
 */
public final class NpyReader implements SecondReader {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  @Override
  public String id() {
    return "numpy";
  }

  @Override
  public Set<String> formats() {
    return Set.of("numpy");
  }

  @Override
  public @Nullable String opens(ModelBytes bytes) {
    if (bytes.size() < MAGIC.length) {
      return null;
    }
    ByteBuffer b = bytes.slice(0, MAGIC.length);
    for (int i = 0; i < MAGIC.length; i++) {
      if (b.get(i) != MAGIC[i]) {
        return null;
      }
    }
    return "a .npy array header at offset 0";
  }
}
