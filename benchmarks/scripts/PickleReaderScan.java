import dev.safeload.formats.readers.PickleReader;
import dev.safeload.spi.ModelBytes;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The pickle second reader (the polyglot check every non-pickle file gets) on a file of at most
 * 1 GiB, mapped as the loader maps it, beside SHA-256 of the same mapped bytes: median thread CPU time
 * per pass after warm-up. On a safetensors file whose header length starts with a line opcode and
 * whose data is zeros, the reader searches the whole file for a newline.
 *
 *   java -cp cli/target/safeload.jar benchmarks/scripts/PickleReaderScan.java FILE [passes]
 */
public class PickleReaderScan {
  static long cpu() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  public static void main(String[] a) throws Exception {
    int passes = a.length > 1 ? Integer.parseInt(a[1]) : 5;
    MappedByteBuffer map;
    try (FileChannel ch = FileChannel.open(Path.of(a[0]), StandardOpenOption.READ)) {
      map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
    }
    ModelBytes bytes = ModelBytes.of(map);
    PickleReader reader = new PickleReader();
    MessageDigest md = MessageDigest.getInstance("SHA-256", "SUN");
    byte[] chunk = new byte[1 << 16];
    long[] scan = new long[passes];
    long[] sha = new long[passes];
    String verdict = null;
    for (int i = 0; i < passes * 2; i++) { // first half: warm-up
      long c0 = cpu();
      verdict = reader.opens(bytes);
      long c1 = cpu();
      ByteBuffer b = map.duplicate();
      while (b.hasRemaining()) {
        int n = Math.min(chunk.length, b.remaining());
        b.get(chunk, 0, n);
        md.update(chunk, 0, n);
      }
      md.digest();
      long c2 = cpu();
      if (i >= passes) {
        scan[i - passes] = c1 - c0;
        sha[i - passes] = c2 - c1;
      }
    }
    Arrays.sort(scan);
    Arrays.sort(sha);
    System.out.printf(
        "%s: %d bytes; pickle reader median %.1f ms (%.0f MB/s, opens: %s); SHA-256 %.1f ms (%.0f MB/s)%n",
        a[0], bytes.size(), scan[passes / 2] / 1e6, bytes.size() / (scan[passes / 2] / 1e3), verdict,
        sha[passes / 2] / 1e6, bytes.size() / (sha[passes / 2] / 1e3));
  }
}
