package dev.safeload.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.bom.BomSchema;
import dev.safeload.bom.SpdxSchema;
import dev.safeload.provenance.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry scan end to end in {@code local[2]}: one run over {@link TestRegistry} (plus a model
 * deleted between discovery and its task, a model whose scan throws and a model whose first task
 * attempt dies) shared by the tests below, each asserting one property of its output.
 */
@Tag("slow") // Spark in local[2]: 35 s with StreamRouteTest on a 2-core machine, more under load
class RegistryScanTest {
  static final Instant T = Instant.parse("2026-12-01T00:00:00Z");

  @TempDir static Path tmp;
  static Path root;
  static String rootUri;
  static String out;
  static RegistryScan.Summary summary;
  static List<Row> rows;

  static ScanOptions options() {
    return ScanOptions.builder()
        .bomTimestamp(T)
        .failScanOf("org-b/crashy")
        .failFirstAttemptOf("org-a/bert")
        .build();
  }

  static SparkSession spark() {
    return LocalSpark.session();
  }

  @BeforeAll
  static void scanOnce() throws IOException {
    root = TestRegistry.write(tmp.resolve("registry"));
    rootUri = root.toUri().toString();
    Path gone = Files.createDirectories(root.resolve("org-c/gone"));
    Files.writeString(gone.resolve("config.json"), "{}");
    RegistryScan job = RegistryScan.create(spark(), options());
    List<ModelRef> models = job.discoverRefs(rootUri);
    // Gone after discovery, before its task: the model must still get a row.
    Files.delete(gone.resolve("config.json"));
    Files.delete(gone);
    out = tmp.resolve("out").toUri().toString();
    summary = job.run(models, out);
    rows = read(summary.inventory());
  }

  static List<Row> read(String inventory) {
    return spark().read().parquet(inventory).orderBy("model", "file").collectAsList();
  }

  /** "model below the root | file" to "verdict [codes]". */
  static Map<String, String> verdicts(List<Row> rows) {
    Map<String, String> m = new TreeMap<>();
    for (Row r : rows) {
      InventoryRow x = InventoryRow.fromRow(r);
      String model = x.model().substring(x.model().indexOf("/registry/") + "/registry/".length());
      m.put(
          model + " | " + x.file(),
          x.verdict() + " " + x.findings().stream().map(InventoryRow.FindingRow::code).toList());
    }
    return m;
  }

  @Test
  void everyModelHasRowsWithTheExactVerdicts() {
    assertEquals(
        Map.of(
            "org-a/bert | config.json", "accepted []",
            "org-a/bert | model.safetensors", "accepted []",
            "org-a/onnx-mini | model.onnx", "accepted []",
            "org-b/crashy | null", "error [SCAN_FAILED]",
            "org-b/dupkey | model.safetensors", "rejected [SAFETENSORS_DUPLICATE_KEY]",
            "org-c/gone | null", "error [MODEL_UNREADABLE]",
            "single.safetensors | single.safetensors", "accepted []"),
        verdicts(rows));
    assertEquals(
        new RegistryScan.Summary(6, 7, 4, 1, 2, 0, summary.inventory(), summary.boms()), summary);
  }

  @Test
  void rowsCarrySizeDigestAndFormat() throws IOException {
    Row single =
        rows.stream().filter(r -> "single.safetensors".equals(r.getString(1))).findFirst().get();
    byte[] bytes = Files.readAllBytes(root.resolve("single.safetensors"));
    assertEquals(
        hadoopForm(root.resolve("single.safetensors").toUri().toString()), single.getString(0));
    assertEquals(bytes.length, single.getLong(2));
    assertEquals(Sha256.hash(bytes).hex(), single.getString(3));
    assertEquals("safetensors", single.getString(4));
  }

  @Test
  void discoveryFollowsTheRule() throws IOException {
    List<String> found = RegistryScan.create(spark(), ScanOptions.defaults()).discover(rootUri);
    List<String> expected = new ArrayList<>();
    for (String m : List.of("org-a/bert", "org-a/onnx-mini", "org-b/crashy", "org-b/dupkey")) {
      expected.add(root.resolve(m).toUri().toString().replaceAll("/$", ""));
    }
    expected.add(root.resolve("single.safetensors").toUri().toString());
    assertEquals(expected.stream().map(RegistryScanTest::hadoopForm).toList(), found);
  }

  /** Hadoop writes local URIs as file:/x, java.net.URI as file:///x. */
  static String hadoopForm(String uri) {
    return uri.replaceFirst("^file:///", "file:/");
  }

  @Test
  void parquetRoundTripKeepsTheSchemaAndTheRows() throws IOException {
    Dataset<Row> written = spark().read().parquet(summary.inventory());
    List<String> names = Stream.of(written.schema().fields()).map(StructField::name).toList();
    assertEquals(List.of(Inventory.SCHEMA.fieldNames()), names);
    for (StructField f : Inventory.SCHEMA.fields()) {
      assertEquals(
          f.dataType().asNullable(), written.schema().apply(f.name()).dataType().asNullable());
    }
    // The same rows straight from the scan, without Parquet (the deleted model aside).
    List<Row> direct = RegistryScan.create(spark(), options()).inventory(rootUri).collectAsList();
    List<Row> expected = rows.stream().filter(r -> !r.getString(0).endsWith("/gone")).toList();
    assertEquals(expected, direct);
  }

  @Test
  void aRetriedTaskIsNotCountedTwice() {
    // org-a/bert's first attempt died (failFirstAttemptOf): Spark retried it, and its two files
    // are in the inventory once each.
    long bert = rows.stream().filter(r -> r.getString(0).endsWith("org-a/bert")).count();
    assertEquals(2, bert);
  }

  @Test
  void eachModelHasValidBoms() throws IOException {
    Path boms = Path.of(java.net.URI.create(summary.boms()));
    List<String> cdx = new ArrayList<>();
    try (Stream<Path> s = Files.walk(boms)) {
      s.filter(Files::isRegularFile)
          .map(p -> boms.relativize(p).toString())
          .sorted(Comparator.naturalOrder())
          .forEach(cdx::add);
    }
    List<String> expected = new ArrayList<>();
    for (String m :
        List.of(
            "org-a/bert",
            "org-a/onnx-mini",
            "org-b/crashy",
            "org-b/dupkey",
            "org-c/gone",
            "single.safetensors")) {
      expected.add("cyclonedx/" + m + ".cdx.json");
      expected.add("spdx/" + m + ".spdx.json");
    }
    expected.sort(Comparator.naturalOrder());
    // Hadoop's local file system leaves .crc files beside what it writes.
    assertEquals(expected, cdx.stream().filter(n -> !n.endsWith(".crc")).toList());
    BomSchema.assertValid(Files.readAllBytes(boms.resolve("cyclonedx/org-b/dupkey.cdx.json")));
    SpdxSchema.assertValid(Files.readAllBytes(boms.resolve("spdx/org-b/dupkey.spdx.json")));
    String dup = Files.readString(boms.resolve("cyclonedx/org-b/dupkey.cdx.json"));
    assertTrue(dup.contains("SAFETENSORS_DUPLICATE_KEY"), dup);
  }

  @Test
  void aRerunOverUnchangedModelsGivesIdenticalRowsAndBoms() throws IOException {
    String again = tmp.resolve("again").toUri().toString();
    RegistryScan job = RegistryScan.create(spark(), options());
    RegistryScan.Summary s = job.run(job.discoverRefs(rootUri), again);
    List<Row> expected = rows.stream().filter(r -> !r.getString(0).endsWith("/gone")).toList();
    assertEquals(expected, read(s.inventory()));
    for (String bom : List.of("cyclonedx/org-a/bert.cdx.json", "spdx/org-b/dupkey.spdx.json")) {
      assertArrayEquals(
          Files.readAllBytes(Path.of(java.net.URI.create(summary.boms())).resolve(bom)),
          Files.readAllBytes(Path.of(java.net.URI.create(s.boms())).resolve(bom)));
    }
  }

  @Test
  void incidentFindsThePlantedRevokedDigest() throws IOException {
    Sha256 planted = Sha256.hash(Files.readAllBytes(root.resolve("single.safetensors")));
    Path feed = tmp.resolve("revoked.json");
    Files.writeString(
        feed,
        "{\"version\":1,\"revoked\":[{\"sha256\":\""
            + planted.hex()
            + "\",\"reason\":\"poisoned, incident 42\"},"
            + "{\"sha256\":\""
            + "0".repeat(64)
            + "\",\"reason\":\"not in the registry\"}]}");
    List<Row> hits =
        Incident.affected(
                spark(), spark().read().parquet(summary.inventory()), feed.toUri().toString())
            .collectAsList();
    assertEquals(1, hits.size(), hits::toString);
    Row h = hits.get(0);
    assertEquals("single.safetensors", h.getString(1));
    assertEquals(planted.hex(), h.getString(2));
    assertEquals("digest", h.getString(3));
    assertEquals("poisoned, incident 42", h.getString(5));
  }

  @Test
  void incidentReadsAPlainDigestList() throws IOException {
    Sha256 bert = Sha256.hash(Files.readAllBytes(root.resolve("org-a/bert/model.safetensors")));
    Path list = tmp.resolve("digests.txt");
    Files.writeString(list, "# incident 43\n\nsha256:" + bert.hex() + "  leaked weights\n");
    List<Row> hits =
        Incident.affected(
                spark(), spark().read().parquet(summary.inventory()), list.toUri().toString())
            .collectAsList();
    // org-b/crashy holds the same bytes but was never read (its scan failed): no digest, no
    // match; its error row is what says it needs another look.
    assertEquals(1, hits.size(), hits::toString);
    assertTrue(hits.get(0).getString(0).endsWith("org-a/bert"));
    assertEquals("model.safetensors", hits.get(0).getString(1));
    assertEquals("leaked weights", hits.get(0).getString(5));
  }

  @Test
  void anInvalidFeedStopsTheQuery() throws IOException {
    Path bad = tmp.resolve("bad.txt");
    Files.writeString(bad, "not-a-digest\n");
    Dataset<Row> inventory = spark().read().parquet(summary.inventory());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Incident.affected(spark(), inventory, bad.toUri().toString()));
    assertTrue(e.getMessage().contains("bad.txt line 1"), e.getMessage());
  }

  @Test
  void theMainClassScansAndAnswersTheIncidentQuery() throws IOException {
    String cliOut = tmp.resolve("cli").toUri().toString();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
    assertEquals(
        0,
        RegistryScan.run(
            new String[] {"scan", rootUri, cliOut, "--bom-timestamp", T.toString()}, ps));
    String scanned = buf.toString(StandardCharsets.UTF_8);
    assertTrue(
        scanned.startsWith("models 5, rows 6: accepted 5, rejected 1, error 0, ignored 0"),
        scanned);
    Sha256 planted = Sha256.hash(Files.readAllBytes(root.resolve("single.safetensors")));
    Path list = tmp.resolve("main-digests.txt");
    Files.writeString(list, planted.hex() + "\n");
    buf.reset();
    assertEquals(
        1,
        RegistryScan.run(
            new String[] {
              "incident", cliOut + "/" + RegistryScan.INVENTORY, list.toUri().toString()
            },
            ps));
    String answer = buf.toString(StandardCharsets.UTF_8);
    assertTrue(answer.contains("\tsingle.safetensors\t" + planted.hex() + "\tdigest\t"), answer);
  }
}
