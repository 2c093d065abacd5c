import dev.safeload.formats.pickle.GlobalRule;
import dev.safeload.formats.internal.pickle.PickleLimits;
import dev.safeload.formats.internal.pickle.PickleMachine;
import dev.safeload.formats.pickle.PickleProfile;
import dev.safeload.formats.internal.pickle.Value;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * The pickle machine on a real {@code data.pkl} given as a file (PickleMachineBenchmark's set-up, with
 * any input), beside SHA-256 of the same bytes: median CPU time per pass after warm-up, as MB/s,
 * and the bytes one pass allocates.
 *
 *   unzip -p model.pt '*' /data.pkl > data.pkl   # or: unzip model.pt NAME/data.pkl
 *   java -cp cli/target/safeload.jar benchmarks/scripts/PickleThroughput.java data.pkl [passes]
 */
public class PickleThroughput {
  static final PickleMachine.PersistentIds STORAGES = (pid, offset) -> {
    List<Value> t = ((Value.TupleV) pid).items();
    GlobalRule r = ((Value.GlobalV) t.get(1)).rule();
    return new Value.StorageV(((Value.StrV) t.get(2)).value(), r.dtype(), r.elementSize(),
        ((Value.IntV) t.get(4)).value(), ((Value.StrV) t.get(3)).value());
  };

  static long cpu() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  /** Bytes this thread has allocated so far (HotSpot's ThreadMXBean). */
  static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  public static void main(String[] a) throws Exception {
    byte[] bytes = Files.readAllBytes(Path.of(a[0]));
    int passes = a.length > 1 ? Integer.parseInt(a[1]) : 20;
    ByteBuffer pickle = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    PickleProfile profile = PickleProfile.torchWeightsStrict();
    PickleLimits limits = PickleLimits.defaults();
    PickleMachine.Result first = PickleMachine.run(pickle.duplicate(), 0, profile, limits, STORAGES);
    if (first.end() != bytes.length) {
      throw new IllegalStateException("the pickle did not end at its last byte");
    }
    MessageDigest md = MessageDigest.getInstance("SHA-256", "SUN");
    long[] machine = new long[passes];
    long[] sha = new long[passes];
    for (int i = 0; i < passes * 2; i++) { // first half: warm-up
      long c0 = cpu();
      PickleMachine.run(pickle.duplicate(), 0, profile, limits, STORAGES);
      long c1 = cpu();
      md.update(bytes);
      md.digest();
      long c2 = cpu();
      if (i >= passes) {
        machine[i - passes] = c1 - c0;
        sha[i - passes] = c2 - c1;
      }
    }
    long a0 = allocated();
    PickleMachine.run(pickle.duplicate(), 0, profile, limits, STORAGES);
    long perPass = allocated() - a0;
    Arrays.sort(machine);
    Arrays.sort(sha);
    System.out.printf("%s: %d bytes; pickle machine median %.2f ms (%.0f MB/s), fastest pass %.2f ms;"
        + " SHA-256 %.2f ms (%.0f MB/s);"
        + " the machine allocates %d bytes per pass (%.1f per input byte)%n",
        a[0], bytes.length, machine[passes / 2] / 1e6, bytes.length / (machine[passes / 2] / 1e3),
        machine[0] / 1e6,
        sha[passes / 2] / 1e6, bytes.length / (sha[passes / 2] / 1e3), perPass,
        (double) perPass / bytes.length);
  }
}
