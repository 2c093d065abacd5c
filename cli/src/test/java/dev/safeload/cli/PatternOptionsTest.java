package dev.safeload.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.ScanReport;
import dev.safeload.provenance.Sha256;
import dev.safeload.testing.SharedVectors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --ignore} and {@code --opaque} on every command that reads a model, the patterns recorded
 * in pin files and signatures, how ignored and opaque files are reported, and the exit code when a
 * rejection and an I/O error meet.
 */
class PatternOptionsTest {
  @TempDir Path tmp;

  static CliTest.Run run(String... args) {
    return CliTest.run(args);
  }

  // ------------------------------------------------------------------------ invalid patterns

  @Test
  void anInvalidPatternIsAOneLineUsageErrorOnEveryCommand() throws Exception {
    Path model = CliTest.toyModel(tmp);
    Path pins = Files.writeString(tmp.resolve("p.pins.json"), "{}");
    Map<String, String[]> rest =
        Map.of(
            "scan", new String[] {model.toString()},
            "pin", new String[] {model.toString()},
            "verify", new String[] {"--pins", pins.toString(), model.toString()},
            "sign", new String[] {"--key", tmp.resolve("k.pem").toString(), model.toString()},
            "bom", new String[] {model.toString()});
    for (var e : rest.entrySet()) {
      for (String option : List.of("--ignore", "--opaque")) {
        for (String bad : List.of("!keep.md", "[a-", "")) {
          String[] args = new String[2 + e.getValue().length + 1];
          args[0] = e.getKey();
          args[1] = option;
          args[2] = bad;
          System.arraycopy(e.getValue(), 0, args, 3, e.getValue().length);
          CliTest.Run r = run(args);
          String what = String.join(" ", args);
          assertEquals(2, r.exit(), what);
          assertEquals("", r.out(), what);
          List<String> lines = r.err().lines().toList();
          assertEquals(1, lines.size(), what + ":\n" + r.err());
          assertTrue(
              lines.get(0).startsWith("safeload: ") && lines.get(0).contains(option), lines.get(0));
          assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
          if (bad.startsWith("!")) { // the pattern's own problem, not a generic usage text
            assertTrue(
                lines.get(0).contains("negated file patterns are not supported: !keep.md"),
                lines.get(0));
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------------- exit codes

  static Scanned scanned(List<FileReport> files, List<Finding> model) {
    return new Scanned("m", true, new ScanReport(Path.of("m"), files, model, List.of("README.md")));
  }

  static final FileReport REJECTED =
      new FileReport(
          "bad.toy",
          3,
          null,
          Sha256.of(new byte[32]),
          List.of(new Finding(Reason.UNKNOWN_FORMAT, "bad.toy", 0, "not a toy")));
  static final FileReport UNREADABLE =
      new FileReport(
          "gone.toy",
          -1,
          null,
          null,
          List.of(
              new Finding(
                  Reason.IO_ERROR, "gone.toy", Finding.NO_OFFSET, "java.io.IOException: EIO")));
  static final FileReport OK =
      new FileReport("ok.toy", 3, "toy", Sha256.of(new byte[32]), List.of());

  @Test
  void exitCodes() {
    assertEquals(Main.OK, Scans.exitCode(List.of(scanned(List.of(OK), List.of()))));
    assertEquals(Main.REJECTED, Scans.exitCode(List.of(scanned(List.of(OK, REJECTED), List.of()))));
    assertEquals(
        Main.USAGE_OR_IO, Scans.exitCode(List.of(scanned(List.of(OK, UNREADABLE), List.of()))));
    // A model-level I/O error (a directory that cannot be listed) counts the same.
    assertEquals(
        Main.USAGE_OR_IO,
        Scans.exitCode(
            List.of(
                scanned(
                    List.of(OK),
                    List.of(new Finding(Reason.IO_ERROR, "sub", Finding.NO_OFFSET, "denied"))))));
  }

  /**
   * A rejection and an I/O error together: exit code 2 (the I/O error wins) and the JSON says both.
   */
  @Test
  void rejectionAndIoErrorTogether() {
    List<Scanned> both = List.of(scanned(List.of(REJECTED, UNREADABLE), List.of()));
    assertEquals(Main.USAGE_OR_IO, Scans.exitCode(both));
    StringWriter out = new StringWriter();
    JsonReport.write(new Report("scan", both), out);
    Map<String, Object> root = CliTest.json(out.toString());
    Map<String, Map<String, Object>> files = CliTest.byPath(root);
    assertEquals(List.of("UNKNOWN_FORMAT"), CliTest.reasons(files.get("m/bad.toy")));
    assertEquals(List.of("IO_ERROR"), CliTest.reasons(files.get("m/gone.toy")));
    assertEquals(true, root.get("ioError"));
    assertEquals(2L, root.get("exitCode"));
    assertEquals(List.of(Map.of("path", "m/README.md")), root.get("ignoredFiles"));

    StringWriter table = new StringWriter();
    TableReport.write(both, new PrintWriter(table));
    assertTrue(table.toString().contains("1 could not be read (exit code 2)"), table.toString());
    assertTrue(
        table
            .toString()
            .lines()
            .anyMatch(l -> l.startsWith("m/README.md") && l.contains("ignored")),
        table.toString());
  }

  /** End to end where permissions bite (not as root): an unreadable model file is exit 2, not 1. */
  @Test
  void unreadableFileIsExit2() throws Exception {
    assumeFalse("root".equals(System.getProperty("user.name")), "root reads every file");
    Path model = CliTest.toyModel(tmp);
    Path locked = model.resolve("sub/more.toy");
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    try {
      CliTest.Run r = run("scan", "--json", model.toString());
      assertEquals(2, r.exit(), r.out() + r.err());
      assertEquals(true, CliTest.json(r.out()).get("ioError"));
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rw-------"));
    }
  }

  // --------------------------------------------------------------- patterns recorded by proofs

  @Test
  void pinRecordsItsIgnorePatterns() throws Exception {
    Path model = CliTest.toyModel(tmp);
    Files.writeString(model.resolve("README.md"), "# card");
    CliTest.Run pin = run("pin", "--ignore", "*.md", model.toString());
    assertEquals(0, pin.exit(), pin.err());
    assertTrue(
        pin.out().contains("\"version\" : 2") && pin.out().contains("\"ignore\" : [ \"*.md\" ]"),
        pin.out());
    assertFalse(pin.out().contains("README"), pin.out());
    // The pin file alone now leaves README.md out: no --ignore needed to verify.
    Path pins = Files.writeString(tmp.resolve("m.pins.json"), pin.out());
    CliTest.Run verify = run("verify", "--pins", pins.toString(), model.toString());
    assertEquals(0, verify.exit(), verify.out() + verify.err());
  }

  static String payload(Path sig) throws Exception {
    String b = Files.readString(sig);
    int i = b.indexOf("\"payload\":\"") + 11;
    return new String(Base64.getDecoder().decode(b.substring(i, b.indexOf('"', i))), UTF_8);
  }

  @Test
  void signRecordsIgnoredPathsAndPatterns() throws Exception {
    Path model = CliTest.toyModel(tmp);
    Files.writeString(model.resolve("README.md"), "# card");
    Files.createDirectories(model.resolve("docs"));
    Files.writeString(model.resolve("docs/USAGE.md"), "usage");
    new SignatureCommandsTest().keysIn(tmp, "signer");
    CliTest.Run sign =
        run(
            "sign",
            "--key",
            tmp.resolve("signer.key.pem").toString(),
            "--ignore",
            "*.md",
            "--opaque",
            "LICENSE",
            model.toString());
    assertEquals(0, sign.exit(), sign.err());
    String p = payload(model.resolve("model.sig"));
    assertTrue(p.contains("\"README.md\"") && p.contains("\"docs/USAGE.md\""), p); // ignore_paths
    assertTrue(p.contains("\"ignore\": [\"*.md\"]") && p.contains("\"opaque\": [\"LICENSE\"]"), p);
    assertFalse(p.contains("\"name\": \"README.md\""), p);
  }

  // --------------------------------------------------------------- snapshots end to end

  /** A Hugging Face-like snapshot: toy weights, a model card, nested docs, a licence. */
  Path snapshot() throws Exception {
    Path model = CliTest.toyModel(tmp);
    Files.writeString(model.resolve("README.md"), "# card");
    Files.createDirectories(model.resolve("docs"));
    Files.writeString(model.resolve("docs/USAGE.md"), "usage");
    Files.writeString(model.resolve("LICENSE"), "Apache-2.0");
    return model;
  }

  @Test
  void ignoreMatchesAtAnyDepthAndIsReported() throws Exception {
    Path model = snapshot();
    CliTest.Run r =
        run("scan", "--json", "--ignore", "*.md", "--opaque", "LICENSE", model.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    Map<String, Object> root = CliTest.json(r.out());
    assertEquals(
        List.of(Map.of("path", model + "/README.md"), Map.of("path", model + "/docs/USAGE.md")),
        root.get("ignoredFiles"));
    assertEquals("opaque", CliTest.byPath(root).get(model + "/LICENSE").get("format"));
    CliTest.Run table = run("scan", "--ignore", "*.md", "--opaque", "LICENSE", model.toString());
    assertTrue(
        table
            .out()
            .lines()
            .anyMatch(l -> l.startsWith(model + "/docs/USAGE.md") && l.contains("ignored")),
        table.out());
    assertTrue(
        table.out().lines().anyMatch(l -> l.startsWith(model + "/LICENSE") && l.contains("opaque")),
        table.out());
    assertTrue(table.out().contains("; 2 ignored"), table.out());
  }

  /** pin → sign → verify of a snapshot with ignored and opaque files, patterns given once each. */
  @Test
  void pinSignVerifyRoundTripWithIgnoredAndOpaqueFiles() throws Exception {
    Path model = snapshot();
    new SignatureCommandsTest().keysIn(tmp, "signer");
    String[] patterns = {"--ignore", "*.md", "--opaque", "LICENSE"};
    CliTest.Run pin = run(concat(new String[] {"pin"}, patterns, new String[] {model.toString()}));
    assertEquals(0, pin.exit(), pin.err());
    Path pins = Files.writeString(tmp.resolve("snap.pins.json"), pin.out());
    CliTest.Run sign =
        run(
            concat(
                new String[] {"sign", "--key", tmp.resolve("signer.key.pem").toString()},
                patterns,
                new String[] {model.toString()}));
    assertEquals(0, sign.exit(), sign.err());
    // Neither proof needs the options repeated: each records its patterns.
    CliTest.Run both =
        run(
            "verify",
            "--json",
            "--pins",
            pins.toString(),
            "--key",
            tmp.resolve("signer.pub.pem").toString(),
            model.toString());
    assertEquals(0, both.exit(), both.out() + both.err());
    Map<String, Object> root = CliTest.json(both.out());
    assertEquals("opaque", CliTest.byPath(root).get(model + "/LICENSE").get("format"));
    assertEquals(2, CliTest.list(root.get("ignoredFiles")).size(), both.out());
    assertEquals(
        0,
        run("verify", "--key", tmp.resolve("signer.pub.pem").toString(), model.toString()).exit());
    // Pins alone: the signature is then an ordinary, unpinned file, unless it is ignored.
    assertEquals(1, run("verify", "--pins", pins.toString(), model.toString()).exit());
    CliTest.Run pinsOnly =
        run("verify", "--pins", pins.toString(), "--ignore", "model.sig", model.toString());
    assertEquals(0, pinsOnly.exit(), pinsOnly.out() + pinsOnly.err());
    // A new file the signer's pattern covers is ignored too; a new unsigned weight file is not.
    Files.writeString(model.resolve("docs/MORE.md"), "more");
    assertEquals(
        0,
        run("verify", "--key", tmp.resolve("signer.pub.pem").toString(), model.toString()).exit());
    Files.writeString(model.resolve("planted.toy"), "TOY!planted");
    CliTest.Run planted =
        run("verify", "--key", tmp.resolve("signer.pub.pem").toString(), model.toString());
    assertEquals(1, planted.exit());
    assertTrue(planted.out().contains("SIGNATURE_FILE_NOT_SIGNED"), planted.out());
  }

  /** The OpenSSF reference goldens through the real CLI and the shipped handlers. */
  @Test
  void omsGoldensVerifyWithTheShippedHandlers() throws Exception {
    Path signed = SharedVectors.dir("oms/model-transparency/signed");
    String pub = signed.resolve("keys/certificate/signing-key-pub.pem").toString();
    String ca = signed.resolve("keys/certificate/ca-cert.pem").toString();
    String root = SharedVectors.dir("sigstore/public-good").resolve("trusted_root.json").toString();
    String[] sigstore = {
      "--sigstore",
      "--trusted-root",
      root,
      "--identity",
      "stefanb@us.ibm.com",
      "--issuer",
      "https://sigstore.verify.ibm.com/oauth2"
    };
    // v1.1.0 records ignore-me in ignore_paths: only the content files need a word.
    for (String[] mode :
        List.of(new String[] {"--key", pub}, new String[] {"--cert-chain", ca}, sigstore)) {
      String dir =
          signed
              .resolve(
                  mode[0].equals("--key")
                      ? "v1.1.0-elliptic-key"
                      : mode[0].equals("--cert-chain") ? "v1.1.0-certificate" : "v1.1.0-sigstore")
              .toString();
      CliTest.Run r =
          CliTest.runWith(
              new Main(),
              concat(
                  new String[] {"verify", "--json", "--opaque", "signme-*"},
                  mode,
                  new String[] {dir}));
      assertEquals(0, r.exit(), dir + "\n" + r.out() + r.err());
      Map<String, Object> json = CliTest.json(r.out());
      assertEquals(List.of(Map.of("path", dir + "/ignore-me")), json.get("ignoredFiles"));
      assertEquals("opaque", CliTest.byPath(json).get(dir + "/signme-1").get("format"));
    }
    // v1.0.1 records no ignore_paths: ignore-me must be named, else it is an unsigned file.
    String v101 = signed.resolve("v1.0.1-elliptic-key").toString();
    CliTest.Run unnamed =
        CliTest.runWith(new Main(), "verify", "--opaque", "signme-*", "--key", pub, v101);
    assertEquals(1, unnamed.exit(), unnamed.out());
    assertTrue(unnamed.out().contains("ignore-me"), unnamed.out());
    assertEquals(
        0,
        CliTest.runWith(
                new Main(),
                "verify",
                "--opaque",
                "signme-*",
                "--ignore",
                "ignore-me",
                "--key",
                pub,
                v101)
            .exit());
    // Without --opaque the content files have no format: the signature alone does not make them
    // loadable.
    CliTest.Run noOpaque =
        CliTest.runWith(
            new Main(), "verify", "--key", pub, signed.resolve("v1.1.0-elliptic-key").toString());
    assertEquals(1, noOpaque.exit());
    assertTrue(noOpaque.out().contains("UNKNOWN_FORMAT"), noOpaque.out());
  }

  static String[] concat(String[]... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
  }

  static String lines(String s) {
    return s.lines().collect(Collectors.joining("\n"));
  }
}
