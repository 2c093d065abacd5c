package dev.safeload.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Scans every model under a Hadoop {@code FileSystem} URI ({@code file://}, {@code hdfs://}, {@code
 * s3a://}, ...) on Spark, one task per model, and writes the inventory and the BOMs.
 *
 * <pre>{@code
 * RegistryScan job = RegistryScan.create(spark, ScanOptions.builder()
 *     .policyFile(Path.of("safeload.json"))
 *     .build());
 * RegistryScan.Summary s = job.run("hdfs://nn/models", "hdfs://nn/safeload/scan");
 * Dataset<Row> inventory = spark.read().parquet(s.inventory());
 * Dataset<Row> hits = Incident.affected(spark, inventory, "hdfs://nn/feeds/revoked.json");
 * }</pre>
 *
 * <p>Which directories and files are models is decided on the driver by one rule (documented in the
 * README, "Scanning a registry"): a directory that directly holds a model file ({@code
 * *.safetensors}, {@code *.onnx}, {@code *.gguf}, {@code *.pt}, {@code config.json}, ...) is one
 * model with everything beneath it; every other file is a single-file model. Each model becomes one
 * Spark partition, so one task scans one model whole: the engine's cross-file checks (shard
 * indexes, ONNX external data) see all of a model's files.
 *
 * <p>{@link #run} writes, under the output directory, {@code inventory/} (Parquet, {@link
 * Inventory#SCHEMA}, sorted by model and file) and {@code boms/cyclonedx/<model>.cdx.json} and
 * {@code boms/spdx/<model>.spdx.json}, replacing what an earlier run wrote there. Every discovered
 * model has rows, with an {@link Inventory#ERROR} row if it could not be scanned; rows are a pure
 * function of the model bytes and the options, so reruns and retried tasks give identical rows.
 *
 * <p>As a {@code spark-submit} main class:
 *
 * <pre>
 * RegistryScan scan ROOT_URI OUT_DIR [--policy FILE] [--pins FILE] [--revocations FILE]
 *              [--bom-timestamp ISO-8601] [--read-through-filesystem] [--fail-on-rejected]
 * RegistryScan incident INVENTORY_DIR FEED [--out DIR]
 * </pre>
 */
public final class RegistryScan {
  /** The output's subdirectory holding the inventory. */
  public static final String INVENTORY = "inventory";

  /** The output's subdirectory holding the BOMs. */
  public static final String BOMS = "boms";

  private final SparkSession spark;
  private final ScanOptions options;

  private RegistryScan(SparkSession spark, ScanOptions options) {
    this.spark = Objects.requireNonNull(spark, "spark");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** A scan job on this session with these options. */
  public static RegistryScan create(SparkSession spark, ScanOptions options) {
    return new RegistryScan(spark, options);
  }

  /**
   * What a run did, counted over the rows it wrote.
   *
   * @param models models discovered (each has at least one row)
   * @param rows inventory rows
   * @param accepted rows with verdict {@value Inventory#ACCEPTED}
   * @param rejected rows with verdict {@value Inventory#REJECTED}
   * @param errors rows with verdict {@value Inventory#ERROR}
   * @param ignored rows with verdict {@value Inventory#IGNORED}
   * @param inventory where the Parquet inventory is
   * @param boms where the BOMs are
   */
  public record Summary(
      long models,
      long rows,
      long accepted,
      long rejected,
      long errors,
      long ignored,
      String inventory,
      String boms) {}

  /**
   * The models under {@code rootUri}, as qualified URIs in sorted order (the {@code model} column).
   *
   * @throws IOException if the root or a folder above model level cannot be listed
   */
  public List<String> discover(String rootUri) throws IOException {
    return discoverRefs(rootUri).stream().map(ModelRef::uri).toList();
  }

  List<ModelRef> discoverRefs(String rootUri) throws IOException {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(rootUri);
    FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    return ModelLayout.discover(fs, root);
  }

  /**
   * The inventory of every model under {@code rootUri}, not written anywhere and not cached: each
   * action on it scans again (cache it, or use {@link #run}).
   */
  public Dataset<Row> inventory(String rootUri) throws IOException {
    return rows(scan(discoverRefs(rootUri), bomTime()));
  }

  /**
   * Scans every model under {@code rootUri} and writes the inventory and the BOMs under {@code
   * outDir}, replacing an earlier run's.
   *
   * @throws IOException if the root cannot be listed or the output cannot be written
   */
  public Summary run(String rootUri, String outDir) throws IOException {
    return run(discoverRefs(rootUri), outDir);
  }

  Summary run(List<ModelRef> models, String outDir) throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<HashMap<String, String>> confCopy = jsc.broadcast(HadoopConf.toMap(conf));
    JavaRDD<ModelResult> results = scan(models, bomTime(), confCopy);
    results.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // Nothing dropped: every discovered model came back (each with at least one row).
      long scanned = results.count();
      if (scanned != models.size()) {
        throw new IllegalStateException(
            models.size() + " models discovered but " + scanned + " scanned");
      }
      org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(outDir);
      String inventory = new org.apache.hadoop.fs.Path(out, INVENTORY).toString();
      org.apache.hadoop.fs.Path boms = new org.apache.hadoop.fs.Path(out, BOMS);
      // The scan needs a task per model; what follows (rows, sort, BOM files) is light per model,
      // and
      // a task per model there would be mostly scheduling: merged into a few partitions.
      JavaRDD<ModelResult> merged =
          results.coalesce(Math.max(1, Math.min(models.size(), 2 * jsc.defaultParallelism())));
      Dataset<Row> rows = rows(merged);
      rows.write().mode(SaveMode.Overwrite).parquet(inventory);
      FileSystem fs = boms.getFileSystem(conf);
      fs.delete(boms, true); // BOMs of models gone since the last run must not stay behind
      merged.foreachPartition(new BomWriter(boms.toString(), confCopy));
      Map<String, Long> verdicts = new HashMap<>();
      // Counted from the cached results, not by reading the output back: an output path is not a
      // glob pattern, and reading it back would make it one ("local[1]").
      for (Row r : rows.groupBy("verdict").count().collectAsList()) {
        verdicts.put(r.getString(0), r.getLong(1));
      }
      long total = verdicts.values().stream().mapToLong(Long::longValue).sum();
      return new Summary(
          models.size(),
          total,
          verdicts.getOrDefault(Inventory.ACCEPTED, 0L),
          verdicts.getOrDefault(Inventory.REJECTED, 0L),
          verdicts.getOrDefault(Inventory.ERROR, 0L),
          verdicts.getOrDefault(Inventory.IGNORED, 0L),
          inventory,
          boms.toString());
    } finally {
      results.unpersist(false);
      confCopy.destroy();
    }
  }

  private Instant bomTime() {
    Instant t = options.bomTimestamp();
    return t != null ? t : Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  private JavaRDD<ModelResult> scan(List<ModelRef> models, Instant bomTime) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return scan(
        models,
        bomTime,
        jsc.broadcast(HadoopConf.toMap(spark.sparkContext().hadoopConfiguration())));
  }

  private JavaRDD<ModelResult> scan(
      List<ModelRef> models, Instant bomTime, Broadcast<HashMap<String, String>> conf) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // One partition per model: a task scans one whole model, never a part of one, and a slow model
    // holds up no other. (parallelize cuts a list into contiguous, equal slices, so n slices of n
    // models are one model each.)
    return jsc.parallelize(new ArrayList<>(models), Math.max(1, models.size()))
        .map(new ModelScanner(options, bomTime, conf));
  }

  private Dataset<Row> rows(JavaRDD<ModelResult> results) {
    JavaRDD<Row> rows = results.flatMap(r -> r.rows().iterator()).map(InventoryRow::toRow);
    return spark
        .createDataFrame(rows, Inventory.SCHEMA)
        .orderBy(functions.col("model"), functions.col("file"));
  }

  // ---------------------------------------------------------------- spark-submit entry point

  /**
   * {@code scan ROOT OUT [options]} or {@code incident INVENTORY FEED [--out DIR]}; see the class
   * documentation. Exit status: 0 done (scan: even with rejected models, unless {@code
   * --fail-on-rejected}; incident: nothing affected), 1 rejected models with {@code
   * --fail-on-rejected} or affected models found, 2 usage or I/O error.
   */
  @SuppressForbidden("the spark-submit entry point prints its summary and sets the exit status")
  public static void main(String[] args) {
    int status;
    try {
      status = run(args, System.out);
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("safeload-spark: " + e.getMessage());
      status = 2;
    }
    if (status != 0) {
      System.exit(status);
    }
  }

  static int run(String[] args, PrintStream out) throws IOException {
    if (args.length < 3) {
      throw new IllegalArgumentException(
          "usage: RegistryScan scan ROOT_URI OUT_DIR [--policy FILE] [--pins FILE]"
              + " [--revocations FILE] [--bom-timestamp ISO-8601] [--read-through-filesystem]"
              + " [--fail-on-rejected]\n"
              + "       RegistryScan incident INVENTORY_DIR FEED [--out DIR]");
    }
    SparkSession spark = SparkSession.builder().appName("safeload registry scan").getOrCreate();
    switch (args[0]) {
      case "scan":
        return scanCommand(spark, args, out);
      case "incident":
        return incidentCommand(spark, args, out);
      default:
        throw new IllegalArgumentException("unknown command " + args[0] + " (scan, incident)");
    }
  }

  private static int scanCommand(SparkSession spark, String[] args, PrintStream out)
      throws IOException {
    ScanOptions.Builder b = ScanOptions.builder();
    boolean failOnRejected = false;
    for (int i = 3; i < args.length; i++) {
      switch (args[i]) {
        case "--policy" -> b.policyFile(Path.of(value(args, ++i)));
        case "--pins" -> b.pins(Path.of(value(args, ++i)));
        case "--revocations" -> b.revocations(Path.of(value(args, ++i)));
        case "--bom-timestamp" -> {
          try {
            b.bomTimestamp(Instant.parse(value(args, ++i)));
          } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--bom-timestamp: " + e.getMessage(), e);
          }
        }
        case "--read-through-filesystem" -> b.readThroughFileSystem(true);
        case "--fail-on-rejected" -> failOnRejected = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Summary s = create(spark, b.build()).run(args[1], args[2]);
    out.print(
        String.format(
            Locale.ROOT,
            "models %d, rows %d: accepted %d, rejected %d, error %d, ignored %d%n"
                + "inventory: %s%nboms: %s%n",
            s.models(),
            s.rows(),
            s.accepted(),
            s.rejected(),
            s.errors(),
            s.ignored(),
            s.inventory(),
            s.boms()));
    return failOnRejected && s.rejected() + s.errors() > 0 ? 1 : 0;
  }

  private static int incidentCommand(SparkSession spark, String[] args, PrintStream out)
      throws IOException {
    String outDir = null;
    for (int i = 3; i < args.length; i++) {
      if (args[i].equals("--out")) {
        outDir = value(args, ++i);
      } else {
        throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Dataset<Row> hits = Incident.affected(spark, spark.read().parquet(args[1]), args[2]);
    if (outDir != null) {
      hits.write().mode(SaveMode.Overwrite).parquet(outDir);
    }
    List<Row> rows = hits.collectAsList();
    out.println("model\tfile\tsha256\tmatch\trevoked\treason");
    for (Row r : rows) {
      out.println(
          r.getString(0)
              + '\t'
              + r.getString(1)
              + '\t'
              + r.getString(2)
              + '\t'
              + r.getString(3)
              + '\t'
              + r.getString(4)
              + '\t'
              + r.getString(5));
    }
    out.flush();
    return rows.isEmpty() ? 0 : 1;
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }
}
