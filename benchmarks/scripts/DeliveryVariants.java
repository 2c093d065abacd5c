import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Ways to copy a file while hashing it, for issue 14's delivery goal, each timed in one warm JVM
 * beside the floor (hash by read(), what a scan costs): process CPU time (all threads) and wall
 * time, median of RUNS after WARMUP. Standalone: JDK only.
 *
 *   java -XX:+UseSerialGC benchmarks/scripts/DeliveryVariants.java FILE [TMPDIR] [VARIANT...]
 *
 * Every variant hashes exactly the bytes it ends up holding (what the loader must hand over):
 *   floor      read() 1 MiB into a direct buffer, hash (a scan's read path; nothing kept)
 *   direct     allocateDirect(size), read() into it step by step, hash each step (today's COPY_TO_MEMORY)
 *   direct2    as direct, but a second thread reads ahead while this one hashes (overlap on 2 cores)
 *   tmpfsw     read() 1 MiB, hash, write() to an unlinked file in TMPDIR, map it read-only
 *   tmpfsw2    as tmpfsw, hashing and writing on two threads (a queue of 4 MiB buffers)
 *   mapw       map an unlinked, pre-sized file in TMPDIR read-write, read() into the mapping, hash it
 *   cfr        FileChannel.transferTo (copy_file_range on Linux) to TMPDIR, then hash the copy by read()
 *   tmpfsw256  as tmpfsw with 256 KiB steps (COPY_TO_MEMORY since session 5)
 *   pipe       as tmpfsw256, but a writer thread writes each buffer while this one reads and hashes
 *              the next (session 6): a ring of PIPE_RING (4) buffers of PIPE_BUF (256 KiB) bytes,
 *              each filled by read()s of PIPE_STEP (256 KiB) bytes hashed right after each read
 *   wide       as pipe on one thread: read() and hash PIPE_STEP bytes at a time into a PIPE_BUF
 *              buffer, then write() the whole buffer at once
 *   heap       a byte[] of the file's size, read() into it step by step and hashed (run the JVM with
 *              -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch for pre-faulted huge-page memory)
 */
public class DeliveryVariants {
  static final int STEP = 1 << 20;

  static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  interface Op {
    Object run() throws Exception;
  }

  static MessageDigest sha() throws Exception {
    return MessageDigest.getInstance("SHA-256", "SUN");
  }

  static final byte[] scratch = new byte[64 << 10];

  static void hash(MessageDigest md, ByteBuffer b, byte[] scratch) {
    while (b.hasRemaining()) {
      int n = Math.min(b.remaining(), scratch.length);
      b.get(scratch, 0, n);
      md.update(scratch, 0, n);
    }
  }

  static Path file;
  static Path tmp;

  public static void main(String[] a) throws Exception {
    file = Path.of(a[0]);
    tmp = Path.of(a.length > 1 ? a[1] : "/dev/shm");
    String[] variants =
        a.length > 2
            ? Arrays.copyOfRange(a, 2, a.length)
            : new String[] {"floor", "direct", "direct2", "tmpfsw", "tmpfsw2", "mapw", "cfr"};
    int runs = Integer.parseInt(System.getenv().getOrDefault("RUNS", "5"));
    int warm = Integer.parseInt(System.getenv().getOrDefault("WARMUP", "2"));
    long size = Files.size(file);
    for (String v : variants) {
      Op op = op(v, size);
      for (int i = 0; i < warm; i++) {
        op.run();
        System.gc();
      }
      long[] c = new long[runs];
      long[] w = new long[runs];
      for (int i = 0; i < runs; i++) {
        System.gc();
        long c0 = cpu();
        long t0 = System.nanoTime();
        Object keep = op.run();
        w[i] = System.nanoTime() - t0;
        c[i] = cpu() - c0;
        if (keep == null) {
          throw new IllegalStateException();
        }
      }
      Arrays.sort(c);
      Arrays.sort(w);
      System.out.printf(
          "%-8s %s: median cpu %7.1f ms (min %7.1f), wall %7.1f ms (min %7.1f)%n",
          v, tmp, c[runs / 2] / 1e6, c[0] / 1e6, w[runs / 2] / 1e6, w[0] / 1e6);
    }
  }

  static Op op(String v, long size) {
    return switch (v) {
      case "floor" -> () -> {
        MessageDigest md = sha();
        ByteBuffer buf = ByteBuffer.allocateDirect(STEP);
        try (FileChannel ch = FileChannel.open(file)) {
          while (ch.read(buf.clear()) > 0) {
            hash(md, buf.flip(), scratch);
          }
        }
        return md.digest();
      };
      case "direct" -> () -> {
        MessageDigest md = sha();
        ByteBuffer dst = ByteBuffer.allocateDirect((int) size);
        try (FileChannel ch = FileChannel.open(file)) {
          while (dst.position() < dst.capacity()) {
            int start = dst.position();
            dst.limit(Math.min(dst.capacity(), start + STEP));
            int n = ch.read(dst);
            hash(md, dst.duplicate().position(start).limit(start + n), scratch);
          }
        }
        md.digest();
        return dst;
      };
      case "direct2" -> () -> {
        MessageDigest md = sha();
        ByteBuffer dst = ByteBuffer.allocateDirect((int) size);
        BlockingQueue<int[]> q = new ArrayBlockingQueue<>(1024);
        Thread reader =
            new Thread(
                () -> {
                  try (FileChannel ch = FileChannel.open(file)) {
                    ByteBuffer d = dst.duplicate();
                    while (d.position() < d.capacity()) {
                      int start = d.position();
                      d.limit(Math.min(d.capacity(), start + STEP));
                      int n = ch.read(d);
                      q.put(new int[] {start, n});
                    }
                    q.put(new int[] {-1, 0});
                  } catch (Exception e) {
                    throw new RuntimeException(e);
                  }
                });
        reader.start();
        while (true) {
          int[] s = q.take();
          if (s[0] < 0) {
            break;
          }
          hash(md, dst.duplicate().position(s[0]).limit(s[0] + s[1]), scratch);
        }
        reader.join();
        md.digest();
        return dst;
      };
      case "tmpfsw" -> () -> {
        MessageDigest md = sha();
        ByteBuffer buf = ByteBuffer.allocateDirect(STEP);
        Path t = tmp.resolve("dv-" + System.nanoTime());
        MappedByteBuffer m;
        try (FileChannel ch = FileChannel.open(file);
            FileChannel out =
                FileChannel.open(
                    t,
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE)) {
          while (ch.read(buf.clear()) > 0) {
            buf.flip();
            hash(md, buf.duplicate(), scratch);
            while (buf.hasRemaining()) {
              out.write(buf);
            }
          }
          m = out.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        md.digest();
        return m;
      };
      case "tmpfsw2" -> () -> {
        MessageDigest md = sha();
        Path t = tmp.resolve("dv-" + System.nanoTime());
        BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(8);
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(8);
        for (int i = 0; i < 4; i++) {
          free.add(ByteBuffer.allocateDirect(4 * STEP));
        }
        MappedByteBuffer m;
        try (FileChannel ch = FileChannel.open(file);
            FileChannel out =
                FileChannel.open(
                    t,
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE)) {
          Thread writer =
              new Thread(
                  () -> {
                    try {
                      while (true) {
                        ByteBuffer b = full.take();
                        if (b.capacity() == 0) {
                          return;
                        }
                        while (b.hasRemaining()) {
                          out.write(b);
                        }
                        free.put(b);
                      }
                    } catch (Exception e) {
                      throw new RuntimeException(e);
                    }
                  });
          writer.start();
          while (true) {
            ByteBuffer b = free.take();
            if (ch.read(b.clear()) <= 0) {
              break;
            }
            b.flip();
            hash(md, b.duplicate(), scratch);
            full.put(b);
          }
          full.put(ByteBuffer.allocate(0));
          writer.join();
          m = out.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        md.digest();
        return m;
      };
      case "mapw" -> () -> {
        MessageDigest md = sha();
        Path t = tmp.resolve("dv-" + System.nanoTime());
        MappedByteBuffer m;
        try (FileChannel ch = FileChannel.open(file);
            FileChannel out =
                FileChannel.open(
                    t,
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE)) {
          m = out.map(FileChannel.MapMode.READ_WRITE, 0, size);
          ByteBuffer d = m.duplicate();
          while (d.position() < d.capacity()) {
            int start = d.position();
            d.limit(Math.min(d.capacity(), start + STEP));
            int n = ch.read(d);
            hash(md, m.duplicate().position(start).limit(start + n), scratch);
          }
        }
        md.digest();
        return m.asReadOnlyBuffer();
      };
      case "cfr" -> () -> {
        MessageDigest md = sha();
        Path t = tmp.resolve("dv-" + System.nanoTime());
        ByteBuffer buf = ByteBuffer.allocateDirect(STEP);
        MappedByteBuffer m;
        try (FileChannel ch = FileChannel.open(file);
            FileChannel out =
                FileChannel.open(
                    t,
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE)) {
          long done = 0;
          while (done < size) {
            done += ch.transferTo(done, size - done, out);
          }
          long pos = 0;
          while (out.read(buf.clear(), pos) > 0) {
            pos += buf.position();
            hash(md, buf.flip(), scratch);
          }
          m = out.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        md.digest();
        return m;
      };
      case "tmpfsw256" -> () -> {
        MessageDigest md = sha();
        ByteBuffer buf = ByteBuffer.allocateDirect(256 << 10);
        Path t = tmp.resolve("dv-" + System.nanoTime());
        MappedByteBuffer m;
        try (FileChannel ch = FileChannel.open(file);
            FileChannel out =
                FileChannel.open(
                    t,
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE)) {
          while (ch.read(buf.clear()) > 0) {
            buf.flip();
            hash(md, buf.duplicate(), scratch);
            while (buf.hasRemaining()) {
              out.write(buf);
            }
          }
          m = out.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        md.digest();
        return m;
      };
      case "pipe" -> () -> {
        int ring = Integer.parseInt(System.getenv().getOrDefault("PIPE_RING", "4"));
        int bufSize = Integer.parseInt(System.getenv().getOrDefault("PIPE_BUF", "262144"));
        int step = Integer.parseInt(System.getenv().getOrDefault("PIPE_STEP", "262144"));
        MessageDigest md = sha();
        Path t = tmp.resolve("dv-" + System.nanoTime());
        BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(ring + 1);
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(ring);
        for (int i = 0; i < ring; i++) {
          free.add(ByteBuffer.allocateDirect(bufSize));
        }
        MappedByteBuffer m;
        try (FileChannel ch = FileChannel.open(file);
            FileChannel out =
                FileChannel.open(
                    t,
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE)) {
          Thread writer =
              new Thread(
                  () -> {
                    try {
                      while (true) {
                        ByteBuffer b = full.take();
                        if (b.capacity() == 0) {
                          return;
                        }
                        while (b.hasRemaining()) {
                          out.write(b);
                        }
                        free.put(b);
                      }
                    } catch (Exception e) {
                      throw new RuntimeException(e);
                    }
                  });
          writer.start();
          boolean end = false;
          while (!end) {
            ByteBuffer b = free.take();
            b.clear();
            while (b.hasRemaining()) {
              int start = b.position();
              b.limit(Math.min(b.capacity(), start + step));
              int n = ch.read(b);
              if (n <= 0) {
                end = true;
                break;
              }
              hash(md, b.duplicate().position(start).limit(start + n), scratch);
              b.limit(b.capacity());
            }
            b.flip();
            if (b.hasRemaining()) {
              full.put(b);
            }
          }
          full.put(ByteBuffer.allocate(0));
          writer.join();
          m = out.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        md.digest();
        return m;
      };
      case "wide" -> () -> {
        int bufSize = Integer.parseInt(System.getenv().getOrDefault("PIPE_BUF", "1048576"));
        int step = Integer.parseInt(System.getenv().getOrDefault("PIPE_STEP", "262144"));
        MessageDigest md = sha();
        ByteBuffer b = ByteBuffer.allocateDirect(bufSize);
        Path t = tmp.resolve("dv-" + System.nanoTime());
        MappedByteBuffer m;
        try (FileChannel ch = FileChannel.open(file);
            FileChannel out =
                FileChannel.open(
                    t,
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE)) {
          boolean end = false;
          while (!end) {
            b.clear();
            while (b.hasRemaining()) {
              int start = b.position();
              b.limit(Math.min(b.capacity(), start + step));
              int n = ch.read(b);
              if (n <= 0) {
                end = true;
                break;
              }
              hash(md, b.duplicate().position(start).limit(start + n), scratch);
              b.limit(b.capacity());
            }
            b.flip();
            while (b.hasRemaining()) {
              out.write(b);
            }
          }
          m = out.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        md.digest();
        return m;
      };
      case "heap" -> () -> {
        MessageDigest md = sha();
        byte[] dst = new byte[(int) size];
        ByteBuffer d = ByteBuffer.wrap(dst);
        try (FileChannel ch = FileChannel.open(file)) {
          while (d.position() < d.capacity()) {
            int start = d.position();
            d.limit(Math.min(d.capacity(), start + (256 << 10)));
            int n = ch.read(d);
            md.update(dst, start, n);
          }
        }
        md.digest();
        return d;
      };
      default -> throw new IllegalArgumentException(v);
    };
  }
}
