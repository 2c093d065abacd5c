package dev.safeload.cli;

import static dev.safeload.cli.CliTest.byPath;
import static dev.safeload.cli.CliTest.json;
import static dev.safeload.cli.CliTest.list;
import static dev.safeload.cli.CliTest.reasons;
import static dev.safeload.cli.CliTest.runWith;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.cli.CliTest.Run;
import dev.safeload.testing.FileBuilders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user points the CLI at a repository laid out as on the Hugging Face Hub (a fine-tuned BERT:
 * safetensors weights and tokenizer, the TensorFlow and Flax weights the Hub converts beside them,
 * a training script, what transformers' Trainer leaves behind, the card, licence and LFS
 * attributes). Each file gets the verdict its real loader earns, each refusal says how to proceed,
 * and the README's recipe then pins and verifies the repository, also from the Hugging Face cache
 * layout. The Trainer's pickles are written by torch ({@code src/test/resources/hf/generate.py}).
 */
class HuggingFaceRepositoryTest {
  @TempDir Path tmp;

  /** The patterns the README gives for this repository's files that the application never loads. */
  private static final List<String> RECIPE =
      List.of(
          "--opaque",
          "README.md",
          "--opaque",
          "LICENSE",
          "--ignore",
          ".gitattributes",
          "--ignore",
          "tf_model.h5",
          "--ignore",
          "flax_model.msgpack",
          "--ignore",
          "*.py",
          "--ignore",
          "rust_model.ot",
          "--ignore",
          "training_args.bin",
          "--ignore",
          "checkpoint-*/");

  private static Run run(String... args) {
    return runWith(new Main(), args);
  }

  private static Run run(List<String> options, String... args) {
    List<String> all = new ArrayList<>(List.of(args[0]));
    all.addAll(options);
    all.addAll(List.of(args).subList(1, args.length));
    return run(all.toArray(String[]::new));
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = HuggingFaceRepositoryTest.class.getResourceAsStream("/hf/" + name)) {
      return in.readAllBytes();
    }
  }

  /** The repository's files, by path. */
  private static Map<String, byte[]> files() throws IOException {
    byte[] weights =
        FileBuilders.safetensors(
            "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"classifier.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}",
            16);
    byte[] hdf5 = new byte[96];
    System.arraycopy(
        new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'}, 0, hdf5, 0, 8);
    return Map.ofEntries(
        Map.entry("config.json", "{\"model_type\": \"bert\"}\n".getBytes(UTF_8)),
        Map.entry("tokenizer_config.json", "{\"do_lower_case\": true}\n".getBytes(UTF_8)),
        Map.entry("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\n##s\n".getBytes(UTF_8)),
        Map.entry("model.safetensors", weights),
        Map.entry("tf_model.h5", hdf5),
        // flax.serialization.to_bytes: a msgpack map of parameter trees
        Map.entry("flax_model.msgpack", new byte[] {(byte) 0x81, (byte) 0xa1, 'w', (byte) 0xc0}),
        Map.entry("train_script.py", "import torch\n".getBytes(UTF_8)),
        // tch's VarStore::save: a torch archive under a name torch's loaders do not use
        Map.entry("rust_model.ot", resource("scheduler.pt")),
        Map.entry("training_args.bin", resource("training_args.bin")),
        Map.entry("checkpoint-500/model.safetensors", weights),
        Map.entry("checkpoint-500/optimizer.pt", resource("optimizer.pt")),
        Map.entry("checkpoint-500/scheduler.pt", resource("scheduler.pt")),
        Map.entry("checkpoint-500/training_args.bin", resource("training_args.bin")),
        Map.entry(
            "README.md", "---\nlicense: apache-2.0\n---\n# A fine-tuned BERT\n".getBytes(UTF_8)),
        Map.entry("LICENSE", "Apache License\nVersion 2.0, January 2004\n".getBytes(UTF_8)),
        Map.entry(".gitattributes", "*.bin filter=lfs diff=lfs merge=lfs -text\n".getBytes(UTF_8)));
  }

  private Path plain() throws IOException {
    Path dir = tmp.resolve("finetuned-bert");
    for (Map.Entry<String, byte[]> e : files().entrySet()) {
      Path p = dir.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.write(p, e.getValue());
    }
    return dir;
  }

  /**
   * The same files as huggingface_hub caches them: {@code snapshots/REV/PATH} are relative links to
   * {@code blobs/DIGEST} (SHA-256 for LFS files, the git blob SHA-1 for the others).
   */
  private Path cached() throws Exception {
    Path repo = tmp.resolve("hub/models--acme--finetuned-bert");
    Path snapshot = repo.resolve("snapshots/0123456789abcdef0123456789abcdef01234567");
    Files.createDirectories(repo.resolve("blobs"));
    for (Map.Entry<String, byte[]> e : files().entrySet()) {
      byte[] b = e.getValue();
      boolean lfs = e.getKey().matches(".*\\.(bin|safetensors|h5|msgpack|pt|ot)");
      MessageDigest md = MessageDigest.getInstance(lfs ? "SHA-256" : "SHA-1");
      if (!lfs) {
        md.update(("blob " + b.length + "\0").getBytes(UTF_8));
      }
      Path blob = repo.resolve("blobs/" + HexFormat.of().formatHex(md.digest(b)));
      Files.write(blob, b);
      Path link = snapshot.resolve(e.getKey());
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, link.getParent().relativize(blob));
    }
    return snapshot;
  }

  private static Map<String, Object> finding(Map<String, Map<String, Object>> files, String path) {
    return list(files.get(path).get("findings")).get(0);
  }

  @Test
  void eachFileGetsItsLoadersVerdictAndEachRefusalSaysHowToProceed() throws Exception {
    Path dir = plain();
    Run r = run("scan", "--json", dir.toString());
    assertEquals(1, r.exit(), r.err());
    Map<String, Map<String, Object>> files = byPath(json(r.out()));
    String p = dir + "/";
    // What the application loads, and what torch.load(weights_only=True) loads: accepted.
    for (String ok :
        List.of(
            "config.json",
            "tokenizer_config.json",
            "vocab.txt",
            "model.safetensors",
            "checkpoint-500/optimizer.pt",
            "checkpoint-500/scheduler.pt")) {
      assertEquals("accepted", files.get(p + ok).get("verdict"), ok + ": " + files.get(p + ok));
    }
    // TrainingArguments is an arbitrary object: torch.load(weights_only=True) refuses its first
    // global, and so does safeload, naming it.
    for (String args : List.of("training_args.bin", "checkpoint-500/training_args.bin")) {
      assertEquals(
          List.of("PICKLE_GLOBAL_NOT_ALLOWED"), reasons(files.get(p + args)).subList(0, 1));
      assertTrue(
          ((String) finding(files, p + args).get("message"))
              .contains("transformers.training_args.TrainingArguments"),
          files.get(p + args).toString());
    }
    // Formats safeload does not read, and code: ignorable, never opaque.
    for (String unread : List.of("tf_model.h5", "flax_model.msgpack")) {
      Map<String, Object> f = finding(files, p + unread);
      assertEquals("UNKNOWN_FORMAT", f.get("reason"));
      String message = (String) f.get("message");
      assertTrue(message.contains("ignore it (--ignore"), message);
      assertTrue(message.contains("rules out serving it as opaque"), message);
    }
    Map<String, Object> rust = finding(files, p + "rust_model.ot");
    assertEquals("EXTENSION_MISMATCH", rust.get("reason"));
    assertTrue(((String) rust.get("message")).contains("ignore it (--ignore"), rust.toString());
    Map<String, Object> code = finding(files, p + "train_script.py");
    assertEquals("CODE_FILE", code.get("reason"));
    assertTrue(((String) code.get("message")).contains("ignore it (--ignore"), code.toString());
    // Files whose names say nothing: ignorable or servable as opaque.
    for (String silent : List.of("README.md", "LICENSE", ".gitattributes")) {
      Map<String, Object> f = finding(files, p + silent);
      assertEquals("UNKNOWN_FORMAT", f.get("reason"));
      String message = (String) f.get("message");
      assertTrue(message.contains("--ignore") && message.contains("--opaque"), message);
    }
    Run table = run("scan", dir.toString());
    assertTrue(table.out().contains(TableReport.NEXT_STEP), table.out());
    List<String> keepArgs = new ArrayList<>();
    for (int i = 0; i < RECIPE.size(); i += 2) { // option, pattern
      if (!List.of("training_args.bin", "checkpoint-*/").contains(RECIPE.get(i + 1))) {
        keepArgs.addAll(RECIPE.subList(i, i + 2));
      }
    }
    Run pickles = run(keepArgs, "scan", dir.toString());
    assertEquals(1, pickles.exit(), pickles.out());
    assertFalse(
        pickles.out().contains(TableReport.NEXT_STEP),
        "a refused pickle is judged, not unknown: " + pickles.out());
    Run alone = run("scan", dir.resolve("training_args.bin").toString());
    assertEquals(1, alone.exit());
    assertFalse(alone.out().contains(TableReport.NEXT_STEP), "no pattern leaves out a named file");
    Run pin = run("pin", dir.toString());
    assertEquals(1, pin.exit());
    assertTrue(pin.err().contains(TableReport.NEXT_STEP), pin.err());
  }

  @Test
  void theReadmeRecipePinsAndVerifiesTheRepository() throws Exception {
    pinAndVerify(plain());
  }

  @Test
  void theReadmeRecipePinsAndVerifiesTheCachedSnapshot() throws Exception {
    pinAndVerify(cached());
  }

  /**
   * The publisher pinned every file ({@code sha256sum} over the whole repository); the user ignores
   * what the application never loads, a whole folder included. Files under the ignored folder are
   * present and left out on purpose: reported as ignored, never as missing.
   */
  @Test
  void filesUnderAnIgnoredFolderArePinnedButIgnoredNotMissing() throws Exception {
    Path dir = plain();
    StringBuilder sums = new StringBuilder();
    for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(files()).entrySet()) {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(e.getValue());
      sums.append(HexFormat.of().formatHex(d)).append("  ").append(e.getKey()).append('\n');
    }
    Path pins = tmp.resolve("SHA256SUMS");
    Files.writeString(pins, sums);
    List<String> args = new ArrayList<>(List.of("verify", "--json", "--pins", pins.toString()));
    args.addAll(RECIPE);
    args.add(dir.toString());
    Run verify = run(args.toArray(String[]::new));
    assertEquals(0, verify.exit(), verify.out() + verify.err());
    List<Object> ignored =
        list(json(verify.out()).get("ignoredFiles")).stream().map(f -> f.get("path")).toList();
    assertTrue(ignored.contains(dir + "/checkpoint-500/optimizer.pt"), ignored.toString());
  }

  private void pinAndVerify(Path snapshot) throws IOException {
    Run pin = run(RECIPE, "pin", snapshot.toString());
    assertEquals(0, pin.exit(), pin.err());
    Path pins = tmp.resolve("repo.pins.json");
    Files.writeString(pins, pin.out());
    Run verify = run("verify", "--json", "--pins", pins.toString(), snapshot.toString());
    assertEquals(0, verify.exit(), verify.out() + verify.err());
    Map<String, Object> root = json(verify.out());
    String p = snapshot + "/";
    List<Object> served = list(root.get("files")).stream().map(f -> f.get("path")).toList();
    assertEquals(
        Stream.of(
                "LICENSE",
                "README.md",
                "config.json",
                "model.safetensors",
                "tokenizer_config.json",
                "vocab.txt")
            .map(n -> p + n)
            .toList(),
        served);
    List<Object> ignored =
        list(root.get("ignoredFiles")).stream().map(f -> f.get("path")).sorted().toList();
    assertEquals(10, ignored.size(), ignored.toString());
    assertTrue(ignored.contains(p + "training_args.bin"), ignored.toString());
    assertTrue(
        ignored.contains(p + "checkpoint-500/optimizer.pt"),
        "an ignored folder's files are listed: " + ignored);
  }
}
