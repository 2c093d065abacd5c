package dev.safeload.junit.internal;

import dev.safeload.junit.Models;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.support.AnnotationConsumer;

/** The arguments of {@link Models}: every entry directly under the directory that matches. */
public final class ModelsProvider extends DirectoryArguments implements AnnotationConsumer<Models> {
  @Override
  public void accept(Models annotation) {
    configure(annotation.value(), annotation.glob());
  }

  @Override
  List<Path> list(Path dir, String glob) {
    return models(dir, glob);
  }

  /** The models {@code @Models(dir, glob)} runs over, sorted; never empty. */
  public static List<Path> models(Path dir, String glob) {
    return entries("@Models", dir, glob, 1, true);
  }
}
