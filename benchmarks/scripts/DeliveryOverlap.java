import dev.safeload.Delivery;
import dev.safeload.LoadPolicy;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Issue 14, goal 4, session 6: the pipelined copy (CopyWriter) against the inline copy in ONE warm
 * JVM, interleaved operation by operation so that both see the same load: a scan, a load with
 * PARALLELISM 2 (a spare core: the copy is written on a second thread) and a load with PARALLELISM
 * 1 (the reading thread writes, as before), in that order, ROUNDS times. For one file PARALLELISM
 * changes nothing else in a load. Freeing each copy's pages is left out of every timed window (a
 * collection and a pause before each operation). Process CPU time (all threads) and wall time per operation;
 * medians and minimums.
 *
 *   java -XX:+UseSerialGC -cp cli/target/safeload.jar benchmarks/scripts/DeliveryOverlap.java FILE DELIVERY
 *
 * Env: ROUNDS (default 21), WARMUP (default 4). Run at nice -n -20.
 */
public class DeliveryOverlap {
  static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  interface Op {
    void run() throws Exception;
  }

  public static void main(String[] a) throws Exception {
    Path model = Path.of(a[0]);
    Delivery delivery = Delivery.valueOf(a[1]);
    int rounds = Integer.parseInt(System.getenv().getOrDefault("ROUNDS", "21"));
    int warmup = Integer.parseInt(System.getenv().getOrDefault("WARMUP", "4"));
    SafeModelLoader scanner =
        SafeModelLoader.builder()
            .policy(LoadPolicy.strict().toBuilder().allowUnpinnedFiles().build())
            .build();
    String[] names = {"scan", delivery + " pipelined (P=2)", delivery + " inline (P=1)"};
    Op[] ops = {
      () -> {
        ScanReport r = scanner.scan(model);
        if (!r.accepted()) {
          throw new IllegalStateException("not accepted: " + r);
        }
      },
      load(model, delivery, 2),
      load(model, delivery, 1)
    };
    for (int i = 0; i < warmup; i++) {
      for (Op op : ops) {
        op.run();
      }
    }
    long[][] c = new long[ops.length][rounds];
    long[][] w = new long[ops.length][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < ops.length; k++) {
        // Unmaps the last load's copy and frees its pages outside the timed window, for every
        // operation alike (Issue14Bench leaves that to whichever run the next collection falls in).
        System.gc();
        Thread.sleep(30);
        long c0 = cpu();
        long t0 = System.nanoTime();
        ops[k].run();
        w[k][r] = System.nanoTime() - t0;
        c[k][r] = cpu() - c0;
      }
    }
    for (int k = 0; k < ops.length; k++) {
      long[] cs = c[k].clone();
      long[] ws = w[k].clone();
      Arrays.sort(cs);
      Arrays.sort(ws);
      System.out.printf(
          "%-32s cpu median %6.1f ms (min %6.1f)  wall median %6.1f ms (min %6.1f)  %d runs%n",
          names[k], cs[rounds / 2] / 1e6, cs[0] / 1e6, ws[rounds / 2] / 1e6, ws[0] / 1e6, rounds);
    }
    // Paired: each round's loads against the same round's scan, then the median ratio.
    for (int k = 1; k < ops.length; k++) {
      double[] rc = new double[rounds];
      double[] rw = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        rc[r] = (double) c[k][r] / c[0][r];
        rw[r] = (double) w[k][r] / w[0][r];
      }
      Arrays.sort(rc);
      Arrays.sort(rw);
      System.out.printf(
          "%-32s vs scan, paired per round: cpu %.2fx, wall %.2fx (medians)%n",
          names[k], rc[rounds / 2], rw[rounds / 2]);
    }
  }

  static Op load(Path model, Delivery delivery, long parallelism) {
    SafeModelLoader l =
        SafeModelLoader.builder()
            .policy(
                LoadPolicy.strict().toBuilder()
                    .allowUnpinnedFiles()
                    .delivery(delivery)
                    .set(LoadPolicy.PARALLELISM, parallelism)
                    .build())
            .build();
    return () -> {
      try (VerifiedModel m = l.load(model)) {
        if (m.files().isEmpty()) {
          throw new IllegalStateException("nothing served");
        }
      }
    };
  }
}
