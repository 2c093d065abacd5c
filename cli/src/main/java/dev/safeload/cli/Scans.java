package dev.safeload.cli;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Scans command-line paths, turning unreadable paths into messages and exit code 2. */
final class Scans {
  final List<Scanned> scanned = new ArrayList<>();
  boolean ioError;

  private Scans() {}

  /**
   * Scans with a loader built for progress on the terminal ({@code err}), as every scanning command
   * does; {@code loader} gets the progress display to report to.
   */
  static Scans run(
      Function<Progress, SafeModelLoader> loader, List<String> arguments, PrintWriter err) {
    Progress progress = Progress.forTerminal(err);
    return run(loader.apply(progress), arguments, err, progress);
  }

  private static Scans run(
      SafeModelLoader loader, List<String> arguments, PrintWriter err, Progress progress) {
    Scans s = new Scans();
    for (String arg : arguments) {
      try {
        Path p = Path.of(arg);
        boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        progress.starting(arg);
        s.scanned.add(new Scanned(arg, dir, loader.scan(p)));
      } catch (NoSuchFileException e) {
        s.fail(err, arg, "no such file or directory");
      } catch (IOException | InvalidPathException e) {
        s.fail(err, arg, String.valueOf(e));
      } finally {
        progress.done();
      }
    }
    return s;
  }

  /**
   * Records an argument that could not be read: a message on stderr, exit code 2, and a rejected
   * entry with {@code IO_ERROR} in the report, so that a reader of the JSON output never mistakes a
   * missing path for one that was not asked about.
   */
  private void fail(PrintWriter err, String arg, String message) {
    err.println("safeload: " + arg + ": " + message);
    err.flush();
    ioError = true;
    FileReport unread =
        new FileReport(
            arg,
            0,
            null,
            null,
            List.of(new Finding(Reason.IO_ERROR, arg, Finding.NO_OFFSET, message)));
    scanned.add(new Scanned(arg, false, new ScanReport(Path.of(""), List.of(unread), List.of())));
  }

  /** 2 if a path or file could not be read, else 1 if anything was rejected, else 0. */
  int exitCode() {
    return ioError ? Main.USAGE_OR_IO : exitCode(scanned);
  }

  /**
   * The exit code that {@code results} call for: {@value Main#USAGE_OR_IO} if anything could not be
   * read ({@code IO_ERROR}, about a file or a whole model), even when something else was rejected
   * too, because the verdict is then incomplete: the unread bytes may hold more. Else {@value
   * Main#REJECTED} if anything was rejected, else {@value Main#OK}.
   */
  static int exitCode(List<Scanned> results) {
    if (ioErrors(results) > 0) {
      return Main.USAGE_OR_IO;
    }
    return results.stream().allMatch(s -> s.report().accepted()) ? Main.OK : Main.REJECTED;
  }

  /** How many findings say that something could not be read. */
  static long ioErrors(List<Scanned> results) {
    return results.stream()
        .flatMap(s -> s.report().findings().stream())
        .filter(f -> f.reason() == Reason.IO_ERROR)
        .count();
  }
}
