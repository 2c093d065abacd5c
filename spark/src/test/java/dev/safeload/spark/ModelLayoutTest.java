package dev.safeload.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The discovery rule, over Hadoop's local file system (no Spark needed). */
class ModelLayoutTest {
  @TempDir Path root;

  static void touch(Path p) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, "x");
  }

  List<String> discover() throws IOException {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    return ModelLayout.discover(fs, new org.apache.hadoop.fs.Path(root.toUri())).stream()
        .map(m -> m.relative() + (m.directory() ? "/" : ""))
        .toList();
  }

  @Test
  void directoriesWithModelFilesAreModelsAndOtherFilesAreSingleFileModels() throws IOException {
    touch(root.resolve("org/bert/config.json"));
    touch(root.resolve("org/bert/onnx/model.onnx")); // beneath a model: part of it
    touch(root.resolve("org/docs/README.md")); // a folder's file: a single-file model
    touch(root.resolve("team/x/y/model.gguf"));
    touch(root.resolve("diffusion/model_index.json"));
    touch(root.resolve("diffusion/unet/diffusion_pytorch_model.safetensors"));
    touch(root.resolve("weights.safetensors")); // directly under the root
    touch(root.resolve("README.md"));
    touch(root.resolve("_SUCCESS")); // Hadoop's markers and hidden names are skipped
    touch(root.resolve(".cache/model.onnx"));
    assertEquals(
        List.of(
            "README.md",
            "diffusion/",
            "org/bert/",
            "org/docs/README.md",
            "team/x/y/",
            "weights.safetensors"),
        discover());
  }

  @Test
  void theRootIsAlwaysAFolderOfModels() throws IOException {
    touch(root.resolve("config.json"));
    touch(root.resolve("model.safetensors"));
    assertEquals(List.of("config.json", "model.safetensors"), discover());
  }

  @Test
  void aFileRootIsTheOnlyModel() throws IOException {
    touch(root.resolve("m.onnx"));
    FileSystem fs = FileSystem.getLocal(new Configuration());
    List<ModelRef> models =
        ModelLayout.discover(fs, new org.apache.hadoop.fs.Path(root.resolve("m.onnx").toUri()));
    assertEquals(1, models.size());
    assertEquals("m.onnx", models.get(0).relative());
    assertFalse(models.get(0).directory());
  }

  @Test
  void folderNestingIsBounded() throws IOException {
    Path deep = root;
    for (int i = 0; i <= ModelLayout.MAX_DEPTH; i++) {
      deep = deep.resolve("d");
    }
    touch(deep.resolve("model.onnx"));
    IOException e = assertThrows(IOException.class, this::discover);
    assertTrue(e.getMessage().contains("nested deeper than"), e.getMessage());
  }

  @Test
  void modelFilesAreRecognisedByNameAndExtension() {
    assertTrue(ModelLayout.isModelFile("Model.SafeTensors"));
    assertTrue(ModelLayout.isModelFile("tokenizer.model"));
    assertTrue(ModelLayout.isModelFile("config.json"));
    assertFalse(ModelLayout.isModelFile("notes.json"));
    assertFalse(ModelLayout.isModelFile(".onnx"));
  }
}
