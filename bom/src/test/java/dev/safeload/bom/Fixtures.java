package dev.safeload.bom;

import dev.safeload.provenance.Sha256;
import dev.safeload.testing.FileBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Model files written byte by byte, their digests computed independently of safeload, and JSON
 * trees.
 */
final class Fixtures {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Fixtures() {}

  /** One F32 tensor of two elements, with {@code __metadata__} if given. */
  static byte[] oneTensor(String metadataJson) {
    String meta = metadataJson.isEmpty() ? "" : "\"__metadata__\":" + metadataJson + ",";
    return FileBuilders.safetensors(
        "{" + meta + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
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
