package dev.safeload.spark;

import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/** Scans a model read through a Hadoop {@code FileSystem} (every scheme but a local path). */
final class HadoopScan {
  private HadoopScan() {}

  static ScanReport scan(
      SafeModelLoader loader, ModelRef model, URI uri, Map<String, String> hadoopConf)
      throws IOException {
    throw new IOException(
        uri.getScheme() + "://: only local (file://) models can be scanned by this version");
  }
}
