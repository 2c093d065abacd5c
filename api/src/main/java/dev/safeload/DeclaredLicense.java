package dev.safeload;

import java.util.Objects;

/**
 * A licence a file of a model declares about itself: a claim, not a fact. safeload records where it
 * read it so that a reader of a report or a BOM can check the statement at its source.
 *
 * @param expression the declared value as written, trimmed: ideally an SPDX licence expression
 *     ({@code Apache-2.0}, {@code MIT OR Apache-2.0}), in practice often a Hugging Face licence key
 *     ({@code llama3.2}, {@code other})
 * @param file the declaring file, relative to the model root with {@code /} separators
 * @param field where in the file: {@code general.license} (GGUF), {@code __metadata__.license}
 *     (safetensors), {@code metadata_props.license} (ONNX), {@code front matter license} (a model
 *     card's YAML front matter)
 */
public record DeclaredLicense(String expression, String file, String field) {
  public DeclaredLicense {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(field, "field");
  }

  @Override
  public String toString() {
    return expression + " (" + file + ": " + field + ")";
  }
}
