package dev.safeload.cli;

import static dev.safeload.cli.CliTest.json;
import static dev.safeload.cli.CliTest.list;
import static dev.safeload.cli.CliTest.run;
import static dev.safeload.cli.CliTest.runWith;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.ScanReport;
import dev.safeload.formats.FormatReason;
import dev.safeload.provenance.Sha256;
import dev.safeload.verify.VerifyReason;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --format table|json|sarif}, {@code --output} and {@code --verbose} on scan and verify. */
class ReportFormatsTest {
  @TempDir Path tmp;

  /** A safetensors file whose header is {@code json} (padded), with {@code data} bytes after it. */
  static byte[] safetensors(String json, int data) {
    byte[] h = json.getBytes(UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
    out.writeBytes(h);
    out.writeBytes(new byte[data]);
    return out.toByteArray();
  }

  static final String GOOD = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
  static final String DUPLICATE =
      "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

  /** A directory with a valid file and a duplicate-key file whose name needs URI encoding. */
  Path model() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("my model"));
    Files.write(dir.resolve("good.safetensors"), safetensors(GOOD, 8));
    Files.write(dir.resolve("dup \u00fc.safetensors"), safetensors(DUPLICATE, 8));
    return dir;
  }

  @Test
  void sarifHasOneRulePerReasonCodeAndResultsWithFileAndByteOffset() throws Exception {
    Path dir = model();
    String arg = tmp.relativize(dir).toString(); // relative, as CI passes paths
    CliTest.Run sarif = inDir(tmp, "scan", "--format", "sarif", arg);
    assertEquals(1, sarif.exit(), sarif.err());
    SarifSchema.assertValid(sarif.out());
    // The schema check can fail: a run without a driver is not SARIF.
    assertThrows(
        AssertionError.class,
        () -> SarifSchema.assertValid("{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{}}]}"));

    Map<String, Object> root = json(sarif.out());
    assertEquals("2.1.0", root.get("version"));
    Map<String, Object> runObj = list(root.get("runs")).get(0);
    Map<String, Object> driver = map(map(runObj.get("tool")).get("driver"));
    assertEquals("safeload", driver.get("name"));
    assertEquals(System.getProperty("safeload.expectedVersion"), driver.get("version"));
    List<Map<String, Object>> rules = list(driver.get("rules"));
    List<String> ids = ReasonCatalog.all().stream().map(ReasonCode::code).toList();
    assertEquals(ids, rules.stream().map(r -> r.get("id")).toList());
    Map<String, Object> dupRule =
        rules.get(ids.indexOf(FormatReason.SAFETENSORS_DUPLICATE_KEY.code()));
    assertEquals(
        FormatReason.SAFETENSORS_DUPLICATE_KEY.description(),
        map(dupRule.get("shortDescription")).get("text"));

    // The same finding as the JSON report: code, file, byte offset.
    CliTest.Run jsonRun = inDir(tmp, "scan", "--format", "json", arg);
    Map<String, Object> dupFile =
        CliTest.byPath(json(jsonRun.out())).get(arg + "/dup \u00fc.safetensors");
    Map<String, Object> finding = list(dupFile.get("findings")).get(0);
    assertEquals("SAFETENSORS_DUPLICATE_KEY", finding.get("reason"));
    long offset = (Long) finding.get("offset");

    List<Map<String, Object>> results = list(runObj.get("results"));
    assertEquals(1, results.size(), sarif.out());
    Map<String, Object> result = results.get(0);
    assertEquals("SAFETENSORS_DUPLICATE_KEY", result.get("ruleId"));
    assertEquals((long) ids.indexOf("SAFETENSORS_DUPLICATE_KEY"), result.get("ruleIndex"));
    assertEquals("error", result.get("level"));
    Map<String, Object> physical =
        map(list(result.get("locations")).get(0).get("physicalLocation"));
    assertEquals(
        "my%20model/dup%20%C3%BC.safetensors", map(physical.get("artifactLocation")).get("uri"));
    assertEquals(offset, map(physical.get("region")).get("byteOffset"));

    List<Map<String, Object>> artifacts = list(runObj.get("artifacts"));
    assertEquals(2, artifacts.size());
    Map<String, Object> inv = list(runObj.get("invocations")).get(0);
    assertEquals(true, inv.get("executionSuccessful"));
    assertEquals(1L, inv.get("exitCode"));
  }

  @Test
  void sarifOfAnUnreadablePathSaysTheRunDidNotSucceed() throws Exception {
    CliTest.Run r = run("scan", "--format", "sarif", tmp.resolve("absent").toString());
    assertEquals(2, r.exit());
    SarifSchema.assertValid(r.out());
    Map<String, Object> runObj = list(json(r.out()).get("runs")).get(0);
    Map<String, Object> inv = list(runObj.get("invocations")).get(0);
    assertEquals(false, inv.get("executionSuccessful"));
    assertEquals(2L, inv.get("exitCode"));
    Map<String, Object> result = list(runObj.get("results")).get(0);
    assertEquals("IO_ERROR", result.get("ruleId"));
    assertEquals(
        tmp.resolve("absent").toUri().toASCIIString(),
        map(map(list(result.get("locations")).get(0).get("physicalLocation"))
                .get("artifactLocation"))
            .get("uri"));
  }

  @Test
  void outputWritesTheReportToAFileAndTheTableToStdout() throws Exception {
    Path dir = model();
    Path sarif = tmp.resolve("out/safeload.sarif");
    Files.createDirectories(sarif.getParent());
    CliTest.Run r =
        runWith(
            new Main(), "scan", "--format", "sarif", "--output", sarif.toString(), dir.toString());
    assertEquals(1, r.exit(), r.err());
    SarifSchema.assertValid(Files.readString(sarif));
    assertTrue(
        r.out().contains("SAFETENSORS_DUPLICATE_KEY")
            && r.out().contains("2 files: 1 accepted, 1 rejected"),
        r.out());

    Path table = tmp.resolve("table.txt");
    CliTest.Run t = runWith(new Main(), "scan", "-o", table.toString(), dir.toString());
    assertEquals(1, t.exit());
    assertEquals("", t.out());
    assertTrue(Files.readString(table).contains("2 files: 1 accepted, 1 rejected"));

    CliTest.Run unwritable =
        runWith(new Main(), "scan", "-o", tmp.resolve("no/such/dir/x").toString(), dir.toString());
    assertEquals(Main.USAGE_OR_IO, unwritable.exit());
  }

  @Test
  void jsonReportHasToolSummaryAndProofs() throws Exception {
    Path dir = CliTest.toyModel(tmp);
    Files.writeString(dir.resolve("README.md"), "# docs");
    Path pins =
        Files.writeString(
            tmp.resolve("m.pins.json"), run("pin", "--ignore", "*.md", dir.toString()).out());
    CliTest.Run r = run("verify", "--format", "json", "--pins", pins.toString(), dir.toString());
    assertEquals(0, r.exit(), r.err() + r.out());
    Map<String, Object> root = json(r.out());
    assertEquals(
        Map.of("name", "safeload", "version", System.getProperty("safeload.expectedVersion")),
        root.get("tool"));
    assertEquals("verify", root.get("command"));
    Map<String, Object> summary = map(root.get("summary"));
    assertEquals(2L, summary.get("files"));
    assertEquals(2L, summary.get("accepted"));
    assertEquals(0L, summary.get("rejected"));
    assertEquals(1L, summary.get("ignored"));
    assertEquals(0L, summary.get("findings"));
    assertEquals(Map.of(), summary.get("byReason"));
    Map<String, Object> proof = list(root.get("proofs")).get(0);
    assertEquals("pin", proof.get("technique"));
    assertEquals(List.of(dir + "/sub/more.toy", dir + "/weights.toy"), proof.get("files"));
    assertEquals(List.of(Map.of("path", dir + "/README.md")), root.get("ignoredFiles"));

    Files.writeString(dir.resolve("weights.toy"), "TOY!weighTS"); // same size, other bytes
    Map<String, Object> bad =
        json(run("verify", "--json", "--pins", pins.toString(), dir.toString()).out());
    Map<String, Object> badSummary = map(bad.get("summary"));
    assertEquals(1L, badSummary.get("rejected"));
    assertEquals(
        Map.of("PIN_DIGEST_MISMATCH", 1L, "UNPROVEN_FILE", 1L), badSummary.get("byReason"));
    // The pins no longer prove the tampered file.
    assertEquals(List.of(dir + "/sub/more.toy"), list(bad.get("proofs")).get(0).get("files"));
  }

  @Test
  void verboseTableShowsEveryFindingInFull() {
    String longMessage = "m".repeat(150);
    FileReport two =
        new FileReport(
            "two.toy",
            3,
            "toy",
            Sha256.of(new byte[32]),
            List.of(
                new Finding(Reason.UNKNOWN_FORMAT, "two.toy", 7, longMessage),
                new Finding(Reason.UNPROVEN_FILE, "two.toy", Finding.NO_OFFSET, "second")));
    Finding model =
        new Finding(VerifyReason.PIN_FILE_MISSING, "gone.toy", Finding.NO_OFFSET, "n".repeat(120));
    Report report =
        new Report(
            "verify",
            List.of(
                new Scanned(
                    "m", true, new ScanReport(Path.of("m"), List.of(two), List.of(model)))));

    StringWriter shortOut = new StringWriter();
    TableReport.write(report, new PrintWriter(shortOut), false);
    List<String> shortRows = shortOut.toString().lines().filter(l -> l.startsWith("m/")).toList();
    assertEquals(2, shortRows.size(), shortOut.toString());
    assertTrue(
        shortRows.get(0).endsWith("UNKNOWN_FORMAT @7: " + "m".repeat(97) + "... (+1 more)"),
        shortRows.get(0));
    assertTrue(
        shortRows.get(1).endsWith("PIN_FILE_MISSING: " + "n".repeat(97) + "..."), shortRows.get(1));

    StringWriter full = new StringWriter();
    TableReport.write(report, new PrintWriter(full), true);
    List<String> rows = full.toString().lines().filter(l -> l.startsWith("m/")).toList();
    assertEquals(3, rows.size(), full.toString());
    assertTrue(
        rows.get(0).startsWith("m/two.toy")
            && rows.get(0).endsWith("UNKNOWN_FORMAT @7: " + longMessage),
        rows.get(0));
    assertTrue(
        rows.get(1).startsWith("m/two.toy") && rows.get(1).endsWith("UNPROVEN_FILE: second"),
        rows.get(1));
    assertTrue(
        rows.get(2).startsWith("m/gone.toy")
            && rows.get(2).endsWith("PIN_FILE_MISSING: " + "n".repeat(120)),
        rows.get(2));
    assertTrue(
        full.toString().contains("1 file: 0 accepted, 1 rejected; 1 model-level finding"),
        full.toString());

    // The command line option reaches the same table.
    assertTrue(run("scan", "--help").out().contains("--verbose"));
  }

  @Test
  void versionIsTheBuildsVersion() {
    CliTest.Run r = run("--version");
    assertEquals(0, r.exit());
    assertEquals("safeload " + System.getProperty("safeload.expectedVersion"), r.out().strip());
  }

  @Test
  void anUnknownFormatIsAUsageError() {
    CliTest.Run r = run("scan", "--format", "xml", tmp.toString());
    assertEquals(Main.USAGE_OR_IO, r.exit());
    assertTrue(r.err().contains("'xml' is not a report format (table, json, sarif)"), r.err());
  }

  @Test
  void uriReferencesAreEncoded() {
    assertEquals("a%20b/%C3%BC%25.toy", dev.safeload.bom.sarif.SarifLog.uri("a b/\u00fc%.toy"));
    assertEquals("./c:x/y", dev.safeload.bom.sarif.SarifLog.uri("c:x/y"));
    assertEquals("dir/a:b", dev.safeload.bom.sarif.SarifLog.uri("dir/a:b"));
    assertFalse(dev.safeload.bom.sarif.SarifLog.uri("/abs/x y").contains(" "));
    assertTrue(dev.safeload.bom.sarif.SarifLog.uri("/abs/x").startsWith("file:///abs/x"));
  }

  /** Runs with the shipped handlers, relative paths resolved against {@code dir}. */
  private static CliTest.Run inDir(Path dir, String... args) {
    // The JVM's working directory cannot change; resolve the relative PATH argument ourselves while
    // keeping the text the user typed for display: run from a Main whose arguments are relative to
    // the working directory would need a chdir, so the test passes paths relative to the cwd
    // instead.
    Path cwd = Path.of("").toAbsolutePath();
    String[] rel = args.clone();
    String last = rel[rel.length - 1];
    rel[rel.length - 1] = cwd.relativize(dir.resolve(last)).toString();
    CliTest.Run r = runWith(new Main(), rel);
    // Present the output as if run from dir: the relative prefix is the only difference.
    String prefix = cwd.relativize(dir).toString() + "/";
    String encodedPrefix = dev.safeload.bom.sarif.SarifLog.uri(prefix);
    return new CliTest.Run(
        r.exit(), r.out().replace(encodedPrefix, "").replace(prefix, ""), r.err());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }
}
