package dev.safeload.spark;

import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The driver's Hadoop configuration as a plain map, for executors (a {@link Configuration} is not
 * serializable); executors rebuild it without loading the default resources again.
 */
final class HadoopConf {
  private HadoopConf() {}

  static HashMap<String, String> toMap(Configuration conf) {
    HashMap<String, String> m = new HashMap<>();
    for (Map.Entry<String, String> e : conf) {
      m.put(e.getKey(), e.getValue());
    }
    return m;
  }

  static Configuration fromMap(Map<String, String> map) {
    Configuration c = new Configuration(false);
    map.forEach(c::set);
    return c;
  }
}
