package dev.safeload.maven.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small safetensors files written byte by byte, for the plugin's tests. */
final class Models {
  private Models() {}

  static final String CLEAN =
      "{\"weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
  static final String DUPLICATE_KEY =
      "{\"weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
          + "\"weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";

  /**
   * An 8-byte little-endian header length, the JSON header padded with spaces to 8, two F32 values.
   */
  static byte[] safetensors(String header) {
    StringBuilder h = new StringBuilder(header);
    while (h.length() % 8 != 0) {
      h.append(' ');
    }
    byte[] json = h.toString().getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long n = json.length;
    for (int i = 0; i < 8; i++) {
      out.write((int) (n >>> (8 * i)) & 0xff);
    }
    out.write(json, 0, json.length);
    out.write(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40}, 0, 8);
    return out.toByteArray();
  }

  static Path write(Path dir, String name, String header) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, safetensors(header));
    return p;
  }
}
