package dev.safeload.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where the models under a root are: the discovery rule, in one place.
 *
 * <ol>
 *   <li>A directory that directly holds a <em>model file</em> is one model, with everything beneath
 *       it (its subdirectories belong to it: a diffusers pipeline's {@code unet/}, a repository's
 *       {@code onnx/}). A model file is one whose name is in {@link #MARKER_NAMES} or ends with one
 *       of {@link #MARKER_EXTENSIONS}.
 *   <li>Any other directory is a folder of models: each subdirectory is judged by the same rule,
 *       and each file directly in it is a single-file model. So a file directly under the root is a
 *       single-file model, and nothing under the root is left out: a stray {@code README.md} beside
 *       the models is scanned (and reported) like any other single file.
 *   <li>Above model level, names starting with {@code .} or {@code _} are skipped, as Hadoop and
 *       Spark skip them ({@code _SUCCESS}, {@code .crc} files, {@code _temporary}); inside a model
 *       the engine judges every file.
 *   <li>The root itself is always a folder of models (so a model file directly under it is a
 *       single-file model); if the root is a file, it is the only model.
 * </ol>
 *
 * <p>The walk lists each directory above model level once (linear in their entries) and stops at
 * {@link #MAX_DEPTH} folder levels, which also ends a symbolic-link loop.
 */
final class ModelLayout {
  /** File names that make their directory a model. */
  static final Set<String> MARKER_NAMES =
      Set.of(
          "config.json",
          "model_index.json",
          "params.json",
          "tokenizer.json",
          "tokenizer_config.json",
          "tokenizer.model");

  /** Extensions (lower case) that make their directory a model. */
  static final Set<String> MARKER_EXTENSIONS =
      Set.of(
          "safetensors",
          "onnx",
          "gguf",
          "pt",
          "pth",
          "bin",
          "ckpt",
          "pkl",
          "pickle",
          "joblib",
          "npy",
          "npz",
          "h5",
          "keras",
          "tflite",
          "pb",
          "msgpack",
          "mlmodel",
          "tiktoken");

  /** Folder levels below the root that are searched for models. */
  static final int MAX_DEPTH = 32;

  private ModelLayout() {}

  /** Whether a file of this name makes its directory a model. */
  static boolean isModelFile(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (MARKER_NAMES.contains(lower)) {
      return true;
    }
    int dot = lower.lastIndexOf('.');
    return dot > 0 && MARKER_EXTENSIONS.contains(lower.substring(dot + 1));
  }

  static boolean isHidden(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }

  /**
   * The models under {@code root}, sorted by URI.
   *
   * @throws IOException if the root or a folder cannot be listed (the scan cannot say what it did
   *     not see, so it does not start)
   */
  static List<ModelRef> discover(FileSystem fs, Path root) throws IOException {
    Path qualified = fs.makeQualified(root);
    FileStatus status = fs.getFileStatus(qualified);
    List<ModelRef> models = new ArrayList<>();
    if (status.isFile()) {
      models.add(new ModelRef(qualified.toString(), qualified.getName(), false));
      return models;
    }
    walk(fs, qualified, "", 0, models);
    models.sort(Comparator.comparing(ModelRef::uri));
    return models;
  }

  private static void walk(FileSystem fs, Path dir, String relative, int depth, List<ModelRef> out)
      throws IOException {
    FileStatus[] children = fs.listStatus(dir);
    Arrays.sort(children, Comparator.comparing(s -> s.getPath().getName()));
    if (depth > 0) {
      for (FileStatus c : children) {
        if (c.isFile() && isModelFile(c.getPath().getName())) {
          out.add(new ModelRef(dir.toString(), relative, true));
          return;
        }
      }
    }
    if (depth >= MAX_DEPTH) {
      throw new IOException(dir + ": folders nested deeper than " + MAX_DEPTH + " levels");
    }
    for (FileStatus c : children) {
      String name = c.getPath().getName();
      if (isHidden(name)) {
        continue;
      }
      String rel = relative.isEmpty() ? name : relative + "/" + name;
      if (c.isDirectory()) {
        walk(fs, c.getPath(), rel, depth + 1, out);
      } else {
        out.add(new ModelRef(c.getPath().toString(), rel, false));
      }
    }
  }
}
