package dev.safeload.maven.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPathsTest {
  @TempDir Path base;

  @Test
  void literalAndGlobEntries() throws Exception {
    Models.write(base, "models/a/model.safetensors", Models.CLEAN);
    Models.write(base, "models/b/model.safetensors", Models.CLEAN);
    Models.write(base, "single.safetensors", Models.CLEAN);
    Path b = base.toAbsolutePath().normalize();
    assertEquals(
        List.of(b.resolve("models/a"), b.resolve("models/b")),
        ModelPaths.expand(base, List.of("models/*")));
    assertEquals(
        List.of(b.resolve("single.safetensors")),
        ModelPaths.expand(base, List.of("single.safetensors")));
    // A directory that matches is one model; the files under it are not models of their own.
    assertEquals(
        List.of(b.resolve("models/a"), b.resolve("models/b")),
        ModelPaths.expand(base, List.of("models/**")));
    assertEquals(
        List.of(b.resolve("models/a/model.safetensors"), b.resolve("models/b/model.safetensors")),
        ModelPaths.expand(base, List.of("models/*/*.safetensors")));
  }

  @Test
  void anEntryThatNamesNothingFailsClosed() throws Exception {
    Files.createDirectories(base.resolve("models"));
    assertThrows(
        IllegalArgumentException.class, () -> ModelPaths.expand(base, List.of("modles/*")));
    assertThrows(
        IllegalArgumentException.class, () -> ModelPaths.expand(base, List.of("models/*")));
    assertThrows(
        IllegalArgumentException.class,
        () -> ModelPaths.expand(base, List.of("missing.safetensors")));
  }

  @Test
  void entriesStayInsideTheProject() {
    assertThrows(
        IllegalArgumentException.class, () -> ModelPaths.expand(base, List.of("../outside")));
    assertThrows(IllegalArgumentException.class, () -> ModelPaths.expand(base, List.of("/etc")));
  }
}
