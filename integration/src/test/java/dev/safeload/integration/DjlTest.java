package dev.safeload.integration;

import static dev.safeload.integration.OnnxRuntimeTest.EXPECTED;
import static dev.safeload.integration.OnnxRuntimeTest.fixture;
import static dev.safeload.integration.OnnxRuntimeTest.loader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import dev.safeload.VerifiedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DJL's ONNX Runtime engine loads a verified model from the private directory materialize() writes.
 */
class DjlTest {
  @TempDir Path dir;

  private static float[] predict(Path verifiedDir) throws Exception {
    Criteria<NDList, NDList> criteria =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(verifiedDir)
            .optModelName("model")
            .optEngine("OnnxRuntime")
            .build();
    try (ZooModel<NDList, NDList> model = criteria.loadModel();
        Predictor<NDList, NDList> predictor = model.newPredictor();
        NDManager manager = NDManager.newBaseManager("OnnxRuntime")) {
      NDList out =
          predictor.predict(new NDList(manager.create(new float[] {1, 2, 3}, new Shape(1, 3))));
      return out.singletonOrThrow().toFloatArray();
    }
  }

  @Test
  void djlRunsAVerifiedModel() throws Exception {
    Path m = dir.resolve("m");
    Files.createDirectories(m);
    Files.write(m.resolve("model.onnx"), fixture("matmul_add.onnx"));
    try (VerifiedModel model = loader().load(m)) {
      assertArrayEquals(EXPECTED, predict(model.materialize()), 1e-6f);
    }
  }

  @Test
  void djlRunsAVerifiedModelWithExternalData() throws Exception {
    Path m = dir.resolve("ext");
    Files.createDirectories(m);
    Files.write(m.resolve("model.onnx"), fixture("external/model.onnx"));
    Files.write(m.resolve("weights.data"), fixture("external/weights.data"));
    try (VerifiedModel model = loader().load(m)) {
      assertArrayEquals(EXPECTED, predict(model.materialize()), 1e-6f);
    }
  }

  /**
   * Zero-copy alternative: DJL adopts an ONNX Runtime session built from the verified read-only
   * buffer (no file is written or re-opened). The DJL model is created first so that DJL's engine
   * owns the process-wide OrtEnvironment.
   */
  @Test
  void djlAdoptsASessionBuiltFromVerifiedBytes() throws Exception {
    Path f = dir.resolve("model.onnx");
    Files.write(f, fixture("matmul_add.onnx"));
    try (VerifiedModel verified = loader().load(f);
        ai.djl.Model model = ai.djl.Model.newInstance("verified", "OnnxRuntime")) {
      ai.onnxruntime.OrtSession session =
          ai.onnxruntime.OrtEnvironment.getEnvironment()
              .createSession(verified.file("model.onnx").buffer());
      model.setBlock(
          new ai.djl.onnxruntime.engine.OrtSymbolBlock(
              session, (ai.djl.onnxruntime.engine.OrtNDManager) model.getNDManager()));
      try (Predictor<NDList, NDList> predictor =
          model.newPredictor(new ai.djl.translate.NoopTranslator())) {
        NDList out =
            predictor.predict(
                new NDList(model.getNDManager().create(new float[] {1, 2, 3}, new Shape(1, 3))));
        assertArrayEquals(EXPECTED, out.singletonOrThrow().toFloatArray(), 1e-6f);
      }
    }
  }
}
