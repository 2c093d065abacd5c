package dev.safeload.formats.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ModelView;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Drives one handler through the engine's three calls for a model directory: validate the model,
 * validateReferenced for each data file it names, validateModel with every file present. Findings
 * of every call are collected. Public for the ONNX fuzz target in the {@code fuzz} package.
 */
public final class CrossFile {
  public record File(String name, String format, ModelDescription description, ModelBytes bytes)
      implements ModelView.ValidatedFile {}

  final OnnxHandler handler;
  final LoadPolicy policy;
  final List<Finding> findings = new ArrayList<>();
  public final Map<String, File> files = new LinkedHashMap<>();

  public CrossFile(OnnxHandler handler, LoadPolicy policy) {
    this.handler = handler;
    this.policy = policy;
  }

  CrossFile(OnnxHandler handler) {
    this(handler, LoadPolicy.strict());
  }

  ValidationContext ctx(String name) {
    return ValidationContext.collecting(name, policy, findings);
  }

  static ModelBytes bytes(byte[] b) {
    return ModelBytes.of(ByteBuffer.wrap(b));
  }

  /** Validates the model; each data file in {@code data} is then offered to validateReferenced. */
  public File model(String name, byte[] model, Map<String, byte[]> data) {
    ModelBytes mb = bytes(model);
    File m = new File(name, "onnx", handler.validate(mb, ctx(name)), mb);
    files.put(name, m);
    for (Map.Entry<String, byte[]> d : data.entrySet()) {
      ModelBytes db = bytes(d.getValue());
      ModelDescription desc = handler.validateReferenced(m, d.getKey(), db, ctx(d.getKey()));
      files.put(
          d.getKey(),
          new File(
              d.getKey(),
              desc == null ? "unknown" : desc.format(),
              desc == null ? ModelDescription.empty("unknown") : desc,
              db));
    }
    return m;
  }

  /** Runs validateModel for {@code m} over the files seen so far. */
  public void acrossFiles(File m, boolean directory) {
    handler.validateModel(m, view(directory), ctx(m.name()));
  }

  ModelView view(boolean directory) {
    return new ModelView() {
      @Override
      public boolean isDirectory() {
        return directory;
      }

      @Override
      public List<String> fileNames() {
        return files.keySet().stream().sorted().toList();
      }

      @Override
      public Optional<ValidatedFile> file(String name) {
        return Optional.ofNullable(files.get(name));
      }
    };
  }

  void assertNoFindings() {
    assertEquals(List.of(), findings);
  }
}
