package dev.safeload.cli;

import dev.safeload.provenance.Sha256;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * Gets the JIT to compile SHA-256 with its CPU intrinsic while the command is still starting up.
 *
 * <p>HotSpot uses the SHA instructions only in C2-compiled code; the interpreter and C1 hash about
 * ten times slower. A fresh JVM would hash the first tens of megabytes of a model that slowly while
 * the compiler catches up. Hashing a few megabytes of zeros on a second core during argument
 * parsing and class loading takes that cost off the critical path. It touches no model bytes and
 * changes no global state beyond what the JIT compiles.
 */
final class DigestWarmup {
  private DigestWarmup() {}

  /** Starts warming in the background if the command line names a command that hashes files. */
  static void startFor(String[] args) {
    for (String a : args) {
      if (a.startsWith("-")) {
        continue;
      }
      if (a.equals("scan") || a.equals("verify") || a.equals("pin")) {
        start();
      }
      return; // only the first word names the command
    }
  }

  static void start() {
    // An anonymous class, not a lambda: bootstrapping the first lambda would itself cost startup
    // time.
    Thread t =
        new Thread(
            new Runnable() {
              @Override
              public void run() {
                warm();
              }
            },
            "safeload-digest-warmup");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  private static void warm() {
    try {
      // The loader hashes mapped (direct) buffers, so warm exactly that path.
      ByteBuffer direct = ByteBuffer.allocateDirect(64 << 10);
      MessageDigest md = Sha256.newMessageDigest();
      for (int i = 0; i < 160; i++) { // 10 MiB
        md.update(direct.duplicate());
      }
      md.digest();
    } catch (IllegalStateException e) {
      // The loader will report the missing digest itself; nothing to warm.
    }
  }
}
