import dev.safeload.Delivery;
import dev.safeload.LoadPolicy;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.verify.PinSet;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * In-process timings for issue 14, in a warm JVM: process CPU time (user + sys, all threads) and wall
 * time per operation, median of RUNS after WARMUP, with plain JDK SHA-256 of the same bytes as the
 * baseline in the same JVM. Run with the CLI's jar on the class path (source-file mode):
 *
 *   java -XX:+UseSerialGC -cp cli/target/safeload.jar benchmarks/scripts/Issue14Bench.java MODE ARGS...
 *
 * Modes:
 *   sha PATH                      SHA-256 of the file (or every regular file under a directory) read
 *                                 with FileChannel into a 64 KiB heap buffer: the JVM's floor
 *   verify PINS PATH THREADS      SafeModelLoader.scan with the pins and PARALLELISM = THREADS (what
 *                                 `safeload verify` does); fails unless every file is accepted
 *   scan PATH                     SafeModelLoader.scan, no pins (env ALLOW_REJECTED=1: time it even if
 *                                 the file is rejected)
 *   load PATH DELIVERY            SafeModelLoader.load (unpinned files allowed) in that delivery mode
 * Env (scan): PARALLELISM (default: the policy's, the number of cores); 1 keeps a scan on the
 * calling thread.
 * Env: RUNS (default 7), WARMUP (default 3), BATCH (default 1): each run times BATCH operations and
 * reports their mean, since the process CPU clock ticks in 10 ms steps (BATCH=10 gives 1 ms steps).
 */
public class Issue14Bench {
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  interface Op {
    void run() throws Exception;
  }

  public static void main(String[] a) throws Exception {
    int runs = Integer.parseInt(System.getenv().getOrDefault("RUNS", "7"));
    int warmup = Integer.parseInt(System.getenv().getOrDefault("WARMUP", "3"));
    int batch = Integer.parseInt(System.getenv().getOrDefault("BATCH", "1"));
    String mode = a[0];
    Op op;
    long bytes;
    switch (mode) {
      case "sha" -> {
        List<Path> files = files(Path.of(a[1]));
        bytes = size(files);
        op = () -> {
          for (Path f : files) {
            sha(f);
          }
        };
      }
      case "verify" -> {
        PinSet pins = PinSet.load(Path.of(a[1]));
        Path model = Path.of(a[2]);
        bytes = size(files(model));
        SafeModelLoader l = SafeModelLoader.builder().verifier(pins)
            .policy(LoadPolicy.strict().toBuilder().set(LoadPolicy.PARALLELISM, Long.parseLong(a[3])).build())
            .build();
        op = () -> {
          ScanReport r = l.scan(model);
          if (!r.accepted()) {
            throw new IllegalStateException("not accepted: " + r);
          }
        };
      }
      case "scan" -> {
        Path model = Path.of(a[1]);
        bytes = size(files(model));
        LoadPolicy.Builder p = LoadPolicy.strict().toBuilder().allowUnpinnedFiles();
        if (System.getenv("PARALLELISM") != null) {
          p.set(LoadPolicy.PARALLELISM, Long.parseLong(System.getenv("PARALLELISM")));
        }
        SafeModelLoader l = SafeModelLoader.builder().policy(p.build()).build();
        op = () -> {
          ScanReport r = l.scan(model);
          if (!r.accepted() && System.getenv("ALLOW_REJECTED") == null) {
            throw new IllegalStateException("not accepted: " + r);
          }
        };
      }
      case "load" -> {
        Path model = Path.of(a[1]);
        bytes = size(files(model));
        SafeModelLoader l = SafeModelLoader.builder().policy(LoadPolicy.strict().toBuilder()
            .allowUnpinnedFiles().delivery(Delivery.valueOf(a[2])).build()).build();
        op = () -> {
          try (VerifiedModel m = l.load(model)) {
            if (m.files().isEmpty()) {
              throw new IllegalStateException("nothing served");
            }
          }
        };
      }
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    }
    for (int i = 0; i < warmup; i++) {
      op.run();
    }
    long[] cpu = new long[runs];
    long[] wall = new long[runs];
    for (int i = 0; i < runs; i++) {
      long c0 = cpuNanos();
      long t0 = System.nanoTime();
      for (int j = 0; j < batch; j++) {
        op.run();
      }
      wall[i] = (System.nanoTime() - t0) / batch;
      cpu[i] = (cpuNanos() - c0) / batch;
    }
    Arrays.sort(cpu);
    Arrays.sort(wall);
    System.out.printf("%s %s: %d bytes, median cpu %.1f ms (min %.1f), median wall %.1f ms (min %.1f), %d runs%s%n",
        mode, String.join(" ", Arrays.copyOfRange(a, 1, a.length)), bytes, cpu[runs / 2] / 1e6, cpu[0] / 1e6,
        wall[runs / 2] / 1e6, wall[0] / 1e6, runs, batch > 1 ? " of " + batch : "");
  }

  static List<Path> files(Path p) throws Exception {
    if (!Files.isDirectory(p)) {
      return List.of(p);
    }
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  static long size(List<Path> files) throws Exception {
    long n = 0;
    for (Path f : files) {
      n += Files.size(f);
    }
    return n;
  }

  static byte[] sha(Path f) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256", "SUN");
    ByteBuffer buf = ByteBuffer.allocate(64 << 10);
    try (FileChannel ch = FileChannel.open(f)) {
      while (ch.read(buf.clear()) >= 0) {
        md.update(buf.array(), 0, buf.position());
      }
    }
    return md.digest();
  }
}
