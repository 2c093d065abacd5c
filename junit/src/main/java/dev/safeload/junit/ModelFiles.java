package dev.safeload.junit;

import dev.safeload.junit.internal.ModelFilesProvider;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * Runs a {@code @ParameterizedTest} once per model file under a directory, with the file's {@link
 * java.nio.file.Path} as the argument, so every model a repository ships is checked by the same
 * build as its code:
 *
 * <pre>{@code
 * @ParameterizedTest
 * @ModelFiles(value = "src/main/resources/models", glob = "**.{safetensors,onnx}")
 * void shippedModelsAreValid(Path model) {
 *   ModelAssertions.assertAccepted(model);
 * }
 * }</pre>
 *
 * <p>It fails closed: a directory that does not exist, or a glob that matches nothing, fails the
 * test instead of running it zero times (a renamed folder must not turn the gate off). Symbolic
 * links are listed, not followed, so that a planted link reaches the loader, which rejects it.
 * Files are listed in path order, so runs and reports are stable.
 *
 * <p>Files that only make sense together, such as a sharded safetensors model's index and its
 * shards, are checked as one model with {@link Models}.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ArgumentsSource(ModelFilesProvider.class)
public @interface ModelFiles {
  /**
   * The directory to list, relative to the working directory (under Maven: the module's directory).
   */
  String value();

  /**
   * Which files, as a {@link java.nio.file.FileSystem#getPathMatcher glob} over paths relative to
   * the directory, with {@code /} as separator. The default, {@code **}, takes every file at any
   * depth; {@code *.safetensors} takes the directory's own files only.
   */
  String glob() default "**";
}
