package dev.safeload.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
  void nothingIsDrawnWithoutATerminal() {
    // Surefire runs without a console, so the commands get the silent implementation.
    assumeTrue(System.console() == null, "running on a terminal");
    StringWriter out = new StringWriter();
    Progress p = Progress.forTerminal(new PrintWriter(out));
    p.starting("x");
    p.done();
    assertEquals("", out.toString());
  }
}
