package dev.safeload.junit;

import dev.safeload.junit.internal.ModelsProvider;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * Runs a {@code @ParameterizedTest} once per model in a directory of models: every entry directly
 * under it, a model directory (a Hugging Face style snapshot, a sharded checkpoint) or a single
 * model file, with its {@link java.nio.file.Path} as the argument.
 *
 * <pre>{@code
 * @ParameterizedTest
 * @Models("src/main/resources/models")
 * void shippedModelsAreValid(Path model) {
 *   ModelAssertions.assertAccepted(model);   // a directory is scanned as one model
 * }
 * }</pre>
 *
 * <p>Use it rather than {@link ModelFiles} when files only make sense together: the index of a
 * sharded safetensors model is checked against its shards, which a scan of the index file alone
 * reports as missing. It fails closed like {@code ModelFiles}: a missing directory or no matching
 * entry fails the test, and a symbolic link is passed on (not followed) for the loader to reject.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ArgumentsSource(ModelsProvider.class)
public @interface Models {
  /**
   * The directory of models, relative to the working directory (under Maven: the module's
   * directory).
   */
  String value();

  /**
   * Which entries, as a {@link java.nio.file.FileSystem#getPathMatcher glob} over their names. The
   * default, {@code *}, takes every entry, hidden ones too (a stray {@code .gitkeep} fails the gate
   * rather than being skipped); {@code [!.]*} leaves hidden entries out.
   */
  String glob() default "*";
}
