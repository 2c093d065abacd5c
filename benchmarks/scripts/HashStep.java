import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * SHA-256 of a file read by positional read() into a buffer of each size, direct and heap, as
 * SourceReader.hashByReading reads a scanned file: the calling thread's CPU time, median of 15
 * after 20 warm-up passes (issue 14, goal 5; benchmarks/results/issue14-scan47-session5.md).
 *
 *   java -XX:+UseSerialGC benchmarks/scripts/HashStep.java FILE
 */
public class HashStep {
  public static void main(String[] a) throws Exception {
    ThreadMXBean tm = ManagementFactory.getThreadMXBean();
    try (FileChannel ch = FileChannel.open(Path.of(a[0]))) {
      long size = ch.size();
      int[] sizes = {16 << 10, 32 << 10, 64 << 10, 128 << 10, 256 << 10, 1 << 20};
      for (int round = 0; round < 2; round++) {
        for (int s : sizes) {
          for (boolean direct : new boolean[] {true, false}) {
            long[] t = new long[15];
            for (int i = 0; i < 20 + t.length; i++) {
              long c0 = tm.getCurrentThreadCpuTime();
              MessageDigest md = MessageDigest.getInstance("SHA-256", "SUN");
              ByteBuffer b = direct ? ByteBuffer.allocateDirect(s) : ByteBuffer.allocate(s);
              long pos = 0;
              while (pos < size) {
                b.clear();
                int n = ch.read(b, pos);
                b.flip();
                md.update(b);
                pos += n;
              }
              md.digest();
              if (i >= 20) {
                t[i - 20] = tm.getCurrentThreadCpuTime() - c0;
              }
            }
            Arrays.sort(t);
            if (round == 1) {
              System.out.printf("%s %8d bytes: median %.2f ms, min %.2f ms%n",
                  direct ? "direct" : "heap  ", s, t[7] / 1e6, t[0] / 1e6);
            }
          }
        }
      }
    }
  }
}
