package dev.safeload.spark;

import dev.safeload.Finding;
import dev.safeload.ScanReport;
import dev.safeload.bom.AiBom;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;

/**
 * The work of one Spark task: scan one model and turn the report into rows and BOMs. A pure
 * function of the model's bytes, the options and the BOM timestamp (fixed on the driver before the
 * job starts), so a retried or speculative attempt produces exactly what the first one would have.
 *
 * <p>It never throws for a model: an I/O error becomes a {@link SparkReason#MODEL_UNREADABLE} row,
 * anything else the scan throws a {@link SparkReason#SCAN_FAILED} row. What kills the task itself
 * (a lost executor) is retried by Spark; if every attempt fails, the job fails rather than
 * finishing without the model.
 */
final class ModelScanner implements Function<ModelRef, ModelResult> {
  private static final long serialVersionUID = 1L;

  private final ScanOptions options;
  private final Instant bomTime;
  private final Broadcast<HashMap<String, String>> hadoopConf;

  ModelScanner(
      ScanOptions options, Instant bomTime, Broadcast<HashMap<String, String>> hadoopConf) {
    this.options = Objects.requireNonNull(options, "options");
    this.bomTime = Objects.requireNonNull(bomTime, "bomTime");
    this.hadoopConf = Objects.requireNonNull(hadoopConf, "hadoopConf");
  }

  @Override
  public ModelResult call(ModelRef model) {
    injectTaskFailure(model);
    ScanReport report;
    try {
      if (options.failScanOf != null && model.uri().endsWith(options.failScanOf)) {
        throw new IllegalStateException("injected scan failure");
      }
      report = scan(model);
    } catch (IOException e) {
      report = failed(model, SparkReason.MODEL_UNREADABLE, e);
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      report = failed(model, SparkReason.SCAN_FAILED, e);
    }
    return result(model, report);
  }

  private ScanReport scan(ModelRef model) throws IOException {
    URI uri = uri(model);
    if ("file".equals(uri.getScheme()) && !options.readThroughFileSystem()) {
      return Loaders.forOptions(options).scan(Path.of(uri));
    }
    return HadoopScan.scan(Loaders.forOptions(options), model, uri, hadoopConf.value());
  }

  private ModelResult result(ModelRef model, ScanReport report) {
    List<InventoryRow> rows = InventoryRow.of(model.uri(), report);
    AiBom bom =
        AiBom.builder()
            .clock(Clock.fixed(bomTime, ZoneOffset.UTC))
            .serialNumber(
                UUID.nameUUIDFromBytes(
                    (bomTime + "\n" + model.uri()).getBytes(StandardCharsets.UTF_8)))
            .add(report)
            .build();
    return new ModelResult(model, rows, bom.toByteArray(), bom.toSpdxByteArray());
  }

  private static ScanReport failed(ModelRef model, SparkReason reason, Throwable e) {
    String message =
        e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    Finding f = new Finding(reason, null, Finding.NO_OFFSET, message);
    return new ScanReport(
        localName(model), List.of(), List.of(f), List.of(), List.of(), model.uri());
  }

  /** The path a report names for the model (the BOM shows it): the URI's path part. */
  static Path localName(ModelRef model) {
    String p = uri(model).getPath();
    return Path.of(p == null || p.isEmpty() ? model.relative() : p);
  }

  static URI uri(ModelRef model) {
    try {
      return new URI(model.uri());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(model.uri(), e); // qualified by Hadoop: always valid
    }
  }

  private void injectTaskFailure(ModelRef model) {
    String victim = options.failFirstAttemptOf;
    TaskContext task = TaskContext.get();
    if (victim != null
        && model.uri().endsWith(victim)
        && task != null
        && task.attemptNumber() == 0) {
      throw new IllegalStateException("injected task failure (first attempt)");
    }
  }
}
