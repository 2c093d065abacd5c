package dev.safeload.spark;

import dev.safeload.testing.FileBuilders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small model registry on the local disk, written with the project's test builders. */
final class TestRegistry {
  static final String TENSOR = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
  static final String TENSOR16 =
      "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
  static final String DUPLICATE_KEY =
      "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
          + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
  static final Path ONNX = Path.of("../formats/src/test/resources/onnx/matmul_add.onnx");

  private TestRegistry() {}

  /**
   * Writes the registry:
   *
   * <pre>
   * org-a/bert/        model.safetensors, config.json        accepted
   * org-a/onnx-mini/   model.onnx                            accepted
   * org-b/dupkey/      model.safetensors (duplicate key)     rejected
   * org-b/crashy/      model.safetensors                     (tests make its scan throw)
   * single.safetensors                                       a single-file model, accepted
   * </pre>
   */
  static Path write(Path root) throws IOException {
    Path bert = Files.createDirectories(root.resolve("org-a/bert"));
    Files.write(bert.resolve("model.safetensors"), FileBuilders.safetensors(TENSOR, 8));
    Files.writeString(
        bert.resolve("config.json"), "{\"model_type\": \"bert\"}", StandardCharsets.UTF_8);
    Path onnx = Files.createDirectories(root.resolve("org-a/onnx-mini"));
    Files.copy(ONNX, onnx.resolve("model.onnx"));
    Path dup = Files.createDirectories(root.resolve("org-b/dupkey"));
    Files.write(dup.resolve("model.safetensors"), FileBuilders.safetensors(DUPLICATE_KEY, 8));
    Path crashy = Files.createDirectories(root.resolve("org-b/crashy"));
    Files.write(crashy.resolve("model.safetensors"), FileBuilders.safetensors(TENSOR, 8));
    Files.write(root.resolve("single.safetensors"), FileBuilders.safetensors(TENSOR16, 16));
    return root;
  }
}
