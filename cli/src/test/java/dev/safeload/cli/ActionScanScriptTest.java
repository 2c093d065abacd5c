package dev.safeload.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitHub Action's script (scripts/action-scan.sh, run by action.yml) outside GitHub: fake
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and a stand-in CLI that records its arguments, writes a
 * SARIF report and exits with a chosen status, so that each branch of the script (verdicts, fail-on,
 * errors, archives) is checked. The real CLI's SARIF is the CLI's own tests' business.
 */
class ActionScanScriptTest {
  private static final Path SCRIPT = Path.of("..", "scripts", "action-scan.sh").toAbsolutePath().normalize();

  @TempDir Path dir;
  private Path output;
  private Path summary;

  @BeforeEach
  void setUp() throws IOException {
    output = Files.createFile(dir.resolve("github_output"));
    summary = Files.createFile(dir.resolve("step_summary"));
    Files.createDirectories(dir.resolve("runner-temp"));
  }

  /** A CLI stand-in: records "$@", writes a SARIF with {@code results} results to --output, exits {@code rc}. */
  private Path fakeCli(Path where, int results, int rc) throws IOException {
    StringBuilder sarif = new StringBuilder("{\"version\":\"2.1.0\",\"runs\":[{\"results\":[");
    for (int i = 0; i < results; i++) {
      sarif.append(i == 0 ? "" : ",").append("{\"ruleId\":\"SAFETENSORS_DUPLICATE_KEY\"}");
    }
    sarif.append("]}]}");
    String script = "#!/usr/bin/env bash\n"
        + "printf '%s\\n' \"$@\" > '" + dir.resolve("args") + "'\n"
        + "while [[ $# -gt 0 ]]; do if [[ $1 == --output ]]; then out=$2; fi; shift; done\n"
        + "printf '%s' '" + sarif + "' > \"$out\"\n"
        + "exit " + rc + "\n";
    Files.createDirectories(where.getParent());
    Files.writeString(where, script, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(where, PosixFilePermissions.fromString("rwxr-xr-x"));
    return where;
  }

  private record Run(int exit, Map<String, String> outputs, String summary, String stderr) {}

  private Run run(Map<String, String> inputs) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString()).directory(dir.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("INPUT_") || k.startsWith("GITHUB_"));
    env.put("GITHUB_OUTPUT", output.toString());
    env.put("GITHUB_STEP_SUMMARY", summary.toString());
    env.put("RUNNER_TEMP", dir.resolve("runner-temp").toString());
    env.putAll(inputs);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Path err = dir.resolve("stderr");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "script did not finish");
    Map<String, String> outputs = new HashMap<>();
    for (String line : Files.readAllLines(output)) {
      int eq = line.indexOf('=');
      outputs.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return new Run(p.exitValue(), outputs, Files.readString(summary), Files.readString(err));
  }

  private List<String> cliArgs() throws IOException {
    return Files.readAllLines(dir.resolve("args"));
  }

  @Test
  void rejectedModelSetsFailAndStillLeavesTheReportForUpload() throws Exception {
    Path cli = fakeCli(dir.resolve("bin/safeload"), 2, 1);
    Run r = run(Map.of("INPUT_PATH", "models/llama", "INPUT_CLI", cli.toString()));
    assertEquals(0, r.exit(), r.stderr());
    assertEquals("rejected", r.outputs().get("verdict"));
    assertEquals("2", r.outputs().get("findings"));
    assertEquals("true", r.outputs().get("fail"));
    Path report = dir.resolve("runner-temp/safeload-report.sarif");
    assertEquals(report.toString(), r.outputs().get("report"));
    assertTrue(Files.isRegularFile(report));
    assertEquals(List.of("scan", "--format", "sarif", "--output", report.toString(), "models/llama"), cliArgs());
    assertTrue(r.summary().contains("`models/llama` rejected"), r.summary());
  }

  @Test
  void failOnNeverOnlyReports() throws Exception {
    Path cli = fakeCli(dir.resolve("bin/safeload"), 1, 1);
    Run r = run(Map.of("INPUT_PATH", "m", "INPUT_CLI", cli.toString(), "INPUT_FAIL_ON", "never"));
    assertEquals(0, r.exit(), r.stderr());
    assertEquals("rejected", r.outputs().get("verdict"));
    assertEquals("false", r.outputs().get("fail"));
  }

  @Test
  void acceptedModelPassesAndExtraArgumentsReachTheCli() throws Exception {
    Path cli = fakeCli(dir.resolve("bin/safeload"), 0, 0);
    Run r = run(Map.of("INPUT_PATH", "m", "INPUT_CLI", cli.toString(), "INPUT_ARGS", "--ignore *.md"));
    assertEquals(0, r.exit(), r.stderr());
    assertEquals("accepted", r.outputs().get("verdict"));
    assertEquals("0", r.outputs().get("findings"));
    assertEquals("false", r.outputs().get("fail"));
    assertEquals(List.of("scan", "--format", "sarif", "--output",
        dir.resolve("runner-temp/safeload-report.sarif").toString(), "--ignore", "*.md", "m"), cliArgs());
  }

  @Test
  void cliErrorFailsTheStep() throws Exception {
    Path cli = fakeCli(dir.resolve("bin/safeload"), 0, 2);
    Run r = run(Map.of("INPUT_PATH", "m", "INPUT_CLI", cli.toString()));
    assertEquals(2, r.exit());
    assertEquals("error", r.outputs().get("verdict"));
  }

  @Test
  void badInputsAreUsageErrors() throws Exception {
    Path cli = fakeCli(dir.resolve("bin/safeload"), 0, 0);
    assertEquals(2, run(Map.of("INPUT_PATH", "m", "INPUT_CLI", cli.toString(), "INPUT_FORMAT", "xml")).exit());
    assertEquals(2, run(Map.of("INPUT_PATH", "m", "INPUT_CLI", cli.toString(), "INPUT_FAIL_ON", "warn")).exit());
    assertTrue(Files.notExists(dir.resolve("args")), "the CLI must not run on bad inputs");
  }

  @Test
  void aDistributionArchiveIsUnpackedAndItsLauncherRun() throws Exception {
    Path staging = dir.resolve("staging");
    fakeCli(staging.resolve("safeload-1.0/bin/safeload"), 1, 1);
    Path archive = dir.resolve("safeload-1.0.tar.gz");
    Process tar = new ProcessBuilder("tar", "-czf", archive.toString(), "-C", staging.toString(), "safeload-1.0")
        .inheritIO().start();
    assertEquals(0, tar.waitFor());
    Run r = run(Map.of("INPUT_PATH", "m", "INPUT_CLI", archive.toString()));
    assertEquals(0, r.exit(), r.stderr());
    assertEquals("rejected", r.outputs().get("verdict"));
    assertEquals("1", r.outputs().get("findings"));
  }
}
