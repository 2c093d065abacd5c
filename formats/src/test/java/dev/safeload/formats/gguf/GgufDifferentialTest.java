package dev.safeload.formats.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.formats.internal.gguf.GgmlType;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.TensorInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Differential check: the fixtures parse to the same metadata and tensors in safeload as in an
 * independent reader, Hugging Face's {@code @huggingface/gguf} (npm, run with node), so our reading
 * is not just self-consistent. Skipped with a message if node/npm are missing (fails instead with
 * CI=true).
 */
// Slow: runs the reference reader under node per fixture (the root pom: -Pquick skips the "slow"
// tag).
@Tag("slow")
class GgufDifferentialTest {
  static final String PACKAGE = "@huggingface/gguf@0.4.6";
  static Path work;

  @BeforeAll
  static void installReader() throws Exception {
    boolean ci = "true".equals(System.getenv("CI"));
    boolean tools =
        run(List.of("node", "--version"), Paths.get("."), 30) == 0
            && run(List.of("npm", "--version"), Paths.get("."), 30) == 0;
    if (!tools) {
      Assumptions.assumeTrue(
          ci, "node/npm not found: skipping the differential check against " + PACKAGE);
      throw new AssertionError("node/npm are required when CI=true");
    }
    work = Paths.get("target", "gguf-differential").toAbsolutePath();
    Files.createDirectories(work);
    Files.copy(
        Paths.get("src", "test", "node", "gguf-dump.mjs"),
        work.resolve("gguf-dump.mjs"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    if (!Files.isDirectory(work.resolve("node_modules/@huggingface/gguf"))) {
      int rc =
          run(
              List.of(
                  "npm",
                  "install",
                  "--no-save",
                  "--no-audit",
                  "--no-fund",
                  "--prefix",
                  work.toString(),
                  PACKAGE),
              work,
              300);
      if (rc != 0) {
        Assumptions.assumeTrue(
            ci, "npm could not install " + PACKAGE + ": skipping the differential check");
        throw new AssertionError("npm install " + PACKAGE + " failed with CI=true");
      }
    }
  }

  private static int run(List<String> cmd, Path dir, int seconds)
      throws IOException, InterruptedException {
    try {
      Process p =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      return -1; // the program does not exist
    }
  }

  private static List<String> theirs(Path file) throws Exception {
    Process p =
        new ProcessBuilder("node", "gguf-dump.mjs", file.toString())
            .directory(work.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "gguf-dump.mjs failed");
    List<String> lines =
        new ArrayList<>(List.of(new String(out, StandardCharsets.UTF_8).split("\n")));
    lines.remove(0); // "file <path>"
    return lines;
  }

  @ParameterizedTest
  @ValueSource(strings = {"all_types.gguf", "align64.gguf", "align256.gguf", "command_r.gguf"})
  void sameMetadataAndTensorsAsHuggingFaceReader(String name) throws Exception {
    Path file = Paths.get(GgufDifferentialTest.class.getResource("/gguf/" + name).toURI());
    ModelDescription ours = GgufTesting.describe(Files.readAllBytes(file));
    Map<String, String[]> kvs = new LinkedHashMap<>();
    List<String> tensors = new ArrayList<>();
    for (String line : theirs(file)) {
      String[] f = line.split("\t", -1);
      switch (f[0]) {
        case "version" -> assertEquals(f[1], ours.metadata().get("gguf:version"));
        case "tensor_count" -> assertEquals(Integer.parseInt(f[1]), ours.tensors().size());
        case "kv_count" -> {}
        case "kv" -> kvs.put(f[1], new String[] {f[2], f[3]});
        case "tensor" -> tensors.add(String.join("\t", f[1], f[2], f[3], f[4]));
        default -> throw new AssertionError("unexpected line " + line);
      }
    }
    Map<String, String> ourKvs = new LinkedHashMap<>(ours.metadata());
    ourKvs.keySet().removeIf(k -> k.startsWith("gguf:") || k.startsWith("sha256("));
    assertEquals(
        List.copyOf(kvs.keySet()), List.copyOf(ourKvs.keySet()), "same keys in the same order");
    for (Map.Entry<String, String[]> e : kvs.entrySet()) {
      String type = e.getValue()[0];
      String theirValue = e.getValue()[1];
      String ourValue = ourKvs.get(e.getKey());
      switch (type) {
        case "STRING" ->
            assertEquals(
                theirValue,
                HexFormat.of().formatHex(ourValue.getBytes(StandardCharsets.UTF_8)),
                e.getKey());
        // ours prints the shortest float32 text, theirs the value widened to double: compare as
        // float32
        case "FLOAT32" ->
            assertEquals(
                (float) Double.parseDouble(theirValue), Float.parseFloat(ourValue), e.getKey());
        case "FLOAT64" ->
            assertEquals(Double.parseDouble(theirValue), Double.parseDouble(ourValue), e.getKey());
        default -> assertEquals(theirValue, ourValue, e.getKey());
      }
    }
    List<String> ourTensors = new ArrayList<>();
    for (TensorInfo t : ours.tensors()) {
      List<String> ne = new ArrayList<>();
      for (int i = t.shape().size() - 1; i >= 0; i--) {
        ne.add(Long.toString(t.shape().get(i)));
      }
      ourTensors.add(
          String.join(
              "\t",
              t.name(),
              Integer.toString(GgmlType.valueOf(t.dtype()).id()),
              String.join(",", ne),
              Long.toString(t.offset())));
    }
    assertEquals(tensors, ourTensors);
  }
}
