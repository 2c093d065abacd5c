package dev.safeload.junit.internal;

import dev.safeload.junit.ModelFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.support.AnnotationConsumer;
import org.junit.jupiter.params.support.ParameterDeclarations;

/** The arguments of {@link ModelFiles}: every non-directory entry at any depth that matches. */
public final class ModelFilesProvider implements ArgumentsProvider, AnnotationConsumer<ModelFiles> {
  private String directory = "";
  private String glob = "**";

  @Override
  public void accept(ModelFiles annotation) {
    directory = annotation.value();
    glob = annotation.glob();
  }

  @Override
  public Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters,
      ExtensionContext context) {
    return list(Path.of(directory), glob).stream().map(Arguments::of);
  }

  /** The files {@code @ModelFiles(dir, glob)} runs over, sorted; never empty. */
  public static List<Path> list(Path dir, String glob) {
    return Listing.entries("@ModelFiles", dir, glob, Integer.MAX_VALUE, false);
  }
}
