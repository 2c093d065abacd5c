package dev.safeload.policy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import dev.safeload.PolicyFile;
import dev.safeload.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** safeload.json: every key applied, and every kind of bad file refused with an exact message. */
class PolicyFileTest {
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
         "licenses": {"allow": ["Apache-2.0", "MIT"], "requireDeclared": true}}
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
    assertTrue(pf.licenses().requireDeclared());
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
  void aNamedValueTheSettingCannotReadIsRefusedWhenRead() throws Exception {
    LoadPolicy p =
        LoadPolicy.load(
            write("{\"version\":1,\"profiles\":{\"toy.named\":\"nope\",\"toy.maxThings\":\"x\"}}"));
    assertEquals(
        "unknown nope",
        assertThrows(IllegalArgumentException.class, () -> p.get(TOY_NAMED)).getMessage());
    assertEquals(
        "policy file: toy.maxThings cannot be set to x",
        assertThrows(IllegalArgumentException.class, () -> p.get(TOY_LIMIT)).getMessage());
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
        "$.licenses: unknown key \"deny\" (allowed: allow, requireDeclared)");
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

  @Test
  void findWalksUpToTheRepositoryRoot() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.createDirectory(repo.resolve(".git"));
    Path model = Files.createDirectories(repo.resolve("models/llama"));
    Path weights = Files.write(model.resolve("model.safetensors"), "x".getBytes(UTF_8));
    assertEquals(Optional.empty(), PolicyFile.find(model));
    Files.writeString(
        tmp.resolve(PolicyFile.NAME), "{\"version\":1}"); // above the repository: never used
    assertEquals(Optional.empty(), PolicyFile.find(model));
    Path atRoot = Files.writeString(repo.resolve(PolicyFile.NAME), "{\"version\":1}");
    assertEquals(Optional.of(atRoot), PolicyFile.find(model));
    assertEquals(Optional.of(atRoot), PolicyFile.find(weights));
    Path besideFile =
        Files.writeString(repo.resolve("models/" + PolicyFile.NAME), "{\"version\":1}");
    assertEquals(Optional.of(besideFile), PolicyFile.find(model));
    Path single = Files.write(repo.resolve("models/tiny.gguf"), "x".getBytes(UTF_8));
    assertEquals(Optional.of(besideFile), PolicyFile.find(single));
  }

  /** A model cannot bring the policy it is judged by (a snapshot that ignores its own pickles). */
  @Test
  void aPolicyInsideTheModelDirectoryIsNeverUsed() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.createDirectory(repo.resolve(".git"));
    Path snapshot = Files.createDirectories(repo.resolve("downloads/snapshot"));
    Files.writeString(snapshot.resolve(PolicyFile.NAME), "{\"version\":1,\"ignore\":[\"*.pkl\"]}");
    assertEquals(Optional.empty(), PolicyFile.find(snapshot));
    Path cloned = Files.createDirectories(tmp.resolve("cloned"));
    Files.createDirectory(cloned.resolve(".git"));
    Files.writeString(cloned.resolve(PolicyFile.NAME), "{\"version\":1,\"ignore\":[\"*.pkl\"]}");
    Files.writeString(tmp.resolve(PolicyFile.NAME), "{\"version\":1}");
    assertEquals(
        Optional.empty(),
        PolicyFile.find(cloned),
        "a cloned model repository gets no discovered policy");
  }
}
