import dev.safeload.LoadPolicy;
import dev.safeload.SafeModelLoader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;

/**
 * What one small file costs a scan once the JVM is warm (issue 14, goal 5: the CLI over many small
 * models): the loader scans the same file N times a round, six rounds, with PARALLELISM 1, and
 * prints wall and thread CPU time per scan for each round (the last rounds are the warm figure).
 * The per-file work outside start-up and JIT warm-up: the walk, the read and hash, detection, the
 * handler, the cross-file checks, the report.
 *
 *   javac -d /tmp/ssf -cp cli/target/safeload.jar benchmarks/scripts/ScanSmallFile.java
 *   java -XX:+UseSerialGC -cp /tmp/ssf:cli/target/safeload.jar ScanSmallFile FILE [N]
 *
 * An earlier build of one class is measured by putting its compiled class first on the class path
 * (the same run, alternating JVMs).
 */
public class ScanSmallFile {
  public static void main(String[] a) throws Exception {
    Path file = Path.of(a[0]);
    int n = a.length > 1 ? Integer.parseInt(a[1]) : 2000;
    SafeModelLoader loader =
        SafeModelLoader.builder()
            .policy(
                LoadPolicy.strict().toBuilder()
                    .allowUnpinnedFiles()
                    .set(LoadPolicy.PARALLELISM, 1L)
                    .build())
            .build();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 6; round++) {
      long cpu = threads.getCurrentThreadCpuTime();
      long wall = System.nanoTime();
      for (int i = 0; i < n; i++) {
        if (!loader.scan(file).accepted()) {
          throw new IllegalStateException(file + " is not accepted");
        }
      }
      System.out.printf(
          "round %d: %.1f us wall, %.1f us thread CPU per scan%n",
          round,
          (System.nanoTime() - wall) / 1e3 / n,
          (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / n);
    }
  }
}
