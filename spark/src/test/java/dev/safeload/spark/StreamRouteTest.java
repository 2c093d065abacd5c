package dev.safeload.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.provenance.Sha256;
import dev.safeload.testing.FileBuilders;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route {@code hdfs://} and {@code s3a://} models take (listed with {@code
 * FileSystem.listFiles}, read as {@link dev.safeload.ModelSource} streams opened with {@code
 * FileSystem.open}), forced for {@code file://} models with {@code readThroughFileSystem}.
 */
@Tag("slow") // Spark in local[2]: 35 s with StreamRouteTest on a 2-core machine, more under load
class StreamRouteTest {
  @TempDir Path tmp;

  @Test
  void modelsReadThroughHadoopStreamsGetTheSameVerdictsAndAnUnreadableFileAnErrorRow()
      throws IOException {
    Path root = TestRegistry.write(tmp.resolve("registry"));
    // Written through Hadoop's local file system, which keeps a checksum beside the file; the
    // bytes then change behind its back, so reading the file through Hadoop fails (an I/O error
    // mid-stream, as a bad HDFS block or a dropped S3 connection would be).
    FileSystem local = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path corrupt =
        new org.apache.hadoop.fs.Path(root.resolve("org-c/corrupt/model.safetensors").toUri());
    byte[] good = FileBuilders.safetensors(TestRegistry.TENSOR, 8);
    try (OutputStream out = local.create(corrupt, true)) {
      out.write(good);
    }
    byte[] flipped = good.clone();
    flipped[flipped.length - 1] ^= 1;
    Files.write(root.resolve("org-c/corrupt/model.safetensors"), flipped);

    ScanOptions options =
        ScanOptions.builder().bomTimestamp(RegistryScanTest.T).readThroughFileSystem(true).build();
    RegistryScan.Summary s =
        RegistryScan.create(LocalSpark.session(), options)
            .run(root.toUri().toString(), tmp.resolve("out").toUri().toString());
    List<Row> rows = RegistryScanTest.read(s.inventory());
    assertEquals(
        Map.of(
            "org-a/bert | config.json", "accepted []",
            "org-a/bert | model.safetensors", "accepted []",
            "org-a/onnx-mini | model.onnx", "accepted []",
            "org-b/crashy | model.safetensors", "accepted []",
            "org-b/dupkey | model.safetensors", "rejected [SAFETENSORS_DUPLICATE_KEY]",
            "org-c/corrupt | model.safetensors", "error [IO_ERROR]",
            "single.safetensors | single.safetensors", "accepted []"),
        RegistryScanTest.verdicts(rows));
    Row single =
        rows.stream().filter(r -> "single.safetensors".equals(r.getString(1))).findFirst().get();
    assertEquals(
        Sha256.hash(Files.readAllBytes(root.resolve("single.safetensors"))).hex(),
        single.getString(3));
  }
}
