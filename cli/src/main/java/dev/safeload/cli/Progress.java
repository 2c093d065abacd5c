package dev.safeload.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A progress line on stderr while a long scan hashes, shown only on a terminal.
 *
 * <p>The loader reads each file through a read-only mapping during a scan and exposes no progress
 * callback, so the bar measures what the kernel reports instead: the resident size of this process's
 * mappings of the model's files ({@code /proc/self/smaps}), which grows as the hash touches pages.
 * Where that is unavailable it shows elapsed time only. It never touches the model files' bytes.
 */
abstract class Progress {
  /** Nothing is drawn for scans shorter than this, so quick commands print no flicker. */
  static final long QUIET_MILLIS = 700;

  static final Progress NONE = new Progress() {};

  /** A bar on {@code err} if the process runs on a terminal, else nothing. */
  static Progress forTerminal(PrintWriter err) {
    return System.console() != null ? new Bar(err) : NONE;
  }

  void starting(String argument) {}

  void done() {}

  /** Draws the progress line from a daemon thread. */
  static final class Bar extends Progress {
    private final PrintWriter err;
    private final long quietMillis;
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
    void starting(String argument) {
      Path root = Path.of(argument).toAbsolutePath().normalize();
      long total = totalBytes(root);
      String prefix = root.toString();
      boolean dir = Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS);
      running = true;
      long start = System.nanoTime();
      thread = new Thread(() -> {
        long best = 0;
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
          long seen = residentBytes(prefix, dir);
          best = Math.max(best, Math.min(seen, total));
          draw(argument, best, total, ms, seen >= 0);
        }
      }, "safeload-progress");
      thread.setDaemon(true);
      thread.start();
    }

    private synchronized void draw(String argument, long done, long total, long ms, boolean measured) {
      StringBuilder sb = new StringBuilder("\rsafeload: ").append(TableReport.printable(shorten(argument)));
      if (measured && total > 0) {
        int pct = (int) (100 * done / total);
        int fill = pct / 5;
        sb.append(" [").append("#".repeat(fill)).append(".".repeat(20 - fill)).append("] ")
            .append(pct).append("% of ").append(human(total));
      } else {
        sb.append(" ").append("|/-\\".charAt((int) (ms / 200 % 4)));
      }
      sb.append(String.format("  %.1fs ", ms / 1000.0));
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
        return String.format("%.1f GiB", bytes / (double) (1L << 30));
      }
      return String.format("%.1f MiB", bytes / (double) (1L << 20));
    }

    /** Sum of regular file sizes under {@code root} (or its size), not following links. */
    private static long totalBytes(Path root) {
      try {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
          return Files.size(root);
        }
        try (Stream<Path> s = Files.walk(root)) {
          return s.limit(100_000)
              .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
              .mapToLong(p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0;
                }
              }).sum();
        }
      } catch (IOException | RuntimeException e) {
        return 0;
      }
    }

    /**
     * Bytes of the model's files resident in this process's mappings, or -1 if not measurable (no
     * {@code /proc}). Paths with spaces are fine: the path is the rest of the header line.
     */
    static long residentBytes(String prefix, boolean dir) {
      Path smaps = Path.of("/proc/self/smaps");
      if (!Files.isReadable(smaps)) {
        return -1;
      }
      long kb = 0;
      boolean match = false;
      try (BufferedReader r = Files.newBufferedReader(smaps, StandardCharsets.UTF_8)) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          if (line.startsWith("Rss:")) {
            if (match) {
              kb += Long.parseLong(line.substring(4).replace("kB", "").trim());
            }
          } else if (!line.isEmpty() && Character.digit(line.charAt(0), 16) >= 0 && line.indexOf('-') > 0
              && line.indexOf(' ') > line.indexOf('-')) {
            int slash = line.indexOf('/');
            String path = slash < 0 ? "" : line.substring(slash);
            match = dir ? path.startsWith(prefix + "/") : path.equals(prefix);
          }
        }
      } catch (IOException | RuntimeException e) {
        return -1;
      }
      return kb * 1024;
    }
  }
}
