package dev.safeload.internal;

import dev.safeload.LoadPolicy;
import dev.safeload.ProgressListener;
import dev.safeload.SafeModelLoader;
import dev.safeload.formats.internal.zip.ZipArchive;
import dev.safeload.formats.internal.zip.ZipLimits;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a one-thread scan of a checkpoint spends its CPU (issue 14, goal 5): the calling thread's
 * CPU time (ns clock) per phase, median of 21 after 10 warm-up runs, each phase run on its own in
 * the same JVM. It reaches into the engine's internals, so it lives in their package and runs from
 * the class path (not source-file mode, whose class loader would not share the package):
 *
 *   javac -d /tmp/sp -cp cli/target/safeload.jar benchmarks/scripts/ScanPhases.java
 *   java -XX:+UseSerialGC -cp /tmp/sp:cli/target/safeload.jar dev.safeload.internal.ScanPhases FILE
 */
public class ScanPhases {
  interface Op {
    Object run() throws Exception;
  }

  public static void main(String[] a) throws Exception {
    ThreadMXBean tm = ManagementFactory.getThreadMXBean();
    Path p = Path.of(a[0]);
    SafeModelLoader l = SafeModelLoader.builder().policy(LoadPolicy.strict().toBuilder()
        .allowUnpinnedFiles().set(LoadPolicy.PARALLELISM, 1L).build()).build();
    ZipLimits lim = new ZipLimits(1_000_000, 1L << 40, 1L << 40, 1000);
    Map<String, Op> ops = new LinkedHashMap<>();
    ops.put("scan, PARALLELISM=1", () -> l.scan(p));
    ops.put("hash (SourceReader.hashByReading)", () -> {
      try (FileChannel ch = FileChannel.open(p)) {
        return SourceReader.hashByReading(ch, ch.size(), new Hasher.Plan(true, List.of()),
            new SafeProgress(ProgressListener.NONE, "f", ch.size()));
      }
    });
    ops.put("map + zip parse", () -> {
      try (FileChannel ch = FileChannel.open(p)) {
        return ZipArchive.read(new StreamedBytes(new ChunkedBytes(SourceReader.mapReadOnly(ch, ch.size())), ch), lim);
      }
    });
    ops.put("map + zip parse + verifyAll (CRC)", () -> {
      try (FileChannel ch = FileChannel.open(p)) {
        ZipArchive z = ZipArchive.read(new StreamedBytes(new ChunkedBytes(SourceReader.mapReadOnly(ch, ch.size())), ch), lim);
        z.verifyAll();
        return z;
      }
    });
    for (dev.safeload.spi.SecondReader r : java.util.ServiceLoader.load(dev.safeload.spi.SecondReader.class)) {
      ops.put("map + second reader " + r.id(), () -> {
        try (FileChannel ch = FileChannel.open(p)) {
          return String.valueOf(r.opens(new StreamedBytes(new ChunkedBytes(SourceReader.mapReadOnly(ch, ch.size())), ch)));
        }
      });
    }
    for (dev.safeload.spi.FormatHandler h : java.util.ServiceLoader.load(dev.safeload.spi.FormatHandler.class)) {
      if (h.id().equals("pytorch")) {
        ops.put("map + handler " + h.id() + " (zip, CRC, pickle)", () -> {
          try (FileChannel ch = FileChannel.open(p)) {
            return h.validate(new StreamedBytes(new ChunkedBytes(SourceReader.mapReadOnly(ch, ch.size())), ch),
                dev.safeload.spi.ValidationContext.collecting("resnet18.pt", LoadPolicy.strict(), new java.util.ArrayList<>()));
          }
        });
      }
    }
    for (int round = 0; round < 2; round++) {
      for (Map.Entry<String, Op> e : ops.entrySet()) {
        long[] t = new long[21];
        for (int i = 0; i < 10; i++) {
          e.getValue().run();
        }
        for (int i = 0; i < t.length; i++) {
          long c0 = tm.getCurrentThreadCpuTime();
          e.getValue().run();
          t[i] = tm.getCurrentThreadCpuTime() - c0;
        }
        Arrays.sort(t);
        if (round == 1) {
          System.out.printf("%-36s median %6.2f ms  min %6.2f ms%n", e.getKey(), t[10] / 1e6, t[0] / 1e6);
        }
      }
    }
  }
}
