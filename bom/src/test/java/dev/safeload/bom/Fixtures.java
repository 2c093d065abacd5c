package dev.safeload.bom;

import dev.safeload.provenance.Sha256;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Model files written byte by byte, their digests computed independently of safeload, and JSON trees. */
final class Fixtures {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Fixtures() {}

  /** A safetensors file: the header (space-padded to 8 bytes) and {@code dataBytes} data bytes. */
  static byte[] safetensors(String header, int dataBytes) {
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

  /** One F32 tensor of two elements, with {@code __metadata__} if given. */
  static byte[] oneTensor(String metadataJson) {
    String meta = metadataJson.isEmpty() ? "" : "\"__metadata__\":" + metadataJson + ",";
    return safetensors("{" + meta + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
  }

  static Sha256 sha256(byte[] b) throws Exception {
    return Sha256.hash(b);
  }

  static JsonNode tree(byte[] json) {
    return JSON.readTree(json);
  }

  static byte[] bytes(JsonNode tree) {
    return JSON.writeValueAsBytes(tree);
  }
}
