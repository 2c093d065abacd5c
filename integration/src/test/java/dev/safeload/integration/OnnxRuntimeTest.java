package dev.safeload.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.safeload.LoadPolicy;
import dev.safeload.ModelRejectedException;
import dev.safeload.SafeModelLoader;
import dev.safeload.VerifiedModel;
import dev.safeload.formats.FormatReason;
import dev.safeload.spi.TensorInfo;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime (the real native library from Maven Central) runs models only from verified bytes.
 */
class OnnxRuntimeTest {
  /** Y = X @ W + B with X = [1, 2, 3], W = [[1,2],[3,4],[5,6]], B = [0.5, -1]. */
  static final float[] EXPECTED = {22.5f, 27f};

  @TempDir Path dir;

  static byte[] fixture(String name) throws Exception {
    try (InputStream in = OnnxRuntimeTest.class.getResourceAsStream("/onnx/" + name)) {
      return in.readAllBytes();
    }
  }

  static SafeModelLoader loader() {
    return SafeModelLoader.builder()
        .policy(LoadPolicy.strict().toBuilder().allowUnpinnedFiles().build())
        .build();
  }

  static float[] run(OrtEnvironment env, OrtSession session) throws Exception {
    try (OnnxTensor x = OnnxTensor.createTensor(env, new float[][] {{1, 2, 3}});
        OrtSession.Result r = session.run(Map.of("X", x))) {
      return ((float[][]) r.get(0).getValue())[0];
    }
  }

  @Test
  void sessionFromVerifiedReadOnlyDirectBuffer() throws Exception {
    Path file = dir.resolve("model.onnx");
    Files.write(file, fixture("matmul_add.onnx"));
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (VerifiedModel model = loader().load(file)) {
      ByteBuffer bytes = model.file("model.onnx").buffer();
      assertTrue(
          bytes.isDirect() && bytes.isReadOnly(), "verified bytes are a read-only direct buffer");
      try (OrtSession session = env.createSession(bytes)) {
        assertArrayEquals(EXPECTED, run(env, session), 1e-6f);
      }
    }
  }

  @Test
  void externalDataViaMaterialize() throws Exception {
    Path m = externalModelDir();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (VerifiedModel model = loader().load(m)) {
      Path verifiedDir = model.materialize(); // private 0700 copy written from the verified bytes
      try (OrtSession session = env.createSession(verifiedDir.resolve("model.onnx").toString())) {
        assertArrayEquals(EXPECTED, run(env, session), 1e-6f);
      }
    }
  }

  @Test
  void externalDataViaInitializersFromVerifiedBuffers() throws Exception {
    Path m = externalModelDir();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (VerifiedModel model = loader().load(m)) {
      VerifiedModel.VerifiedFile data = model.file("weights.data");
      Map<String, OnnxTensorLike> initializers = new HashMap<>();
      for (TensorInfo t : data.description().tensors()) {
        assertEquals("FLOAT", t.dtype());
        ByteBuffer slice =
            data.buffer()
                .position((int) t.offset())
                .limit((int) (t.offset() + t.length()))
                .slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        long[] shape = t.shape().stream().mapToLong(Long::longValue).toArray();
        FloatBuffer floats = slice.asFloatBuffer();
        initializers.put(t.name(), OnnxTensor.createTensor(env, floats, shape));
      }
      try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
        opts.addExternalInitializers(initializers);
        try (OrtSession session = env.createSession(model.file("model.onnx").buffer(), opts)) {
          assertArrayEquals(EXPECTED, run(env, session), 1e-6f);
        }
      } finally {
        for (OnnxTensorLike t : initializers.values()) {
          t.close();
        }
      }
    }
  }

  /**
   * A session built from a buffer alone has no folder to resolve external data against, and ONNX
   * Runtime refuses to guess one: it does not read {@code weights.data} from the working directory,
   * where a file nobody verified could wait. So a buffer is safe to hand over even when the caller
   * forgets the external initializers; the data comes only through them or through {@code
   * materialize()}.
   */
  @Test
  void aBareBufferNeverReadsExternalDataFromTheWorkingDirectory() throws Exception {
    Path m = externalModelDir();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (VerifiedModel model = loader().load(m)) {
      OrtException e =
          assertThrows(
              OrtException.class, () -> env.createSession(model.file("model.onnx").buffer()));
      assertTrue(e.getMessage().contains("model_path must not be empty"), e.getMessage());
    }
  }

  @Test
  void tamperedExternalDataNeverReachesTheEngine() throws Exception {
    Path m = externalModelDir();
    Files.write(
        m.resolve("weights.data"), java.util.Arrays.copyOf(fixture("external/weights.data"), 100));
    ModelRejectedException e =
        assertThrows(ModelRejectedException.class, () -> loader().load(m).close());
    assertEquals(
        List.of(FormatReason.ONNX_EXTERNAL_DATA_OUT_OF_RANGE),
        e.findings().stream().map(f -> f.reason()).distinct().toList());
  }

  /**
   * Sparse initializers (formats/src/test/resources/onnx/sparse, from python3-onnx): the ones
   * onnx.checker accepts load and run in ONNX Runtime from verified bytes (Y = X + W, W holding 1,
   * 2, 3 at (0, 1), (1, 2), (2, 3)); one with an index past the dense shape, which an older ONNX
   * Runtime writes out of bounds, never reaches the engine.
   */
  @Test
  void sparseInitializersRunAndOutOfBoundsIndicesAreRefused() throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[][] expected = {{0, 1, 0, 0}, {0, 0, 2, 0}, {0, 0, 0, 3}};
    for (String name :
        List.of(
            "valid_linear.onnx",
            "valid_coo.onnx",
            "valid_int64_data.onnx",
            "valid_constant.onnx")) {
      Path file = dir.resolve(name);
      Files.write(file, fixture("sparse/" + name));
      try (VerifiedModel model = loader().load(file);
          OrtSession session = env.createSession(model.file(name).buffer());
          OnnxTensor x = OnnxTensor.createTensor(env, new float[3][4]);
          OrtSession.Result r = session.run(Map.of("X", x))) {
        float[][] y = (float[][]) r.get(0).getValue();
        for (int i = 0; i < 3; i++) {
          assertArrayEquals(expected[i], y[i], 0f, name);
        }
      }
    }
    Path bad = dir.resolve("oob_linear.onnx");
    Files.write(bad, fixture("sparse/oob_linear.onnx"));
    ModelRejectedException e =
        assertThrows(ModelRejectedException.class, () -> loader().load(bad).close());
    assertEquals(
        List.of(FormatReason.ONNX_SPARSE_INDEX_INVALID),
        e.findings().stream().map(f -> f.reason()).distinct().toList());
  }

  /**
   * A model-local function named after an ONNX Runtime contrib operator (the fixture {@code
   * hostile/shadowed_contrib_function.onnx}: {@code com.microsoft::Gelu} whose body is an Identity)
   * does not run: ONNX Runtime runs its own contrib kernel. The default policy, which refuses
   * contrib operators, accepted it as a function call; it is refused like any contrib node.
   */
  @Test
  void aLocalFunctionDoesNotHideAContribKernel() throws Exception {
    byte[] bytes = fixture("hostile/shadowed_contrib_function.onnx");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(bytes);
        OnnxTensor x = OnnxTensor.createTensor(env, new float[] {1f, -1f});
        OrtSession.Result r = session.run(Map.of("X", x))) {
      assertArrayEquals(
          new float[] {0.8413447f, -0.15865526f}, (float[]) r.get(0).getValue(), 1e-5f);
    }
    Path file = dir.resolve("model.onnx");
    Files.write(file, bytes);
    ModelRejectedException e =
        assertThrows(ModelRejectedException.class, () -> loader().load(file).close());
    assertEquals(
        List.of(FormatReason.ONNX_DOMAIN_NOT_ALLOWED),
        e.findings().stream().map(f -> f.reason()).distinct().toList());
  }

  private Path externalModelDir() throws Exception {
    Path m = dir.resolve("external");
    Files.createDirectories(m);
    Files.write(m.resolve("model.onnx"), fixture("external/model.onnx"));
    Files.write(m.resolve("weights.data"), fixture("external/weights.data"));
    return m;
  }
}
