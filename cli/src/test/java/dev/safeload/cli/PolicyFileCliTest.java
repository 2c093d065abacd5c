package dev.safeload.cli;

import static dev.safeload.cli.CliTest.json;
import static dev.safeload.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** safeload.json as the CLI reads it: found beside the model, named by --policy, or turned off. */
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

  @Test
  void aPolicyAtTheRepositoryRootApplies() throws Exception {
    assertEquals(
        1, run("scan", model.toString()).exit()); // README.md is UNKNOWN_FORMAT without the policy
    Files.writeString(repo.resolve("safeload.json"), "{\"version\":1,\"ignore\":[\"*.md\"]}");
    CliTest.Run r = run("scan", "--json", model.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertEquals(List.of(Map.of("path", model + "/README.md")), json(r.out()).get("ignoredFiles"));
    assertEquals(1, run("scan", "--no-policy", model.toString()).exit());
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
    CliTest.Run pin = run("pin", model.toString());
    assertEquals(0, pin.exit(), pin.err());
    assertTrue(pin.out().contains("\"ignore\" : [ \"*.md\" ]"), pin.out());
    Files.writeString(repo.resolve("model.pins.json"), pin.out());
    CliTest.Run v = run("verify", "--json", model.toString()); // no --pins: the policy names them
    assertEquals(0, v.exit(), v.out() + v.err());
    Files.writeString(model.resolve("weights.toy"), "TOY!weighTS");
    CliTest.Run bad = run("verify", "--json", model.toString());
    assertEquals(1, bad.exit());
    assertEquals(
        List.of("PIN_DIGEST_MISMATCH", "UNPROVEN_FILE"),
        CliTest.reasons(CliTest.byPath(json(bad.out())).get(model + "/weights.toy")));
  }
}
