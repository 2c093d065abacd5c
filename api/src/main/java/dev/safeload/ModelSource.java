package dev.safeload;

import dev.safeload.internal.ModelOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a model's files come from: a local path, class-path resources under a prefix (in a jar or a
 * directory), or named streams the caller supplies (an object-store SDK, an HTTP client).
 *
 * <p>Every source is read the same way: each file once, hashed, copied and validated in one pass,
 * under the same name rules, pins, signatures and licence checks. Only a local path can be served
 * as {@link Delivery#MAPPED_TRUSTED}; the other sources are always copied.
 *
 * <pre>{@code
 * ModelSource jar = ModelSource.classpath(getClass().getClassLoader(), "models/bert/");
 * ModelSource s3 = ModelSource.streams("s3://models/bert")
 *     .add("model.onnx", size, () -> s3Client.getObject(request))
 *     .build();
 * try (VerifiedModel model = loader.load(jar)) { ... }
 * }</pre>
 *
 * <p>Immutable; a stream source keeps the caller's openers and calls each at most once per load.
 */
public final class ModelSource {
  private final ModelOrigin origin;

  private ModelSource(ModelOrigin origin) {
    this.origin = origin;
  }

  /**
   * A model directory or a single model file on a local file system: what {@link
   * SafeModelLoader#load(Path)} reads.
   */
  public static ModelSource directory(Path path) {
    return new ModelSource(new ModelOrigin.Local(Objects.requireNonNull(path, "path")));
  }

  /**
   * The class-path resources whose names start with {@code prefix}, as {@code loader} finds them in
   * a jar or a directory on the class path. Each file is named by the part of its resource name
   * after the prefix's last {@code /}: with {@code "models/bert/"} the resource {@code
   * models/bert/onnx/model.onnx} is {@code onnx/model.onnx}; with {@code "all-minilm-l6-v2-q"}
   * (files at a jar's root) the resource {@code all-minilm-l6-v2-q.onnx} keeps its name. The
   * matching resources must all be in one class-path entry.
   *
   * @throws IllegalArgumentException if {@code prefix} is empty (that would be every jar)
   */
  public static ModelSource classpath(ClassLoader loader, String prefix) {
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(prefix, "prefix");
    return new ModelSource(
        new ModelOrigin.ClassPath(loader, ModelOrigin.ClassPath.normalise(prefix)));
  }

  /**
   * A model the caller supplies as named streams. {@code location} is what reports and BOMs show as
   * where it was loaded from ({@code s3://bucket/models/bert}).
   */
  public static Builder streams(String location) {
    return new Builder(Objects.requireNonNull(location, "location"));
  }

  /** What reports and BOMs show as where the model was loaded from. */
  public String location() {
    return origin.location();
  }

  /** The source as the engine reads it. */
  ModelOrigin origin() {
    return origin;
  }

  @Override
  public String toString() {
    return "ModelSource{" + origin.location() + "}";
  }

  /** Collects the named streams of a {@link #streams} source. */
  public static final class Builder {
    private final String location;
    private final List<ModelOrigin.Named> files = new ArrayList<>();

    private Builder(String location) {
      this.location = location;
    }

    /**
     * Adds a file.
     *
     * @param name the file's path in the model, {@code /}-separated ({@code "onnx/model.onnx"});
     *     checked by the same name rules as a local file's when the model is read
     * @param size the exact number of bytes the stream yields; a stream that yields more or fewer
     *     is refused ({@link Reason#SOURCE_CHANGED})
     * @param opener opens the stream; called at most once per load, and the stream is closed
     */
    public Builder add(String name, long size, StreamOpener opener) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(opener, "opener");
      if (size < 0) {
        throw new IllegalArgumentException("negative size " + size + " for " + name);
      }
      files.add(new ModelOrigin.Named(name, size, opener));
      return this;
    }

    /** The source; names are judged when it is read, so a name listed twice is refused then. */
    public ModelSource build() {
      return new ModelSource(new ModelOrigin.Streams(location, List.copyOf(files)));
    }
  }

  /** Opens one file's bytes, from the start, each time it is called. */
  @FunctionalInterface
  public interface StreamOpener {
    /** A new stream over the file's bytes; the caller closes it. */
    InputStream open() throws IOException;
  }
}
