package dev.safeload.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import dev.safeload.testing.ToyHandler;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/** The command line as a user runs it: exit codes, output, the JSON shape, pin and verify. */
class CliTest {
  @TempDir Path tmp;
  Path model;

  record Run(int exit, String out, String err) {}

  /** Runs the command with a loader that also knows the toy format. */
  static Run run(String... args) {
    return runWith(
        new Main(
            b ->
                b.handler(new ToyHandler())
                    .policy(LoadPolicy.strict().toBuilder().allowFormat(ToyHandler.ID).build())),
        args);
  }

  static Run runWith(Main main, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine(main, args);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @BeforeEach
  void model() throws Exception {
    model = toyModel(tmp);
  }

  /**
   * A two-file toy model directory ({@code weights.toy}, {@code sub/more.toy}) under {@code tmp}.
   */
  static Path toyModel(Path tmp) throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("model"));
    Files.writeString(dir.resolve("weights.toy"), "TOY!weights");
    Files.createDirectory(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/more.toy"), "TOY!more");
    return dir;
  }

  @Test
  void scanAcceptsValidFiles() {
    Run r = run("scan", model.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains(model + "/weights.toy") && r.out().contains("accepted"), r.out());
    assertTrue(r.out().contains("2 files: 2 accepted, 0 rejected"), r.out());
  }

  @Test
  void scanJsonHasTheDocumentedShape() throws Exception {
    Path unknown = Files.writeString(tmp.resolve("notes.toy"), "not a toy");
    Run r = run("scan", "--json", model.toString(), unknown.toString());
    assertEquals(1, r.exit(), r.err());
    Map<String, Object> root = json(r.out());
    // The original fields first, unchanged; fields added later come after them.
    assertEquals(
        List.of(
            "files",
            "modelFindings",
            "ignoredFiles",
            "ioError",
            "exitCode",
            "tool",
            "command",
            "summary",
            "proofs"),
        List.copyOf(root.keySet()));
    assertEquals(List.of(), root.get("ignoredFiles"));
    assertEquals(false, root.get("ioError"));
    assertEquals(1L, root.get("exitCode"));
    List<Map<String, Object>> files = list(root.get("files"));
    assertEquals(
        List.of(model + "/sub/more.toy", model + "/weights.toy", unknown.toString()),
        files.stream().map(f -> f.get("path")).toList());
    Map<String, Object> ok = files.get(1);
    assertEquals(
        List.of("path", "verdict", "format", "sha256", "findings", "proofs", "licenses"),
        List.copyOf(ok.keySet()));
    assertEquals(List.of(), ok.get("proofs"), "a scan without pins or signatures proves nothing");
    assertEquals("accepted", ok.get("verdict"));
    assertEquals("toy", ok.get("format"));
    assertEquals(
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256", "SUN")
                    .digest("TOY!weights".getBytes(UTF_8))),
        ok.get("sha256"));
    assertEquals(List.of(), ok.get("findings"));
    Map<String, Object> bad = files.get(2);
    assertEquals("rejected", bad.get("verdict"));
    assertNull(bad.get("format"));
    Map<String, Object> finding = list(bad.get("findings")).get(0);
    assertEquals(List.of("reason", "offset", "message"), List.copyOf(finding.keySet()));
    assertEquals("UNKNOWN_FORMAT", finding.get("reason"));
    assertEquals(0L, finding.get("offset"));
    assertEquals(List.of(), root.get("modelFindings"));
  }

  @Test
  void scanOfAMissingPathIsAnIoError() {
    Run r = run("scan", tmp.resolve("absent").toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("no such file or directory"), r.err());
  }

  @Test
  void aMissingPathIsARejectedEntryInTheJson() throws Exception {
    String absent = tmp.resolve("absent").toString();
    Run r = run("scan", "--json", absent, model.toString());
    assertEquals(2, r.exit(), r.err());
    List<Map<String, Object>> files = list(json(r.out()).get("files"));
    Map<String, Object> missing = files.get(0);
    assertEquals(absent, missing.get("path"));
    assertEquals("rejected", missing.get("verdict"));
    assertNull(missing.get("sha256"));
    assertEquals("IO_ERROR", list(missing.get("findings")).get(0).get("reason"));
    assertEquals(3, files.size(), "the readable model's two files are still reported");
  }

  /**
   * Several paths are scanned side by side (one loader run each, on the loader's parallelism) and
   * reported in the order given, messages included; one thread gives the same report.
   */
  @Test
  void severalPathsAreReportedInTheOrderGivenWhateverTheThreads() throws Exception {
    List<String> args = new ArrayList<>(List.of("scan", "--json"));
    for (int i = 0; i < 12; i++) {
      Path f = tmp.resolve("m" + i + ".toy");
      Files.writeString(f, i % 5 == 3 ? "not a toy" : "TOY!" + "w".repeat(i * 1000));
      args.add(f.toString());
      if (i == 6) {
        args.add(tmp.resolve("absent-" + i).toString());
      }
    }
    args.add(tmp.resolve("absent-last").toString());
    List<String> expected = args.subList(2, args.size());
    List<String> reports = new ArrayList<>();
    for (long threads : new long[] {1, 4}) {
      Run r =
          runWith(
              new Main(
                  b ->
                      b.handler(new ToyHandler())
                          .policy(
                              LoadPolicy.strict().toBuilder()
                                  .allowFormat(ToyHandler.ID)
                                  .set(LoadPolicy.PARALLELISM, threads)
                                  .build())),
              args.toArray(String[]::new));
      assertEquals(2, r.exit(), r.err());
      List<Map<String, Object>> files = list(json(r.out()).get("files"));
      assertEquals(expected, files.stream().map(f -> f.get("path")).toList());
      assertEquals(
          List.of("rejected", "rejected", "rejected", "rejected"),
          files.stream().map(f -> f.get("verdict")).filter(v -> !"accepted".equals(v)).toList());
      assertTrue(
          r.err().indexOf("absent-6") < r.err().indexOf("absent-last"),
          "messages in the order the paths were given: " + r.err());
      reports.add(r.out());
    }
    assertEquals(reports.get(0), reports.get(1), "the same report on one thread and on four");
  }

  @Test
  void usageErrorsExitWith2() {
    assertEquals(2, run().exit());
    assertEquals(2, run("scan").exit());
    assertEquals(2, run("scan", "--bogus", model.toString()).exit());
    assertEquals(2, run("verify", model.toString()).exit()); // --pins is required
    assertEquals(2, run("frobnicate").exit());
  }

  @Test
  void pinThenVerifyRoundTrip() throws Exception {
    Run pin = run("pin", model.toString());
    assertEquals(0, pin.exit(), pin.err());
    Path pins = Files.writeString(tmp.resolve("model.pins.json"), pin.out());
    Map<String, Object> pinJson = json(pin.out());
    assertEquals(1L, pinJson.get("version"));
    assertEquals(
        List.of("sub/more.toy", "weights.toy"),
        list(pinJson.get("files")).stream().map(f -> f.get("path")).toList());
    assertEquals(8L, list(pinJson.get("files")).get(0).get("size"));

    Run verify = run("verify", "--pins", pins.toString(), model.toString());
    assertEquals(0, verify.exit(), verify.out() + verify.err());
    assertTrue(verify.out().contains("verified: every file matches model.pins.json"), verify.out());

    Run single = run("verify", "--pins", pins.toString(), model.resolve("weights.toy").toString());
    assertEquals(0, single.exit(), single.out());
  }

  @Test
  void pinWithShardSizeWritesShardsThatVerifyChecks() throws Exception {
    byte[] big = new byte[(1 << 20) * 2 + 100];
    new java.util.Random(14).nextBytes(big);
    System.arraycopy("TOY!".getBytes(UTF_8), 0, big, 0, 4);
    Files.write(model.resolve("weights.toy"), big);
    Run pin = run("pin", "--shard-size", "1M", model.toString());
    assertEquals(0, pin.exit(), pin.err());
    Map<String, Object> pinJson = json(pin.out());
    assertEquals(3L, pinJson.get("version"));
    assertEquals(1048576L, pinJson.get("shard_size"));
    Map<String, Object> weights =
        list(pinJson.get("files")).stream()
            .filter(f -> f.get("path").equals("weights.toy"))
            .findFirst()
            .orElseThrow();
    assertEquals(3, ((List<?>) weights.get("shards")).size());
    Path pins = Files.writeString(tmp.resolve("model.pins.json"), pin.out());
    Run ok = run("verify", "--pins", pins.toString(), model.toString());
    assertEquals(0, ok.exit(), ok.out() + ok.err());

    big[(1 << 20) * 2 + 50] ^= 1; // in the last shard; same size
    Files.write(model.resolve("weights.toy"), big);
    Run r = run("verify", "--json", "--pins", pins.toString(), model.toString());
    assertEquals(1, r.exit(), r.out());
    assertEquals(
        List.of("PIN_SHARD_MISMATCH", "UNPROVEN_FILE"),
        reasons(byPath(json(r.out())).get(model + "/weights.toy")));
    assertEquals(2, run("pin", "--shard-size", "4096", model.toString()).exit(), "under 1 MiB");
    Run lots = run("pin", "--shard-size", "lots", model.toString());
    assertEquals(2, lots.exit());
    assertEquals(
        "safeload: --shard-size must be a size of at least 1M, got 'lots'",
        lots.err().strip(),
        "the same one-line usage error as sign's");
  }

  @Test
  void pinShardsOnlyVerifiesWithoutAWholeFileDigest() throws Exception {
    byte[] big = new byte[(1 << 20) * 2 + 100];
    new java.util.Random(14).nextBytes(big);
    System.arraycopy("TOY!".getBytes(UTF_8), 0, big, 0, 4);
    Files.write(model.resolve("weights.toy"), big);
    Run pin = run("pin", "--shard-size", "1M", "--shards-only", model.toString());
    assertEquals(0, pin.exit(), pin.err());
    Map<String, Object> weights =
        list(json(pin.out()).get("files")).stream()
            .filter(f -> f.get("path").equals("weights.toy"))
            .findFirst()
            .orElseThrow();
    assertFalse(weights.containsKey("sha256"), pin.out());
    assertEquals(3, ((List<?>) weights.get("shards")).size());
    Path pins = Files.writeString(tmp.resolve("model.pins.json"), pin.out());
    Run ok = run("verify", "--json", "--pins", pins.toString(), model.toString());
    assertEquals(0, ok.exit(), ok.out() + ok.err());
    Map<String, Object> file =
        list(json(ok.out()).get("files")).stream()
            .filter(f -> f.get("path").equals(model + "/weights.toy"))
            .findFirst()
            .orElseThrow();
    assertNull(file.get("sha256"), "no whole-file digest is claimed");
    assertEquals(1, ((List<?>) file.get("shards")).size());

    big[5] ^= 1;
    Files.write(model.resolve("weights.toy"), big);
    Run r = run("verify", "--json", "--pins", pins.toString(), model.toString());
    assertEquals(1, r.exit(), r.out());
    assertEquals(
        List.of("PIN_SHARD_MISMATCH", "UNPROVEN_FILE"),
        reasons(byPath(json(r.out())).get(model + "/weights.toy")));
    assertEquals(2, run("pin", "--shards-only", model.toString()).exit(), "needs --shard-size");
  }

  @Test
  void verifyJsonListsEachFilesProofAsTheLoaderKeptIt() throws Exception {
    Path pins =
        Files.writeString(tmp.resolve("model.pins.json"), run("pin", model.toString()).out());
    Run r = run("verify", "--json", "--pins", pins.toString(), model.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    for (Map<String, Object> f : list(json(r.out()).get("files"))) {
      List<Map<String, Object>> proofs = list(f.get("proofs"));
      assertEquals(1, proofs.size(), f.toString());
      Map<String, Object> p = proofs.get(0);
      assertEquals(
          List.of("verifier", "technique", "signer", "attributes"), List.copyOf(p.keySet()));
      assertEquals("pins", p.get("verifier"));
      assertEquals("pin", p.get("technique"));
      assertNull(p.get("signer"));
      assertEquals(Map.of("source", "model.pins.json"), p.get("attributes"));
    }
  }

  /**
   * A pin set that leaves a file out: the loader's rule, not the command, calls the file unproven.
   */
  @Test
  void verifyWithPinsThatMissAFileReportsItUnprovenOnce() throws Exception {
    String weights =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256", "SUN")
                    .digest(Files.readAllBytes(model.resolve("weights.toy"))));
    Path sums = Files.writeString(tmp.resolve("SHA256SUMS"), weights + "  weights.toy\n");
    Run r = run("verify", "--json", "--pins", sums.toString(), model.toString());
    assertEquals(1, r.exit(), r.out());
    Map<String, Map<String, Object>> byPath = byPath(json(r.out()));
    assertEquals(
        List.of("PIN_FILE_NOT_PINNED", "UNPROVEN_FILE"),
        reasons(byPath.get(model + "/sub/more.toy")));
    assertEquals(List.of(), reasons(byPath.get(model + "/weights.toy")));
    assertEquals(1, list(byPath.get(model + "/weights.toy").get("proofs")).size());
    assertEquals(List.of(), byPath.get(model + "/sub/more.toy").get("proofs"));
  }

  @Test
  void tamperedFileFailsVerifyWithDigestMismatch() throws Exception {
    Path pins =
        Files.writeString(tmp.resolve("model.pins.json"), run("pin", model.toString()).out());
    Files.writeString(model.resolve("weights.toy"), "TOY!weightz"); // same size, one byte differs
    Run r = run("verify", "--json", "--pins", pins.toString(), model.toString());
    assertEquals(1, r.exit(), r.out());
    Map<String, Map<String, Object>> byPath = byPath(json(r.out()));
    Map<String, Object> w = byPath.get(model + "/weights.toy");
    assertEquals("rejected", w.get("verdict"));
    // The pins say what is wrong; the loader's proof rule adds that nothing proves the file, as
    // load does.
    assertEquals(List.of("PIN_DIGEST_MISMATCH", "UNPROVEN_FILE"), reasons(w));
    assertEquals(List.of(), w.get("proofs"));
    assertEquals("accepted", byPath.get(model + "/sub/more.toy").get("verdict"));
  }

  @Test
  void sizeChangeAndPlantedAndMissingFiles() throws Exception {
    Path pins =
        Files.writeString(tmp.resolve("model.pins.json"), run("pin", model.toString()).out());
    Files.writeString(model.resolve("weights.toy"), "!", StandardOpenOption.APPEND);
    Files.writeString(model.resolve("planted.toy"), "TOY!planted");
    Files.delete(model.resolve("sub/more.toy"));
    Run r = run("verify", "--json", "--pins", pins.toString(), model.toString());
    assertEquals(1, r.exit());
    Map<String, Object> root = json(r.out());
    Map<String, Map<String, Object>> byPath = byPath(root);
    assertEquals(
        List.of("PIN_SIZE_MISMATCH", "UNPROVEN_FILE"), reasons(byPath.get(model + "/weights.toy")));
    assertEquals(
        List.of("PIN_FILE_NOT_PINNED", "UNPROVEN_FILE"),
        reasons(byPath.get(model + "/planted.toy")));
    List<Map<String, Object>> modelFindings = list(root.get("modelFindings"));
    assertEquals(1, modelFindings.size());
    assertEquals("PIN_FILE_MISSING", modelFindings.get(0).get("reason"));
    assertEquals(model.toString(), modelFindings.get(0).get("path"));
    assertNull(modelFindings.get(0).get("offset"));
  }

  @Test
  void verifyAcceptsSha256sumPins() throws Exception {
    Run pin = run("scan", "--json", model.toString());
    StringBuilder sums = new StringBuilder();
    for (Map<String, Object> f : list(json(pin.out()).get("files"))) {
      String rel = ((String) f.get("path")).substring(model.toString().length() + 1);
      sums.append(f.get("sha256")).append("  ").append(rel).append('\n');
    }
    Path pins = Files.writeString(tmp.resolve("SHA256SUMS"), sums);
    assertEquals(0, run("verify", "--pins", pins.toString(), model.toString()).exit());
  }

  @Test
  void verifyWithABadPinFileIsAnIoError() throws Exception {
    Path pins =
        Files.writeString(tmp.resolve("bad.pins.json"), "{\"version\":1,\"files\":[],\"x\":1}");
    Run r = run("verify", "--pins", pins.toString(), model.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("unknown field 'x'"), r.err());
    assertEquals(
        2, run("verify", "--pins", tmp.resolve("absent.json").toString(), model.toString()).exit());
  }

  @Test
  void pinRefusesAModelThatCannotLoad() throws Exception {
    Files.writeString(model.resolve("junk.toy"), "junk");
    Run r = run("pin", model.toString());
    assertEquals(1, r.exit());
    assertEquals("", r.out());
    assertTrue(r.err().contains("UNKNOWN_FORMAT") && r.err().contains("not pinning"), r.err());
    Run forced = run("pin", "--include-rejected", model.toString());
    assertEquals(0, forced.exit());
    assertEquals(3, list(json(forced.out()).get("files")).size());
  }

  @Test
  void pinEscapesNonAsciiNames() throws Exception {
    Files.writeString(model.resolve("gewichte-\u00fc.toy"), "TOY!u");
    Run r = run("pin", model.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().chars().allMatch(c -> c < 0x80), r.out());
    assertTrue(r.out().contains("\\u00FC") || r.out().contains("\\u00fc"), r.out());
    Path pins = Files.writeString(tmp.resolve("m.pins.json"), r.out());
    assertEquals(0, run("verify", "--pins", pins.toString(), model.toString()).exit());
  }

  @Test
  void demoRejectsEveryMaliciousSample() {
    Run r = runWith(new Main(), "demo");
    List<String> rows =
        r.out()
            .lines()
            .filter(l -> l.contains("  rejected  ") || l.contains("  accepted  "))
            .collect(Collectors.toList());
    assertEquals(DemoSamples.all().size(), rows.size(), r.out());
    for (DemoSamples.Sample s : DemoSamples.all()) {
      String row =
          rows.stream().filter(l -> l.startsWith(s.file() + " ")).findFirst().orElseThrow();
      if (s.malicious()) {
        assertTrue(row.contains("rejected  rejected  ok  " + s.reason().code()), row);
      } else {
        assertTrue(row.contains("accepted  accepted  ok  format "), row);
      }
    }
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("Every verdict matches"), r.out());
  }

  @Test
  void demoFailsWhenAMaliciousSampleIsCaughtForAnotherReason() {
    // Without the pickle handler, the pickle payloads are UNKNOWN_FORMAT: rejected, but not for the
    // reason they demonstrate, so the demo must not count them as caught.
    Run r =
        runWith(
            new Main(
                b ->
                    b.discoverHandlers(false)
                        .handler(new dev.safeload.formats.safetensors.SafetensorsHandler())
                        .handler(new dev.safeload.formats.numpy.NumpyHandler())
                        .handler(new dev.safeload.formats.pytorch.PyTorchHandler())),
            "demo");
    assertEquals(1, r.exit(), r.out());
    String payload =
        r.out().lines().filter(l -> l.startsWith("payload.pkl ")).findFirst().orElseThrow();
    assertTrue(payload.contains("rejected  rejected  MISMATCH"), payload);
  }

  @Test
  void demoFailsWhenABenignSampleIsRejected() {
    // Without any handler every sample is UNKNOWN_FORMAT: the benign ones must show as mismatches.
    Run r = runWith(new Main(b -> b.discoverHandlers(false)), "demo");
    assertEquals(1, r.exit());
    for (DemoSamples.Sample s : DemoSamples.all()) {
      if (!s.malicious()) {
        String row =
            r.out().lines().filter(l -> l.startsWith(s.file() + " ")).findFirst().orElseThrow();
        assertTrue(row.contains("accepted  rejected  MISMATCH  UNKNOWN_FORMAT"), row);
      }
    }
  }

  @Test
  void pinAndVerifyARealSafetensorsFileWithTheShippedHandlers() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("st"));
    byte[] bytes =
        DemoSamples.safetensors(
            "{\"w\":{\"dtype\":\"U8\",\"shape\":[64],\"data_offsets\":[0,64]}}", 64);
    Files.write(dir.resolve("model.safetensors"), bytes);
    Run pin = runWith(new Main(), "pin", dir.toString());
    assertEquals(0, pin.exit(), pin.err());
    Path pins = Files.writeString(tmp.resolve("st.pins.json"), pin.out());
    assertEquals(
        0, runWith(new Main(), "verify", "--pins", pins.toString(), dir.toString()).exit());
    bytes[bytes.length - 1] ^=
        1; // a tensor byte: still valid safetensors, no longer the pinned bytes
    Files.write(dir.resolve("model.safetensors"), bytes);
    Run r = runWith(new Main(), "verify", "--json", "--pins", pins.toString(), dir.toString());
    assertEquals(1, r.exit(), r.out());
    Map<String, Object> f = byPath(json(r.out())).get(dir + "/model.safetensors");
    assertEquals("safetensors", f.get("format"));
    assertEquals(List.of("PIN_DIGEST_MISMATCH", "UNPROVEN_FILE"), reasons(f));
  }

  // ------------------------------------------------------------------ a tiny JSON tree reader

  static Map<String, Object> json(String text) {
    try (JsonParser p = new JsonFactory().createParser(ObjectReadContext.empty(), text)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) value(p, p.nextToken());
      assertNull(p.nextToken(), "one JSON value only");
      return m;
    }
  }

  private static Object value(JsonParser p, JsonToken t) {
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
          String name = p.currentName();
          m.put(name, value(p, p.nextToken()));
        }
        return m;
      }
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          l.add(value(p, e));
        }
        return l;
      }
      case VALUE_STRING -> {
        return p.getString();
      }
      case VALUE_NUMBER_INT -> {
        return p.getLongValue();
      }
      case VALUE_NULL -> {
        return null;
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return t == JsonToken.VALUE_TRUE;
      }
      default -> throw new AssertionError("unexpected " + t);
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Object o) {
    return (List<Map<String, Object>>) o;
  }

  static Map<String, Map<String, Object>> byPath(Map<String, Object> root) {
    Map<String, Map<String, Object>> m = new LinkedHashMap<>();
    list(root.get("files")).forEach(f -> m.put((String) f.get("path"), f));
    return m;
  }

  static List<Object> reasons(Map<String, Object> file) {
    return list(file.get("findings")).stream().map(f -> f.get("reason")).toList();
  }

  @Test
  void ignoredDocumentationIsLeftOutOfScanPinAndVerify() throws Exception {
    Path snap = Files.createDirectory(tmp.resolve("snapshot"));
    byte[] header =
        "{\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}}".getBytes(UTF_8);
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(8 + header.length + 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    Files.write(
        snap.resolve("model.safetensors"),
        b.putLong(header.length).put(header).put(new byte[4]).array());
    Files.writeString(snap.resolve("README.md"), "# model card");
    Files.writeString(snap.resolve(".gitattributes"), "*.safetensors filter=lfs");

    Run plain = runWith(new Main(), "scan", snap.toString());
    assertEquals(1, plain.exit(), plain.out());
    assertTrue(plain.out().contains("UNKNOWN_FORMAT"), plain.out());

    String[] ignore = {"--ignore", "*.md", "--ignore", ".gitattributes"};
    Run scan =
        runWith(new Main(), concat(new String[] {"scan"}, ignore, new String[] {snap.toString()}));
    assertEquals(0, scan.exit(), scan.out() + scan.err());
    Run pin =
        runWith(new Main(), concat(new String[] {"pin"}, ignore, new String[] {snap.toString()}));
    assertEquals(0, pin.exit(), pin.err());
    assertTrue(pin.out().contains("model.safetensors") && !pin.out().contains("README"), pin.out());
    Path pins = Files.writeString(tmp.resolve("snapshot.pins.json"), pin.out());
    Run verify =
        runWith(
            new Main(),
            concat(
                new String[] {"verify", "--pins", pins.toString()},
                ignore,
                new String[] {snap.toString()}));
    assertEquals(0, verify.exit(), verify.out() + verify.err());
  }

  private static String[] concat(String[]... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
  }
}
