package dev.safeload.junit.internal;

import dev.safeload.junit.Models;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.support.AnnotationConsumer;
import org.junit.jupiter.params.support.ParameterDeclarations;

/** The arguments of {@link Models}: every entry directly under the directory that matches. */
public final class ModelsProvider implements ArgumentsProvider, AnnotationConsumer<Models> {
  private String directory = "";
  private String glob = "*";

  @Override
  public void accept(Models annotation) {
    directory = annotation.value();
    glob = annotation.glob();
  }

  @Override
  public Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters,
      ExtensionContext context) {
    return list(Path.of(directory), glob).stream().map(Arguments::of);
  }

  /** The models {@code @Models(dir, glob)} runs over, sorted; never empty. */
  public static List<Path> list(Path dir, String glob) {
    return Listing.entries("@Models", dir, glob, 1, true);
  }
}
