package dev.safeload.policy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import dev.safeload.PolicyFile;
import dev.safeload.Setting;
import dev.safeload.spi.SettingCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** safeload.json: every key applied, and every kind of bad file refused with an exact message. */
public class PolicyFileTest {
  @TempDir Path tmp;

  static final Setting<Long> TOY_LIMIT = Setting.limit("toy.maxThings", 10);
  static final Setting<String> TOY_PROFILE = Setting.of("toy.profile", String.class, "strict");
  static final Setting<List> TOY_NAMED =
      Setting.of(
          "toy.named",
          List.class,
          List.of("default"),
          name ->
              switch (name) {
                case "wide" -> List.of("a", "b");
                default -> throw new IllegalArgumentException("unknown " + name);
              });

  /** The toy settings, declared as a handler module declares its own (see META-INF/services). */
  public static final class ToySettings implements SettingCatalog {
    @Override
    public Collection<Setting<?>> settings() {
      return List.of(TOY_LIMIT, TOY_PROFILE, TOY_NAMED);
    }
  }

  Path write(String json) throws Exception {
    return Files.writeString(tmp.resolve("safeload.json"), json);
  }

  @Test
  void everyKeyIsApplied() throws Exception {
    Path f =
        write(
            """
        {"version": 1,
         "ignore": ["*.md", ".gitattributes"],
         "opaque": ["LICENSE"],
         "formats": {"allow": ["toy"], "deny": ["pickle"]},
         "profiles": {"toy.profile": "relaxed", "toy.named": "wide"},
         "limits": {"loader.maxFiles": 12, "toy.maxThings": 3},
         "trust": {"requireProof": false, "pins": "m.pins.json", "publicKey": "keys/signer.pem",
                   "identity": "me@example.com", "signature": "model.sig"},
         "licenses": {"allow": ["Apache-2.0", "MIT"]}}
        """);
    PolicyFile pf = PolicyFile.read(f);
    LoadPolicy p = pf.policy();
    assertEquals(List.of("*.md", ".gitattributes"), p.ignoredFiles());
    assertEquals(List.of("LICENSE"), p.opaqueFiles());
    assertTrue(p.allowedFormats().contains("toy"));
    assertFalse(p.allowedFormats().contains("pickle"));
    assertTrue(p.allowedFormats().contains("safetensors"));
    assertEquals(12L, p.get(LoadPolicy.MAX_FILES));
    assertEquals(3L, p.get(TOY_LIMIT));
    assertEquals("relaxed", p.get(TOY_PROFILE));
    assertEquals(List.of("a", "b"), p.get(TOY_NAMED));
    assertEquals(LoadPolicy.MAX_FILE_BYTES.defaultValue(), p.get(LoadPolicy.MAX_FILE_BYTES));
    assertFalse(p.requiresProvenance());
    assertEquals(tmp.resolve("m.pins.json"), pf.trust().pins());
    assertEquals(tmp.resolve("keys/signer.pem"), pf.trust().publicKey());
    assertEquals("me@example.com", pf.trust().identity());
    assertEquals("model.sig", pf.trust().signature());
    assertEquals(List.of("Apache-2.0", "MIT"), pf.licenses().allow());
    // The licence allowlist is part of the policy every reader applies, not data beside it.
    assertEquals(List.of("Apache-2.0", "MIT"), p.allowedLicenses());
    assertTrue(p.checksLicenses());
    // LoadPolicy.load is the same policy; an explicit set() still wins over the file.
    assertEquals(12L, LoadPolicy.load(f).get(LoadPolicy.MAX_FILES));
    assertEquals(5L, p.toBuilder().set(TOY_LIMIT, 5L).build().get(TOY_LIMIT));
  }

  @Test
  void theMinimalFileIsTheStrictPolicy() throws Exception {
    PolicyFile pf = PolicyFile.read(write("{\"version\":1}"));
    LoadPolicy strict = LoadPolicy.strict();
    assertEquals(strict.toString(), pf.policy().toString());
    assertTrue(pf.trust().requireProof());
    assertEquals(List.of(), pf.licenses().allow());
  }

  @Test
  void aProfileNameTheSettingDoesNotKnowIsRefusedWhenTheFileIsRead() throws Exception {
    refused(
        "{\"version\":1,\"profiles\":{\"toy.named\":\"nope\"}}",
        "$.profiles.toy.named: \"nope\" is not a value of this setting: unknown nope");
  }

  @Test
  void aMisspeltLimitIsRefusedNamingTheKey() throws Exception {
    refused(
        "{\"version\":1,\"limits\":{\"toy.maxThing\":3}}",
        "$.limits.toy.maxThing: unknown setting \"toy.maxThing\""
            + " (neither the loader nor a handler on the class path declares it)");
    refused(
        "{\"version\":1,\"limits\":{\"loader.maxFile\":3}}",
        "$.limits.loader.maxFile: unknown setting \"loader.maxFile\""
            + " (neither the loader nor a handler on the class path declares it)");
  }

  @Test
  void aMisspeltProfileIsRefusedNamingTheKey() throws Exception {
    refused(
        "{\"version\":1,\"profiles\":{\"toy.profil\":\"relaxed\"}}",
        "$.profiles.toy.profil: unknown setting \"toy.profil\""
            + " (neither the loader nor a handler on the class path declares it)");
  }

  @Test
  void aLimitAndAProfileCannotTradePlaces() throws Exception {
    refused(
        "{\"version\":1,\"profiles\":{\"toy.maxThings\":\"x\"}}",
        "$.profiles.toy.maxThings: not a profile (a limit; set it under \"limits\")");
    refused(
        "{\"version\":1,\"limits\":{\"toy.profile\":3}}",
        "$.limits.toy.profile: not a limit (a profile; set it under \"profiles\")");
  }

  @Test
  void anInvalidLicenceExpressionIsRefusedNamingTheEntry() throws Exception {
    refused(
        "{\"version\":1,\"licenses\":{\"allow\":[\"MIT\",\"MIT AND\"]}}",
        "$.licenses.allow[1]: not an SPDX licence expression: MIT AND");
  }

  @Test
  void badFilesAreRefusedWithExactMessages() throws Exception {
    refused(
        "{\"version\":1,\"ignor\":[]}",
        "$: unknown key \"ignor\" (allowed: formats, ignore, licenses, limits, opaque, profiles, trust, version)");
    refused(
        "{\"version\":1,\"formats\":{\"alow\":[\"x\"]}}",
        "$.formats: unknown key \"alow\" (allowed: allow, deny)");
    refused(
        "{\"version\":1,\"trust\":{\"pin\":\"x\"}}",
        "$.trust: unknown key \"pin\" (allowed: certificateChain, identity, "
            + "issuer, pins, publicKey, requireProof, revocations, signature, trustedRoot)");
    refused(
        "{\"version\":1,\"licenses\":{\"deny\":[]}}",
        "$.licenses: unknown key \"deny\" (allowed: allow)");
    refused("{}", "$.version is required (1)");
    refused("{\"version\":2}", "$.version: unsupported version 2 (this reader knows 1)");
    refused("[]", "$: expected an object");
    refused("{\"version\":1,\"ignore\":\"*.md\"}", "$.ignore: expected an array of strings");
    refused("{\"version\":1,\"ignore\":[\"\"]}", "$.ignore[0]: expected a non-empty string");
    refused("{\"version\":1,\"opaque\":[\"!x\"]}", "$.opaque[0]: " + globError("!x"));
    refused(
        "{\"version\":1,\"limits\":{\"loader.maxFiles\":0}}",
        "$.limits.loader.maxFiles: a limit must be a positive integer");
    refused(
        "{\"version\":1,\"limits\":{\"maxFiles\":3}}",
        "$.limits.maxFiles: not a setting name (like \"safetensors.maxTensors\")");
    refused(
        "{\"version\":1,\"limits\":{\"loader.maxFiles\":1.5}}",
        "only integers are allowed here at 1:43");
    refused(
        "{\"version\":1,\"trust\":{\"requireProof\":\"no\"}}",
        "$.trust.requireProof: expected true or false");
    refused("{\"version\":1,\"version\":1}", "duplicate key \"version\" at 1:14");
    refused("{\"version\":1} x", "unexpected content after the JSON value at 1:15");
    refused("{\"version\":1,}", "expected a key in double quotes at 1:14");
    refused("\uFEFF{\"version\":1}", "unexpected character U+FEFF at 1:1");
    refused("{\"version\":1,\"ignore\":[\"\\ud800\"]}", "lone surrogate in a \\u escape at 1:31");
    refused("{\"version\":01}", "leading zero in a number at 1:12");
    refused("{\"version\":99999999999999999999}", "number out of range at 1:12");
    refused("{\"version\":1 // c\n}", "expected ',' or '}' at 1:14");
    refused("[".repeat(40), "nested deeper than 32 at 1:33");
    Path bad = Files.write(tmp.resolve("safeload.json"), new byte[] {'{', (byte) 0xC3, '}'});
    assertEquals(
        bad + ": not valid UTF-8",
        assertThrows(IllegalArgumentException.class, () -> PolicyFile.read(bad)).getMessage());
  }

  private static String globError(String glob) {
    return assertThrows(IllegalArgumentException.class, () -> dev.safeload.FileGlob.of(glob))
        .getMessage();
  }

  private void refused(String json, String message) throws Exception {
    Path f = write(json);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LoadPolicy.load(f), json);
    assertEquals(f + ": " + message, e.getMessage(), json);
  }

  private Optional<Path> find(Path cwd, Path... models) {
    return PolicyFile.find(cwd, List.of(models));
  }

  @Test
  void discoveryWalksFromTheWorkingDirectoryUpToTheRepositoryRoot() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.createDirectory(repo.resolve(".git"));
    Path model = Files.createDirectories(repo.resolve("models/llama"));
    Path weights = Files.write(model.resolve("model.safetensors"), "x".getBytes(UTF_8));
    Path sub = Files.createDirectories(repo.resolve("service/src"));
    assertEquals(Optional.empty(), find(repo, model));
    Files.writeString(tmp.resolve(PolicyFile.NAME), "{\"version\":1}"); // above the repository
    assertEquals(Optional.empty(), find(sub, model), "nothing above the repository root applies");
    Path atRoot = Files.writeString(repo.resolve(PolicyFile.NAME), "{\"version\":1}");
    assertEquals(Optional.of(atRoot.toRealPath()), find(repo, model));
    assertEquals(Optional.of(atRoot.toRealPath()), find(sub, weights));
    Path nearer = Files.writeString(sub.resolve(PolicyFile.NAME), "{\"version\":1}");
    assertEquals(Optional.of(nearer.toRealPath()), find(sub, model), "the nearest file wins");
    // The scanned path plays no part: a policy beside the models is not looked at.
    Files.writeString(repo.resolve("models/" + PolicyFile.NAME), "{\"version\":1}");
    assertEquals(Optional.of(atRoot.toRealPath()), find(repo, model));
  }

  @Test
  void outsideARepositoryOnlyTheWorkingDirectoryIsLookedAt() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work/sub"));
    Files.writeString(tmp.resolve("work/" + PolicyFile.NAME), "{\"version\":1}");
    Path model = Files.createDirectories(tmp.resolve("elsewhere/model"));
    assertEquals(Optional.empty(), find(work, model));
    Path here = Files.writeString(work.resolve(PolicyFile.NAME), "{\"version\":1}");
    assertEquals(Optional.of(here.toRealPath()), find(work, model));
  }

  /**
   * A model cannot bring the policy it is judged by (a snapshot that ignores its own pickles), even
   * when the check runs from inside it, and even when one file of it is scanned.
   */
  @Test
  void aPolicyInsideTheModelDirectoryIsNeverUsed() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.createDirectory(repo.resolve(".git"));
    Path snapshot = Files.createDirectories(repo.resolve("downloads/snapshot"));
    Path evil =
        Files.writeString(
            snapshot.resolve(PolicyFile.NAME), "{\"version\":1,\"ignore\":[\"*.pkl\"]}");
    Path weights = Files.write(snapshot.resolve("model.safetensors"), "x".getBytes(UTF_8));
    // From the repository root the snapshot's file is never looked at.
    assertEquals(Optional.empty(), find(repo, snapshot));
    assertEquals(Optional.empty(), find(repo, weights));
    // From inside the snapshot it is found, and refused: for the directory and for a single file.
    String refusal =
        " lies inside the scanned model %s: a model cannot choose the policy it is judged by"
            + " (name a policy file explicitly, or use no policy file)";
    assertEquals(
        evil.toRealPath() + String.format(refusal, snapshot),
        assertThrows(IllegalArgumentException.class, () -> find(snapshot, snapshot)).getMessage());
    assertEquals(
        evil.toRealPath() + String.format(refusal, weights),
        assertThrows(IllegalArgumentException.class, () -> find(snapshot, weights)).getMessage());
    Path deeper = Files.createDirectories(snapshot.resolve("sub"));
    assertThrows(IllegalArgumentException.class, () -> find(deeper, weights));
    // A cloned model repository: its root policy is inside the scanned clone.
    Path cloned = Files.createDirectories(tmp.resolve("cloned"));
    Files.createDirectory(cloned.resolve(".git"));
    Files.writeString(cloned.resolve(PolicyFile.NAME), "{\"version\":1,\"ignore\":[\"*.pkl\"]}");
    assertThrows(IllegalArgumentException.class, () -> find(cloned, cloned));
    assertThrows(
        IllegalArgumentException.class,
        () -> find(cloned, Files.write(cloned.resolve("m.pkl"), new byte[] {1})));
  }
}
