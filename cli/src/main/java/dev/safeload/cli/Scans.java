package dev.safeload.cli;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.Reason;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

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
    int threads = (int) Math.min(arguments.size(), loader.policy().get(LoadPolicy.PARALLELISM));
    if (threads <= 1) {
      for (String arg : arguments) {
        progress.starting(arg);
        try {
          s.add(err, arg, scan(loader, arg));
        } finally {
          progress.done();
        }
      }
      return s;
    }
    // Several paths: each is its own model (one loader run), so they are scanned side by side on
    // the loader's parallelism, and reported, messages included, in the order they were given.
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "safeload-scan");
              t.setDaemon(true);
              return t;
            });
    progress.starting(arguments);
    try {
      List<Future<Outcome>> outcomes = new ArrayList<>();
      for (String arg : arguments) {
        outcomes.add(pool.submit(() -> scan(loader, arg)));
      }
      for (int i = 0; i < arguments.size(); i++) {
        s.add(err, arguments.get(i), outcomes.get(i).get());
      }
    } catch (ExecutionException e) {
      // scan() turns I/O failures into outcomes; anything else is a defect, thrown as it was thrown
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new InterruptedIOException("interrupted while scanning"));
    } finally {
      pool.shutdownNow();
      progress.done();
    }
    return s;
  }

  /** What scanning one argument gave: a report, or why the path could not be read. */
  private record Outcome(@Nullable Scanned scanned, @Nullable String failure) {}

  private static Outcome scan(SafeModelLoader loader, String arg) {
    try {
      Path p = Path.of(arg);
      boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
      return new Outcome(new Scanned(arg, dir, loader.scan(p)), null);
    } catch (NoSuchFileException e) {
      return new Outcome(null, "no such file or directory");
    } catch (IOException | InvalidPathException e) {
      return new Outcome(null, String.valueOf(e));
    }
  }

  private void add(PrintWriter err, String arg, Outcome o) {
    if (o.scanned() != null) {
      scanned.add(o.scanned());
    } else {
      fail(err, arg, String.valueOf(o.failure()));
    }
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
