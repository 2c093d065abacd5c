package dev.safeload.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ModelRejectedException;
import dev.safeload.ReasonCode;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.verify.PinSet;
import dev.safeload.verify.signing.ModelSignatureVerifier;
import dev.safeload.verify.signing.ModelSigner;
import dev.safeload.verify.signing.TrustPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11, end to end as a user does it: a Hugging Face-style snapshot written by real producers
 * ({@code integration/src/test/resources/snapshot/generate.py}) is pinned and signed with its model
 * card opaque and its {@code .gitattributes} ignored, then verified and loaded with only the pin
 * file and the signer's public key — the patterns come from the proofs, not from code. The private
 * copy holds every runtime file, DJL's Hugging Face tokenizer and ONNX Runtime read it, and
 * changing any one file is refused.
 */
// Slow: pins, signs and loads a whole snapshot per case (the root pom: -Pquick skips the "slow"
// tag).
@Tag("slow")
class SnapshotEndToEndTest {
  static final Path FIXTURE = Path.of("src/test/resources/snapshot/model");
  static final List<String> RUNTIME_FILES =
      List.of(
          "README.md",
          "chat_template.jinja",
          "config.json",
          "generation_config.json",
          "merges.txt",
          "model.onnx",
          "model.safetensors",
          "special_tokens_map.json",
          "tokenizer.json",
          "tokenizer.model",
          "tokenizer_config.json",
          "trainer_state.json",
          "vocab.txt");

  @TempDir Path tmp;
  Path snapshot;
  Path pins;
  Path publicKey;

  @BeforeEach
  void pinAndSign() throws Exception {
    snapshot = tmp.resolve("tiny");
    Files.createDirectories(snapshot);
    try (Stream<Path> files = Files.list(FIXTURE)) {
      for (Path f : files.toList()) {
        Files.copy(f, snapshot.resolve(f.getFileName().toString()));
      }
    }
    // What `safeload pin --opaque README.md --ignore .gitattributes` does: scan, then pin what was
    // read.
    LoadPolicy scanning =
        LoadPolicy.strict().toBuilder()
            .allowUnpinnedFiles()
            .opaqueFiles("README.md")
            .ignoreFiles(".gitattributes")
            .build();
    ScanReport scan = SafeModelLoader.builder().policy(scanning).build().scan(snapshot);
    assertTrue(scan.accepted(), scan.findings().toString());
    assertEquals(List.of(".gitattributes"), scan.ignoredFiles());
    PinSet.Builder pinSet = PinSet.builder().ignoreFiles(".gitattributes").opaqueFiles("README.md");
    for (FileReport f : scan.files()) {
      pinSet.pin(f.name(), f.size(), f.sha256());
    }
    pins = tmp.resolve("tiny.pins.json");
    try (OutputStream out = Files.newOutputStream(pins)) {
      pinSet.build().writeJson(out);
    }
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = g.generateKeyPair();
    publicKey = tmp.resolve("signer.pub.pem");
    Files.writeString(
        publicKey,
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keys.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n");
    ModelSigner.withKey(keys.getPrivate(), keys.getPublic())
        .ignoreFiles(".gitattributes")
        .opaqueFiles("README.md")
        .signTo(snapshot);
  }

  /** The loader a user writes: pins and a public key, the strict policy, nothing else. */
  private SafeModelLoader loader() throws IOException {
    return SafeModelLoader.builder()
        .verifier(PinSet.load(pins))
        .verifier(
            ModelSignatureVerifier.of(TrustPolicy.publicKey(publicKey).build()).forModel(snapshot))
        .build();
  }

  @Test
  void everyRuntimeFileIsProvenServedAndUsable() throws Exception {
    try (VerifiedModel model = loader().load(snapshot)) {
      assertEquals("opaque", model.file("README.md").format());
      Path dir = model.materialize();
      Set<String> served;
      try (Stream<Path> files = Files.list(dir)) {
        served =
            files
                .map(p -> p.getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
      }
      assertEquals(new TreeSet<>(RUNTIME_FILES), served, "every runtime file, nothing ignored");
      for (String name : RUNTIME_FILES) {
        assertArrayEquals(
            Files.readAllBytes(FIXTURE.resolve(name)), Files.readAllBytes(dir.resolve(name)), name);
      }
      // DJL's Hugging Face tokenizer reads tokenizer.json from the verified copy.
      try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(dir)) {
        Encoding e = tokenizer.encode("Hello world, safeload!");
        assertArrayEquals(new long[] {2, 5, 6, 14, 7, 8, 16, 3}, e.getIds());
      }
      // ONNX Runtime runs the verified model.
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OrtSession session = env.createSession(dir.resolve("model.onnx").toString());
          OnnxTensor x = OnnxTensor.createTensor(env, new float[][] {{1, 2, 3}});
          OrtSession.Result r = session.run(Map.of("X", x))) {
        assertArrayEquals(OnnxRuntimeTest.EXPECTED, ((float[][]) r.get(0).getValue())[0], 1e-6f);
      }
    }
  }

  private static List<ReasonCode> codes(ModelRejectedException e) {
    return e.findings().stream().map(Finding::reason).toList();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "README.md",
        "chat_template.jinja",
        "config.json",
        "merges.txt",
        "model.onnx",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer.model",
        "tokenizer_config.json",
        "vocab.txt"
      })
  void changingAnyRuntimeFileIsRefused(String name) throws Exception {
    Path f = snapshot.resolve(name);
    byte[] b = Files.readAllBytes(f);
    b[b.length / 2] ^= 1; // same size: only the digest can tell
    Files.write(f, b);
    ModelRejectedException e =
        assertThrows(ModelRejectedException.class, () -> loader().load(snapshot));
    List<String> codes = codes(e).stream().map(ReasonCode::code).toList();
    assertTrue(codes.contains("PIN_DIGEST_MISMATCH"), codes.toString());
    assertTrue(codes.stream().anyMatch(c -> c.startsWith("SIGNATURE_")), codes.toString());
  }

  @Test
  void appendingToTheTokenizerModelIsRefused() throws Exception {
    Files.write(snapshot.resolve("tokenizer.model"), new byte[] {0}, StandardOpenOption.APPEND);
    ModelRejectedException e =
        assertThrows(ModelRejectedException.class, () -> loader().load(snapshot));
    assertTrue(
        codes(e).stream().map(ReasonCode::code).toList().contains("PIN_SIZE_MISMATCH"),
        codes(e).toString());
  }

  @Test
  void anAddedFileIsRefusedAndAnIgnoredOneIsNot() throws Exception {
    Files.writeString(
        snapshot.resolve(".gitattributes"), "*.bin filter=lfs\n"); // ignored by the proofs
    try (VerifiedModel model = loader().load(snapshot)) {
      assertFalse(model.files().stream().anyMatch(f -> f.name().equals(".gitattributes")));
    }
    Files.writeString(snapshot.resolve("added_tokens.json"), "{}\n");
    ModelRejectedException e =
        assertThrows(ModelRejectedException.class, () -> loader().load(snapshot));
    List<String> codes = codes(e).stream().map(ReasonCode::code).toList();
    assertTrue(codes.contains("PIN_FILE_NOT_PINNED"), codes.toString());
  }
}
