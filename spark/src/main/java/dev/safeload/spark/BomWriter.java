package dev.safeload.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Objects;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * Writes each model's BOMs as {@code BOMS/cyclonedx/<model>.cdx.json} and {@code
 * BOMS/spdx/<model>.spdx.json}, {@code <model>} being the model's path below the scanned root (so
 * the output mirrors the registry and two models never share a name). A retried task overwrites
 * with the same bytes.
 */
final class BomWriter implements VoidFunction<Iterator<ModelResult>> {
  private static final long serialVersionUID = 1L;

  static final String CYCLONEDX = "cyclonedx";
  static final String SPDX = "spdx";

  private final String boms;
  private final Broadcast<HashMap<String, String>> hadoopConf;

  BomWriter(String boms, Broadcast<HashMap<String, String>> hadoopConf) {
    this.boms = Objects.requireNonNull(boms, "boms");
    this.hadoopConf = Objects.requireNonNull(hadoopConf, "hadoopConf");
  }

  static String cyclonedxName(ModelRef m) {
    return CYCLONEDX + "/" + m.relative() + ".cdx.json";
  }

  static String spdxName(ModelRef m) {
    return SPDX + "/" + m.relative() + ".spdx.json";
  }

  @Override
  public void call(Iterator<ModelResult> results) throws IOException {
    Path base = new Path(boms);
    FileSystem fs = base.getFileSystem(HadoopConf.fromMap(hadoopConf.value()));
    while (results.hasNext()) {
      ModelResult r = results.next();
      write(fs, new Path(base, cyclonedxName(r.model())), r.cyclonedx());
      write(fs, new Path(base, spdxName(r.model())), r.spdx());
    }
  }

  private static void write(FileSystem fs, Path p, byte[] bytes) throws IOException {
    try (OutputStream out = fs.create(p, true)) {
      out.write(bytes);
    }
  }
}
