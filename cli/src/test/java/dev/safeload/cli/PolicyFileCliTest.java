package dev.safeload.cli;

import static dev.safeload.cli.CliTest.json;
import static dev.safeload.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import dev.safeload.testing.ToyHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * safeload.json as the CLI reads it: found from the current directory up to the repository root
 * (never inside a scanned model), named by --policy, or turned off.
 */
class PolicyFileCliTest {
  @TempDir Path tmp;
  Path repo;
  Path model;

  @BeforeEach
  void repo() throws Exception {
    repo = Files.createDirectory(tmp.resolve("repo"));
    Files.createDirectory(repo.resolve(".git"));
    model = CliTest.toyModel(repo);
    Files.writeString(model.resolve("README.md"), "# card");
  }

  /** Runs the command as if from {@code dir} (policy discovery starts there). */
  static CliTest.Run in(Path dir, String... args) {
    return CliTest.runWith(
        new Main(
                b ->
                    b.handler(new ToyHandler())
                        .policy(LoadPolicy.strict().toBuilder().allowFormat(ToyHandler.ID).build()))
            .workingDirectory(dir),
        args);
  }

  @Test
  void aPolicyAtTheRepositoryRootApplies() throws Exception {
    // README.md is UNKNOWN_FORMAT without the policy
    assertEquals(1, in(repo, "scan", model.toString()).exit());
    Files.writeString(repo.resolve("safeload.json"), "{\"version\":1,\"ignore\":[\"*.md\"]}");
    CliTest.Run r = in(repo, "scan", "--json", model.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertEquals(List.of(Map.of("path", model + "/README.md")), json(r.out()).get("ignoredFiles"));
    assertEquals(1, in(repo, "scan", "--no-policy", model.toString()).exit());
    // From a subdirectory of the repository too.
    assertEquals(
        0, in(Files.createDirectories(repo.resolve("src/x")), "scan", model.toString()).exit());
  }

  /** The hole this closes: a single file scanned beside a snapshot's own safeload.json. */
  @Test
  void aPolicyBesideTheScannedFilesIsNotUsedAndInsideTheModelIsRefused() throws Exception {
    Files.writeString(model.resolve("safeload.json"), "{\"version\":1,\"ignore\":[\"*.md\"]}");
    Path card = model.resolve("README.md");
    // From the repository: the model's own file is never looked at, so README.md stays unknown.
    CliTest.Run r = in(repo, "scan", "--json", card.toString());
    assertEquals(1, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("UNKNOWN_FORMAT"), r.out());
    // From inside the model: found, and refused as a usage error naming the file.
    for (String scanned : List.of(card.toString(), model.toString())) {
      CliTest.Run inside = in(model, "scan", scanned);
      assertEquals(Main.USAGE_OR_IO, inside.exit(), inside.out() + inside.err());
      assertEquals(
          "safeload: "
              + model.toRealPath().resolve("safeload.json")
              + " lies inside the scanned model "
              + scanned
              + ": a model cannot choose the policy it is judged by"
              + " (name a policy file explicitly, or use no policy file)",
          inside.err().strip());
    }
    // Named explicitly, it applies; --no-policy turns discovery off.
    assertEquals(0, in(model, "scan", "--policy", "safeload.json", model.toString()).exit());
    assertEquals(1, in(model, "scan", "--no-policy", model.toString()).exit());
  }

  @Test
  void theLicenceAllowlistOfThePolicyIsEnforced() throws Exception {
    Files.writeString(
        repo.resolve("safeload.json"),
        "{\"version\":1,\"ignore\":[\"*.md\"],\"licenses\":{\"allow\":[\"MIT\"]}}");
    CliTest.Run r = in(repo, "scan", "--json", model.toString());
    assertEquals(1, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("LICENSE_UNKNOWN"), r.out()); // the toy model declares none
  }

  @Test
  void aMisspeltLimitIsAUsageErrorNamingTheKey() throws Exception {
    Path f =
        Files.writeString(
            repo.resolve("safeload.json"),
            "{\"version\":1,\"limits\":{\"safetensors.maxTensor\":5}}");
    CliTest.Run r = in(repo, "scan", model.toString());
    assertEquals(Main.USAGE_OR_IO, r.exit());
    assertEquals(
        "safeload: "
            + f.toRealPath()
            + ": $.limits.safetensors.maxTensor: unknown setting \"safetensors.maxTensor\""
            + " (neither the loader nor a handler on the class path declares it)",
        r.err().strip());
  }

  @Test
  void aNamedPolicyWinsAndABadOneIsAUsageError() throws Exception {
    Files.writeString(repo.resolve("safeload.json"), "{\"version\":1,\"ignore\":[\"*.md\"]}");
    Path opaque =
        Files.writeString(tmp.resolve("opaque.json"), "{\"version\":1,\"opaque\":[\"README.md\"]}");
    CliTest.Run r = run("scan", "--json", "--policy", opaque.toString(), model.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertEquals("opaque", CliTest.byPath(json(r.out())).get(model + "/README.md").get("format"));

    Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"version\":1,\"ignored\":[]}");
    CliTest.Run b = run("scan", "--policy", bad.toString(), model.toString());
    assertEquals(Main.USAGE_OR_IO, b.exit());
    assertEquals(
        "safeload: "
            + bad
            + ": $: unknown key \"ignored\" (allowed: formats, ignore, licenses, limits, "
            + "opaque, profiles, trust, version)",
        b.err().strip());
    assertEquals(
        Main.USAGE_OR_IO,
        run("scan", "--policy", tmp.resolve("absent.json").toString(), model.toString()).exit());
  }

  @Test
  void verifyTakesThePinsFromThePolicyAndPinRecordsItsPatterns() throws Exception {
    Files.writeString(
        repo.resolve("safeload.json"),
        "{\"version\":1,\"ignore\":[\"*.md\"],\"trust\":{\"pins\":\"model.pins.json\"}}");
    CliTest.Run pin = in(repo, "pin", model.toString());
    assertEquals(0, pin.exit(), pin.err());
    assertTrue(pin.out().contains("\"ignore\" : [ \"*.md\" ]"), pin.out());
    Files.writeString(repo.resolve("model.pins.json"), pin.out());
    CliTest.Run v =
        in(repo, "verify", "--json", model.toString()); // no --pins: the policy names them
    assertEquals(0, v.exit(), v.out() + v.err());
    Files.writeString(model.resolve("weights.toy"), "TOY!weighTS");
    CliTest.Run bad = in(repo, "verify", "--json", model.toString());
    assertEquals(1, bad.exit());
    assertEquals(
        List.of("PIN_DIGEST_MISMATCH", "UNPROVEN_FILE"),
        CliTest.reasons(CliTest.byPath(json(bad.out())).get(model + "/weights.toy")));
  }
}
