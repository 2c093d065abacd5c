package dev.safeload.cli;

import dev.safeload.ProgressListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A progress line on stderr while a long scan hashes, shown only on a terminal. It listens to the
 * loader's {@link ProgressListener} (bytes read and hashed per file) and draws from its own daemon
 * thread, so the reading threads only record two numbers.
 */
abstract class Progress implements ProgressListener {
  /** Nothing is drawn for scans shorter than this, so quick commands print no flicker. */
  static final long QUIET_MILLIS = 700;

  static final Progress NONE = new Progress() {};

  /** A bar on {@code err} if standard error is a terminal, else nothing. */
  static Progress forTerminal(PrintWriter err) {
    return stderrIsTerminal() ? new Bar(err) : NONE;
  }

  /**
   * Whether standard error is a terminal. Java 17 cannot ask {@code isatty(2)}, and {@link
   * System#console()} answers for standard input and output instead, which is wrong both ways:
   * {@code safeload pin DIR > pins.json} would show no bar, and {@code safeload scan DIR 2> log}
   * would write one into the log. On Linux the answer is where file descriptor 2 points; elsewhere
   * the console is the best guess there is.
   */
  static boolean stderrIsTerminal() {
    try {
      return isTerminalDevice(Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString());
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }

  /** Whether a device path names a terminal: a pseudo-terminal or a virtual console. */
  static boolean isTerminalDevice(String path) {
    return path.startsWith("/dev/pts/") || path.startsWith("/dev/tty");
  }

  void starting(String argument) {}

  /** Several arguments scanned side by side: one line for all of them. */
  void starting(List<String> arguments) {}

  void done() {}

  @Override
  public void bytesRead(String file, long bytesRead, long fileSize) {}

  /** Draws the progress line from a daemon thread. */
  static final class Bar extends Progress {
    private final PrintWriter err;
    private final long quietMillis;
    private final Map<String, Long> readPerFile = new ConcurrentHashMap<>();
    private volatile boolean running;
    private @Nullable Thread thread;
    private boolean drawn;

    Bar(PrintWriter err) {
      this(err, QUIET_MILLIS);
    }

    Bar(PrintWriter err, long quietMillis) {
      this.err = err;
      this.quietMillis = quietMillis;
    }

    @Override
    public void bytesRead(String file, long bytesRead, long fileSize) {
      readPerFile.put(file, bytesRead);
    }

    /** Bytes read so far in the current argument, over all its files. */
    long bytesSoFar() {
      long sum = 0;
      for (long v : readPerFile.values()) {
        sum += v;
      }
      return sum;
    }

    @Override
    void starting(String argument) {
      start(argument, totalBytes(argument));
    }

    /**
     * Files are told apart by their names in their models, so two models' files of one name count
     * as one on this line: it may stop short of 100%, never pass it.
     */
    @Override
    void starting(List<String> arguments) {
      long total = 0;
      for (String a : arguments) {
        total += totalBytes(a);
      }
      start(arguments.size() + " paths", total);
    }

    private void start(String argument, long total) {
      readPerFile.clear();
      running = true;
      long start = System.nanoTime();
      thread =
          new Thread(
              () -> {
                while (running) {
                  try {
                    Thread.sleep(200);
                  } catch (InterruptedException e) {
                    return;
                  }
                  long ms = (System.nanoTime() - start) / 1_000_000;
                  if (!running || ms < quietMillis) {
                    continue;
                  }
                  draw(argument, Math.min(bytesSoFar(), total), total, ms);
                }
              },
              "safeload-progress");
      thread.setDaemon(true);
      thread.start();
    }

    private synchronized void draw(String argument, long done, long total, long ms) {
      StringBuilder sb =
          new StringBuilder("\rsafeload: ").append(TableReport.printable(shorten(argument)));
      if (total > 0) {
        int pct = (int) (100 * done / total);
        int fill = pct / 5;
        sb.append(" [")
            .append("#".repeat(fill))
            .append(".".repeat(20 - fill))
            .append("] ")
            .append(pct)
            .append("% of ")
            .append(human(total));
      } else {
        sb.append(" ").append("|/-\\".charAt((int) (ms / 200 % 4)));
      }
      sb.append(String.format(java.util.Locale.ROOT, "  %.1fs ", ms / 1000.0));
      err.print(sb);
      err.flush();
      drawn = true;
    }

    @Override
    void done() {
      running = false;
      Thread t = thread;
      if (t != null) {
        t.interrupt();
        try {
          t.join(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        thread = null;
      }
      synchronized (this) {
        if (drawn) {
          err.print("\r\033[K"); // clear the progress line before the report
          err.flush();
          drawn = false;
        }
      }
    }

    private static String shorten(String s) {
      return s.length() <= 40 ? s : "..." + s.substring(s.length() - 37);
    }

    private static String human(long bytes) {
      if (bytes >= 1L << 30) {
        return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
      }
      return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }

    /** Sum of regular file sizes under {@code argument} (or its size), not following links. */
    private static long totalBytes(String argument) {
      try {
        Path root = Path.of(argument).toAbsolutePath().normalize();
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
          return Files.size(root);
        }
        try (Stream<Path> s = Files.walk(root)) {
          return s.limit(100_000)
              .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
              .mapToLong(
                  p -> {
                    try {
                      return Files.size(p);
                    } catch (IOException e) {
                      return 0;
                    }
                  })
              .sum();
        }
      } catch (IOException | RuntimeException e) {
        return 0;
      }
    }
  }
}
