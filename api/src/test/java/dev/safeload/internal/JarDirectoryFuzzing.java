package dev.safeload.internal;

import java.io.IOException;
import java.util.List;

/** The fuzz oracle for {@link JarDirectory}, here for package access. */
public final class JarDirectoryFuzzing {
  private JarDirectoryFuzzing() {}

  /** Lists {@code input} as a jar; only a refusal with a message may come back instead. */
  public static void listOrRefuse(byte[] input) {
    try {
      List<JarDirectory.Entry> entries = JarDirectory.read(JarDirectory.Bytes.of(input), 1 << 20);
      // Each central directory record takes at least 46 bytes of the input.
      if ((long) entries.size() * 46 > input.length) {
        throw new AssertionError(entries.size() + " entries from " + input.length + " bytes");
      }
    } catch (JarDirectory.InvalidJarException e) {
      if (e.getMessage().isEmpty()) {
        throw new AssertionError("a refusal without a message", e);
      }
    } catch (IOException e) {
      // Only an EOFException can come from a byte array: a region past its end.
      if (!(e instanceof java.io.EOFException)) {
        throw new AssertionError(e);
      }
    }
  }
}
