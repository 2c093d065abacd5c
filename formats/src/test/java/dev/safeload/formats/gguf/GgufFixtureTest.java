package dev.safeload.formats.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import dev.safeload.SafeModelLoader;
import dev.safeload.VerifiedModel;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.TensorInfo;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generated fixtures load through the front door; their descriptions match what generate.py
 * wrote.
 */
class GgufFixtureTest {
  @TempDir Path dir;

  static byte[] fixture(String name) throws Exception {
    try (InputStream in = GgufFixtureTest.class.getResourceAsStream("/gguf/" + name)) {
      return in.readAllBytes();
    }
  }

  private ModelDescription load(String name) throws Exception {
    Path f = dir.resolve(name);
    Files.write(f, fixture(name));
    SafeModelLoader loader =
        SafeModelLoader.builder()
            .policy(LoadPolicy.strict().toBuilder().allowUnpinnedFiles().build())
            .build();
    try (VerifiedModel vm = loader.load(f)) {
      assertEquals("gguf", vm.file(name).format());
      return vm.file(name).description();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"all_types.gguf", "align64.gguf", "align256.gguf", "command_r.gguf"})
  void fixturesLoad(String name) throws Exception {
    ModelDescription d = load(name);
    long alignment = Long.parseLong(d.metadata().get("gguf:alignment"));
    for (TensorInfo t : d.tensors()) {
      assertEquals(0, t.offset() % alignment, t.name());
    }
  }

  @Test
  void allTypesMetadata() throws Exception {
    ModelDescription d = load("all_types.gguf");
    assertEquals("200", d.metadata().get("test.u8"));
    assertEquals("-100", d.metadata().get("test.i8"));
    assertEquals("9223372036854775813", d.metadata().get("test.u64"));
    assertEquals("0.25", d.metadata().get("test.f32"));
    assertEquals("true", d.metadata().get("test.bool"));
    assertEquals("ARRAY<STRING>[3]", d.metadata().get("test.arr_str"));
    assertEquals("safeload fixture ünïcode", d.metadata().get("general.name"));
    assertTrue(d.metadata().containsKey("sha256(tokenizer.chat_template)"));
    assertTrue(d.metadata().containsKey("sha256(tokenizer.chat_template.tool_use)"));
    TensorInfo q4 = d.tensors().get(2);
    assertEquals("Q4_0", q4.dtype());
    assertEquals(List.of(2L, 64L), q4.shape());
    assertEquals(2 * 2 * 18, q4.length());
  }

  /** Issue 11: llama.cpp writes {arch}.* keys for architectures named with '-'; they load. */
  @Test
  void hyphenatedArchitectureKeys() throws Exception {
    ModelDescription d = load("command_r.gguf");
    assertEquals("command-r", d.metadata().get("general.architecture"));
    assertEquals("1", d.metadata().get("command-r.block_count"));
    assertEquals("2", d.metadata().get("command-r.attention.head_count"));
    assertEquals("0.0625", d.metadata().get("command-r.logit_scale"));
    assertEquals(3, d.tensors().size());
  }

  /**
   * generate_vocab.py: gguf-py writes a list of Python int scores as an INT32 array (the
   * Devstral-Small-2 GGUFs), which llama.cpp loads (#27260); FLOAT32 scores as usual.
   */
  @ParameterizedTest
  @ValueSource(strings = {"vocab_int_scores.gguf", "vocab_float_scores.gguf"})
  void vocabularyScoresAsGgufPyWritesThem(String name) throws Exception {
    ModelDescription d = load(name);
    assertEquals(
        name.startsWith("vocab_int") ? "ARRAY<INT32>[8]" : "ARRAY<FLOAT32>[8]",
        d.metadata().get("tokenizer.ggml.scores"));
    assertEquals("ARRAY<INT32>[8]", d.metadata().get("tokenizer.ggml.token_type"));
  }

  @Test
  void align256LastTensorUnpadded() throws Exception {
    ModelDescription d = load("align256.gguf");
    TensorInfo last = d.tensors().get(2);
    assertEquals(fixture("align256.gguf").length, last.offset() + last.length());
  }
}
