package dev.safeload.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress line: what it measures, and that it draws and clears itself. */
class ProgressTest {
  @TempDir Path tmp;

  @Test
  void theBarSumsWhatTheLoaderReportsPerFile() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("m"));
    Files.write(dir.resolve("a.bin"), new byte[3 << 20]);
    Files.write(dir.resolve("b.bin"), new byte[1 << 20]);
    StringWriter out = new StringWriter();
    Progress.Bar bar = new Progress.Bar(new PrintWriter(out), 0);
    bar.starting(dir.toString());
    bar.bytesRead("a.bin", 1 << 20, 3 << 20);
    bar.bytesRead("b.bin", 1 << 20, 1 << 20);
    bar.bytesRead("a.bin", 2 << 20, 3 << 20); // later reports replace earlier ones per file
    assertEquals(3 << 20, bar.bytesSoFar());
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!out.toString().contains("75% of 4.0 MiB") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    bar.done();
    assertTrue(out.toString().contains("[###############.....] 75% of 4.0 MiB"), out.toString());
  }

  @Test
  void pathsScannedSideBySideShareOneLine() throws Exception {
    Path a = Files.write(tmp.resolve("a.bin"), new byte[1 << 20]);
    Path b = Files.write(tmp.resolve("b.bin"), new byte[3 << 20]);
    StringWriter out = new StringWriter();
    Progress.Bar bar = new Progress.Bar(new PrintWriter(out), 0);
    bar.starting(java.util.List.of(a.toString(), b.toString()));
    bar.bytesRead("a.bin", 1 << 20, 1 << 20);
    bar.bytesRead("b.bin", 1 << 20, 3 << 20);
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!out.toString().contains("50% of 4.0 MiB") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    bar.done();
    assertTrue(
        out.toString().contains("safeload: 2 paths [##########..........] 50% of 4.0 MiB"),
        out.toString());
  }

  @Test
  void aScanThroughTheCommandFeedsTheBar() throws Exception {
    Path f = Files.write(tmp.resolve("w.bin"), new byte[5 << 20]);
    Progress.Bar bar = new Progress.Bar(new PrintWriter(new StringWriter()), 60_000);
    bar.starting(f.toString());
    new Main().loader(null, bar).scan(f);
    bar.done();
    assertEquals(5 << 20, bar.bytesSoFar());
  }

  @Test
  void drawsAndClearsTheLine() throws Exception {
    Path f = Files.write(tmp.resolve("m.bin"), new byte[1 << 20]);
    StringWriter out = new StringWriter();
    Progress.Bar bar = new Progress.Bar(new PrintWriter(out), 0);
    bar.starting(f.toString());
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!out.toString().contains("safeload: ") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    bar.done();
    String s = out.toString();
    assertTrue(s.startsWith("\rsafeload: " + f), s);
    assertTrue(s.contains("0% of 1.0 MiB"), s);
    assertTrue(s.endsWith("\r\033[K"), "the line is cleared before the report");
  }

  @Test
  void onlyTerminalDevicesCountAsTerminals() {
    assertTrue(Progress.isTerminalDevice("/dev/pts/3"));
    assertTrue(Progress.isTerminalDevice("/dev/tty1"));
    assertFalse(Progress.isTerminalDevice("/tmp/scan.log"));
    assertFalse(Progress.isTerminalDevice("pipe:[123456]"));
    assertFalse(Progress.isTerminalDevice("/dev/null"));
  }

  @Test
  void theBarFollowsStderrNotStdout() throws Exception {
    // script(1) (Debian's essential bsdutils) runs a probe JVM on a pseudo-terminal. With stdout
    // sent
    // to a file and stderr left on the terminal, as in `safeload pin DIR > pins.json`, the bar is
    // on;
    // with stderr sent to a file, as in `safeload scan DIR 2> log`, it is off. System.console(),
    // which
    // looks at stdin and stdout, gets both wrong.
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/script"))
            && Files.isDirectory(Path.of("/proc/self/fd")),
        "needs script(1) and /proc");
    assertEquals(
        "stderr terminal: true", probeOnTerminal("> '" + tmp.resolve("out.txt") + "'", "out.txt"));
    assertEquals(
        "stderr terminal: false",
        probeOnTerminal(
            "> '" + tmp.resolve("out2.txt") + "' 2> '" + tmp.resolve("err.txt") + "'", "out2.txt"));
  }

  private String probeOnTerminal(String redirections, String outFile) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cmd =
        "'"
            + java
            + "' -cp '"
            + System.getProperty("java.class.path")
            + "' "
            + "'"
            + StderrProbe.class.getName()
            + "' "
            + redirections;
    Process p =
        new ProcessBuilder("/usr/bin/script", "-qec", cmd, "/dev/null")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertEquals(0, p.waitFor());
    return Files.readString(tmp.resolve(outFile)).trim();
  }

  /** Prints what {@link Progress} decides about its own standard error. */
  static final class StderrProbe {
    public static void main(String[] args) {
      System.out.println("stderr terminal: " + Progress.stderrIsTerminal());
    }
  }

  @Test
  void nothingIsDrawnWithoutATerminal() {
    // Surefire's forked JVM writes stderr to a pipe, so the commands get the silent implementation.
    assumeTrue(!Progress.stderrIsTerminal(), "stderr is a terminal");
    StringWriter out = new StringWriter();
    Progress p = Progress.forTerminal(new PrintWriter(out));
    p.starting("x");
    p.done();
    assertEquals("", out.toString());
  }
}
