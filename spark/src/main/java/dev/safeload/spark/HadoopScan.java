package dev.safeload.spark;

import dev.safeload.LoadPolicy;
import dev.safeload.ModelSource;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Scans a model read through a Hadoop {@code FileSystem} ({@code hdfs://}, {@code s3a://}, and
 * {@code file://} with {@link ScanOptions.Builder#readThroughFileSystem}): the model's files are
 * listed with {@code FileSystem.listFiles} and handed to the loader as a {@link ModelSource} of
 * named streams, each opened with {@code FileSystem.open} when the engine reads it (once, hashed
 * and validated in the same pass). Sizes come from the listing, so a file that changes length
 * between listing and reading is refused by the engine ({@code SOURCE_CHANGED}).
 */
final class HadoopScan {
  private HadoopScan() {}

  static ScanReport scan(
      SafeModelLoader loader, ModelRef model, URI uri, Map<String, String> hadoopConf)
      throws IOException {
    FileSystem fs = FileSystem.get(uri, HadoopConf.fromMap(hadoopConf));
    return loader.scan(source(fs, model, loader.policy()));
  }

  /**
   * The model's files as named streams. A listing longer than the policy's file limit stops one
   * file past it (the engine then reports {@code TOO_MANY_FILES}) rather than holding a huge
   * listing in memory.
   */
  static ModelSource source(FileSystem fs, ModelRef model, LoadPolicy policy) throws IOException {
    Path root = new Path(model.uri());
    ModelSource.Builder b = ModelSource.streams(model.uri());
    if (!model.directory()) {
      FileStatus st = fs.getFileStatus(root);
      b.add(root.getName(), st.getLen(), () -> fs.open(root));
      return b.build();
    }
    String prefix = root.toUri().getPath();
    prefix = prefix.endsWith("/") ? prefix : prefix + "/";
    long max = policy.get(LoadPolicy.MAX_FILES);
    long listed = 0;
    RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
    while (files.hasNext() && listed <= max) {
      LocatedFileStatus st = files.next();
      Path p = st.getPath();
      String path = p.toUri().getPath();
      if (!path.startsWith(prefix)) {
        throw new IOException(p + ": listed outside the model " + root);
      }
      b.add(path.substring(prefix.length()), st.getLen(), () -> fs.open(p));
      listed++;
    }
    return b.build();
  }
}
