package dev.safeload.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.FileReport;
import dev.safeload.junit.internal.ModelFilesProvider;
import dev.safeload.junit.internal.ModelsProvider;
import dev.safeload.testing.FileBuilders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.platform.commons.PreconditionViolationException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * {@link ModelFiles} as a team uses it: a gate over committed model files, and gate classes run
 * through the JUnit launcher the way a build's test run would, to see that a bad file, an empty
 * directory or a missing one fails the build.
 */
class ModelFilesTest {
  /**
   * Where the launched gate classes look; laid out by {@link #layOut()} (Maven runs tests in the
   * module dir).
   */
  static final String ROOT = "target/model-files-test";

  /**
   * The real use: safetensors files written by the reference library (formats' fixtures), read in
   * place.
   */
  @ParameterizedTest
  @ModelFiles(value = "../formats/src/test/resources/safetensors/reference", glob = "*.safetensors")
  void referenceWriterOutputPassesTheGate(Path model) {
    FileReport f = ModelAssertions.assertAccepted(model).files().get(0);
    assertEquals("safetensors", f.format());
  }

  /** A sharded model as one argument: its index is checked against its shards, as it must be. */
  @ParameterizedTest
  @Models(value = "../formats/src/test/resources/safetensors", glob = "sharded")
  void aShardedModelDirectoryPassesTheGate(Path model) {
    assertEquals(
        4, ModelAssertions.assertAccepted(model).files().size()); // index, 2 shards, config.json
  }

  @Test
  void modelsAreTheDirectEntriesDirectoriesIncluded() throws Exception {
    Path root = Files.createTempDirectory("models");
    write(root.resolve("llama/model.safetensors"), new byte[1]);
    write(root.resolve("llama/config.json"), new byte[1]);
    write(root.resolve("encoder.onnx"), new byte[1]);
    write(root.resolve(".gitkeep"), new byte[0]);
    assertEquals(
        List.of(root.resolve(".gitkeep"), root.resolve("encoder.onnx"), root.resolve("llama")),
        ModelsProvider.models(root, "*"));
    assertEquals(
        List.of(root.resolve("encoder.onnx"), root.resolve("llama")),
        ModelsProvider.models(root, "[!.]*"));
    PreconditionViolationException none =
        assertThrows(
            PreconditionViolationException.class,
            () -> ModelsProvider.models(root.resolve("llama"), "*.gguf"));
    assertTrue(none.getMessage().startsWith("@Models: nothing under "), none.getMessage());
  }

  // Gate classes: not run by surefire directly (it leaves nested classes out), only through run().
  static class ShippedGate {
    @ParameterizedTest
    @ModelFiles(value = ROOT + "/shipped", glob = "**.safetensors")
    void accepted(Path model) {
      ModelAssertions.assertAccepted(model);
    }
  }

  static class EmptyGate {
    @ParameterizedTest
    @ModelFiles(value = ROOT + "/empty", glob = "**.safetensors") // holds only a notes.txt
    void accepted(Path model) {
      ModelAssertions.assertAccepted(model);
    }
  }

  static class MissingGate {
    @ParameterizedTest
    @ModelFiles(ROOT + "/renamed-away")
    void accepted(Path model) {
      ModelAssertions.assertAccepted(model);
    }
  }

  @BeforeAll
  static void layOut() throws Exception {
    Path root = Path.of(ROOT);
    write(
        root.resolve("shipped/a/model.safetensors"),
        FileBuilders.safetensors(ModelAssertionsTest.ONE_TENSOR, 8));
    write(
        root.resolve("shipped/b/model.safetensors"),
        FileBuilders.safetensors(ModelAssertionsTest.ONE_TENSOR, 12));
    write(root.resolve("shipped/README.md"), "not a model".getBytes());
    Files.createDirectories(root.resolve("empty/sub"));
    write(root.resolve("empty/sub/notes.txt"), new byte[0]);
  }

  private static void write(Path p, byte[] content) throws Exception {
    Files.createDirectories(p.getParent());
    Files.write(p, content);
  }

  /** One leaf test's display name and result. */
  record Ran(String name, TestExecutionResult result) {}

  /**
   * Runs {@code gate} through the launcher and returns its leaf tests, and the container's result
   * last.
   */
  private static List<Ran> run(Class<?> gate) {
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request()
            .selectors(DiscoverySelectors.selectClass(gate))
            .build();
    List<Ran> ran = new ArrayList<>();
    LauncherFactory.create()
        .execute(
            request,
            new TestExecutionListener() {
              @Override
              public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest() || id.getDisplayName().equals("accepted(Path)")) {
                  ran.add(new Ran(id.getDisplayName(), result));
                }
              }
            });
    return ran;
  }

  @Test
  void aGateRunsOncePerMatchingFileAndFailsOnTheBadOne() {
    List<Ran> ran = run(ShippedGate.class);
    assertEquals(3, ran.size(), ran::toString); // two files, then the parameterized container
    // Each case is named after the file, relative to the directory: no absolute path, no toString
    // noise.
    assertEquals("[1] a/model.safetensors", ran.get(0).name(), ran::toString);
    assertEquals("[2] b/model.safetensors", ran.get(1).name(), ran::toString);
    assertEquals(TestExecutionResult.Status.SUCCESSFUL, ran.get(0).result().getStatus());
    assertEquals(TestExecutionResult.Status.FAILED, ran.get(1).result().getStatus());
    Throwable why = ran.get(1).result().getThrowable().orElseThrow();
    assertTrue(why.getMessage().contains("SAFETENSORS_TRAILING_BYTES"), why.getMessage());
  }

  @Test
  void aGateOverNothingFailsInsteadOfPassing() {
    for (Class<?> gate : List.of(EmptyGate.class, MissingGate.class)) {
      List<Ran> ran = run(gate);
      assertEquals(1, ran.size(), ran::toString); // no file test ran; the container failed
      assertEquals(
          TestExecutionResult.Status.FAILED, ran.get(0).result().getStatus(), gate::getName);
      Throwable why = ran.get(0).result().getThrowable().orElseThrow();
      assertInstanceOf(PreconditionViolationException.class, why);
      assertTrue(why.getMessage().startsWith("@ModelFiles: "), why.getMessage());
    }
  }

  @Test
  void listsSortedRelativeGlobMatchesAndLinksUnfollowed() throws Exception {
    Path root = Files.createTempDirectory("model-files");
    write(root.resolve("b.safetensors"), new byte[1]);
    write(root.resolve("a.safetensors"), new byte[1]);
    write(root.resolve("deep/c.safetensors"), new byte[1]);
    write(root.resolve("elsewhere/x.safetensors"), new byte[1]);
    Files.createSymbolicLink(
        root.resolve("planted.safetensors"), root.resolve("elsewhere/x.safetensors"));
    Files.createSymbolicLink(root.resolve("linked-dir"), root.resolve("elsewhere"));

    assertEquals(
        List.of(
            root.resolve("a.safetensors"),
            root.resolve("b.safetensors"),
            root.resolve("planted.safetensors")),
        ModelFilesProvider.files(root, "*.safetensors"));
    // "**" reaches every depth; the link to a directory is one entry, its contents are not listed
    // twice.
    assertEquals(
        List.of(
            root.resolve("a.safetensors"),
            root.resolve("b.safetensors"),
            root.resolve("deep/c.safetensors"),
            root.resolve("elsewhere/x.safetensors"),
            root.resolve("linked-dir"),
            root.resolve("planted.safetensors")),
        ModelFilesProvider.files(root, "**"));
    PreconditionViolationException none =
        assertThrows(
            PreconditionViolationException.class, () -> ModelFilesProvider.files(root, "*.onnx"));
    assertTrue(
        none.getMessage().endsWith("matches *.onnx; a gate that checks nothing would always pass"),
        none.getMessage());
  }
}
