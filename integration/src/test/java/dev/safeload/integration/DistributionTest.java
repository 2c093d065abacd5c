package dev.safeload.integration;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI distribution as a user gets it: {@code cli/target/safeload-VERSION-bin.tar.gz} (built in
 * the package phase, so this runs under {@code mvn verify}; under {@code mvn test} it is skipped,
 * except on CI) is unpacked with {@code tar}, its launcher is reached through a chain of relative
 * symbolic links from a directory on the PATH, and it runs from an unrelated working directory with
 * a PATH that holds no {@code java} at all (only bash and the two tools the launcher uses) and no
 * JAVA_HOME.
 */
@Tag("slow")
class DistributionTest {
  @TempDir static Path tmp;
  static Path home;
  static List<String> path;

  @BeforeAll
  static void unpack() throws Exception {
    String version = System.getProperty("safeload.expectedVersion");
    Path archive =
        Path.of("../cli/target/safeload-" + version + "-bin.tar.gz").toAbsolutePath().normalize();
    if (!Files.isRegularFile(archive)) {
      if ("true".equals(System.getenv("CI"))) {
        fail("the CLI distribution was not built: " + archive);
      }
      Assumptions.assumeTrue(false, archive + " not built (run mvn verify or package); skipping");
    }
    Path unpacked = Files.createDirectory(tmp.resolve("opt"));
    assertEquals(
        0,
        exec(List.of("tar", "xzf", archive.toString(), "-C", unpacked.toString()), tmp, null).exit);
    home = unpacked.resolve("safeload-" + version);

    // A PATH with the launcher (linked, link to a link) and only the tools it needs: no java.
    Path tools = Files.createDirectory(tmp.resolve("tools"));
    // bash and the two tools the launcher uses; tar, gzip and mkdir for the action's script.
    for (String t : List.of("bash", "readlink", "dirname", "tar", "gzip", "mkdir")) {
      Path real =
          List.of(Path.of("/usr/bin", t), Path.of("/bin", t)).stream()
              .filter(Files::isExecutable)
              .findFirst()
              .orElseThrow(() -> new AssertionError("no " + t + " on this machine"));
      // Copied, not linked: the temp directory then holds no link leading out of it.
      Files.copy(
          real.toRealPath(), tools.resolve(t), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
    }
    Path onPath = Files.createDirectory(tmp.resolve("onpath"));
    Files.createSymbolicLink(
        onPath.resolve("safeload-real"), onPath.relativize(home.resolve("bin/safeload")));
    Files.createSymbolicLink(onPath.resolve("safeload"), Path.of("safeload-real"));
    path = List.of(onPath.toString(), tools.toString());
    archivePath = archive;
  }

  static Path archivePath;

  /** scripts/action-scan.sh, as action.yml runs it: unpack, scan to SARIF, report the exit code. */
  @Test
  void theActionScriptScansToSarifWithoutJava() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("action/models"));
    Files.write(
        work.resolve("dup.safetensors"),
        safetensors(
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"));
    Path outputs = tmp.resolve("action/github-output");
    Path script = Path.of("../scripts/action-scan.sh").toAbsolutePath().normalize();
    ProcessBuilder pb =
        new ProcessBuilder(resolve("bash", path), script.toString())
            .directory(work.getParent().toFile());
    pb.environment().clear();
    pb.environment().put("PATH", String.join(":", path));
    pb.environment().put("INPUT_ARCHIVE", archivePath.toString());
    pb.environment().put("INPUT_PATHS", "models\n");
    pb.environment().put("INPUT_SARIF", "out/../safeload.sarif");
    pb.environment().put("RUNNER_TEMP", Files.createDirectories(tmp.resolve("runner")).toString());
    pb.environment().put("GITHUB_OUTPUT", outputs.toString());
    Files.createDirectories(work.getParent().resolve("out"));
    Path log = tmp.resolve("action/log.txt");
    Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES));
    String out = Files.readString(log);
    assertEquals(1, p.exitValue(), out);
    assertEquals("exit-code=1\nsarif=out/../safeload.sarif\n", Files.readString(outputs));
    String sarif = Files.readString(work.getParent().resolve("safeload.sarif"));
    assertTrue(sarif.contains("\"ruleId\":\"SAFETENSORS_DUPLICATE_KEY\""), sarif);
  }

  @Test
  void thereIsNoJavaOnThePath() throws Exception {
    Result r = run("bash", "-c", "command -v java");
    assertNotEquals(0, r.exit, r.out);
  }

  @Test
  void versionThroughTheSymlinks() throws Exception {
    Result r = run("safeload", "--version");
    assertEquals(0, r.exit, r.err);
    assertEquals("safeload " + System.getProperty("safeload.expectedVersion"), r.out.strip());
  }

  @Test
  void scanFindsADuplicateKeyAndWritesSarif() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work/models"));
    Files.write(
        work.resolve("good.safetensors"),
        safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"));
    Files.write(
        work.resolve("dup.safetensors"),
        safetensors(
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"));
    Result r =
        exec(
            cmd("safeload", "scan", "--format", "sarif", "-o", "out.sarif", "models"),
            work.getParent(),
            path);
    assertEquals(1, r.exit, r.out + r.err);
    assertTrue(
        r.out.contains("models/dup.safetensors") && r.out.contains("SAFETENSORS_DUPLICATE_KEY"),
        r.out);
    assertTrue(r.out.contains("models/good.safetensors") && r.out.contains("accepted"), r.out);
    String sarif = Files.readString(work.getParent().resolve("out.sarif"));
    assertTrue(
        sarif.contains("\"ruleId\":\"SAFETENSORS_DUPLICATE_KEY\"")
            && sarif.contains("\"uri\":\"models/dup.safetensors\""),
        sarif);
  }

  @Test
  void demoRunsOnTheBundledRuntime() throws Exception {
    Result r = run("safeload", "demo");
    assertEquals(0, r.exit, r.out + r.err);
    assertTrue(r.out.contains("Every verdict matches"), r.out);
  }

  static byte[] safetensors(String header) {
    byte[] h = header.getBytes(UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
    out.writeBytes(h);
    out.writeBytes(new byte[8]);
    return out.toByteArray();
  }

  record Result(int exit, String out, String err) {}

  private static Result run(String... command) throws Exception {
    return exec(cmd(command), Files.createDirectories(tmp.resolve("elsewhere")), path);
  }

  private static List<String> cmd(String... command) {
    return new ArrayList<>(List.of(command));
  }

  /**
   * Runs {@code command} in {@code dir}; with {@code searchPath}, in an environment holding only
   * that PATH.
   */
  private static Result exec(List<String> command, Path dir, List<String> searchPath)
      throws Exception {
    List<String> c = new ArrayList<>(command);
    ProcessBuilder pb = new ProcessBuilder().directory(dir.toFile());
    if (searchPath != null) {
      pb.environment().clear();
      pb.environment().put("PATH", String.join(":", searchPath));
      pb.environment().put("HOME", tmp.toString());
      // The executable itself is looked up on the PATH given, not on this JVM's.
      c.set(0, resolve(c.get(0), searchPath));
    }
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = pb.command(c).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("timed out: " + c);
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static String resolve(String name, List<String> searchPath) throws IOException {
    for (String d : searchPath) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IOException(name + " is not on " + searchPath);
  }
}
