package dev.safeload.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Model files written byte by byte, for tests of modules that do not own the format's parser. */
public final class FileBuilders {
  private FileBuilders() {}

  /**
   * A safetensors file: the 8-byte little-endian header length, the header space-padded to a
   * multiple of 8 bytes, then {@code dataBytes} data bytes (0, 1, 2, …).
   */
  public static byte[] safetensors(String header, int dataBytes) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    int padded = (h.length + 7) / 8 * 8;
    ByteBuffer b = ByteBuffer.allocate(8 + padded + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(padded).put(h);
    for (int i = h.length; i < padded; i++) {
      b.put((byte) ' ');
    }
    for (int i = 0; i < dataBytes; i++) {
      b.put((byte) i);
    }
    return b.array();
  }
}
