package dev.safeload.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one Spark session every test of this module shares (starting Spark costs seconds): two worker
 * threads, and up to four attempts per task so that a test can watch Spark retry one ({@code
 * local[2]} alone would fail the job on the first task failure). Spark stops it at JVM exit.
 */
final class LocalSpark {
  private static SparkSession session;

  private LocalSpark() {}

  static synchronized SparkSession session() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2,4]")
              .appName("safeload-spark tests")
              .config("spark.ui.enabled", "false")
              .config("spark.ui.showConsoleProgress", "false")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.driver.host", "127.0.0.1")
              .getOrCreate();
    }
    return session;
  }
}
