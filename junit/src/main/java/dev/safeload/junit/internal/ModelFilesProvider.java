package dev.safeload.junit.internal;

import dev.safeload.junit.ModelFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.support.AnnotationConsumer;

/** The arguments of {@link ModelFiles}: every non-directory entry at any depth that matches. */
public final class ModelFilesProvider extends DirectoryArguments
    implements AnnotationConsumer<ModelFiles> {
  @Override
  public void accept(ModelFiles annotation) {
    configure(annotation.value(), annotation.glob());
  }

  @Override
  List<Path> list(Path dir, String glob) {
    return files(dir, glob);
  }

  /** The files {@code @ModelFiles(dir, glob)} runs over, sorted; never empty. */
  public static List<Path> files(Path dir, String glob) {
    return entries("@ModelFiles", dir, glob, Integer.MAX_VALUE, false);
  }
}
