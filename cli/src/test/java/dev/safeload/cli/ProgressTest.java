package dev.safeload.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress line: what it measures, and that it draws and clears itself. */
class ProgressTest {
  @TempDir Path tmp;

  static boolean procAvailable() {
    return Files.isReadable(Path.of("/proc/self/smaps"));
  }

  @Test
  void residentBytesFollowTheMappingAsItIsRead() throws Exception {
    assumeTrue(procAvailable(), "no /proc/self/smaps on this system; the bar falls back to a spinner");
    Path f = tmp.resolve("weights.bin").toAbsolutePath();
    int size = 8 << 20;
    Files.write(f, new byte[size]);
    assertEquals(0, Progress.Bar.residentBytes(f.toString(), false), "nothing mapped yet");
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      long sum = 0;
      for (int i = 0; i < size; i += 4096) {
        sum += m.get(i);
      }
      long resident = Progress.Bar.residentBytes(f.toString(), false);
      assertTrue(resident >= size / 2 && resident <= size, "resident " + resident + " (sum " + sum + ")");
      // For a directory, mappings of files under it count; the file's own path is not a directory.
      assertEquals(resident, Progress.Bar.residentBytes(tmp.toAbsolutePath().toString(), true));
      assertEquals(0, Progress.Bar.residentBytes(f + "x", false));
    }
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
    assertTrue(s.contains(procAvailable() ? "of 1.0 MiB" : "s "), s);
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
