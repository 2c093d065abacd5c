import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The floor for any JVM command that hashes a file: a fresh JVM that maps one file, SHA-256s it with
 * the JDK's SUN provider and prints the digest, nothing else (no argument parsing, no format checks,
 * no pins, no report). {@code verify-1gib.sh} compiles it with {@code javac} and times it beside
 * {@code safeload verify} and {@code openssl dgst}, so the gap between safeload and OpenSSL can be
 * split into what the JVM and its SHA-256 cost on this machine and what safeload adds on top.
 *
 * <p>It reads the way safeload reads (one read-only mapping, 16 MiB slices, a digest warm-up thread
 * so that the JIT compiles the SHA intrinsic while the file is being opened), so it is the best case
 * of safeload's own technique, not a different one. Files up to 2 GiB.
 *
 * <p>Usage: {@code java -XX:+UseSerialGC -XX:-UsePerfData -cp DIR Sha256Floor FILE}
 */
public final class Sha256Floor {
  private static final int SLICE = 16 << 20;

  public static void main(String[] args) throws Exception {
    Thread warm = new Thread(new Runnable() { // not a lambda: its bootstrap would cost start-up time
      @Override
      public void run() {
        try {
          ByteBuffer zeros = ByteBuffer.allocateDirect(64 << 10);
          MessageDigest md = MessageDigest.getInstance("SHA-256", "SUN");
          for (int i = 0; i < 160; i++) {
            md.update(zeros.duplicate());
          }
          md.digest();
        } catch (Exception e) {
          // warming is an optimisation only
        }
      }
    });
    warm.setDaemon(true);
    warm.start();

    MessageDigest md = MessageDigest.getInstance("SHA-256", "SUN");
    try (FileChannel ch = FileChannel.open(Path.of(args[0]))) {
      MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
      for (int at = 0; at < m.capacity(); at += SLICE) {
        md.update(m.slice(at, Math.min(SLICE, m.capacity() - at)));
      }
    }
    System.out.println(HexFormat.of().formatHex(md.digest()) + "  " + args[0]);
  }
}
