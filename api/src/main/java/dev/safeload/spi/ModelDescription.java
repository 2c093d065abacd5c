package dev.safeload.spi;

import dev.safeload.DeclaredLicense;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a handler read from a valid file: its tensors, its metadata, and the other files of the
 * model it refers to (shards, external data). The loader uses references to check that a multi-file
 * model is complete; BOM writers use the metadata.
 *
 * @param format the handler id
 * @param tensors tensors in file order (may be empty)
 * @param metadata string metadata as stored in the file, in file order
 * @param references names of other files of the model, relative to this file's directory
 * @param licenses the licences the file declares about itself (claims), in file order; a {@link
 *     dev.safeload.LoadPolicy.Builder#allowLicenses licence policy} judges them
 */
public record ModelDescription(
    String format,
    List<TensorInfo> tensors,
    Map<String, String> metadata,
    List<String> references,
    List<DeclaredLicense> licenses) {

  public ModelDescription {
    Objects.requireNonNull(format, "format");
    tensors = List.copyOf(tensors);
    metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
    references = List.copyOf(references);
    licenses = List.copyOf(licenses);
  }

  /** A description that declares no licence. */
  public ModelDescription(
      String format,
      List<TensorInfo> tensors,
      Map<String, String> metadata,
      List<String> references) {
    this(format, tensors, metadata, references, List.of());
  }

  /** This description with these declared licences instead of its own. */
  public ModelDescription withLicenses(List<DeclaredLicense> declared) {
    return new ModelDescription(format, tensors, metadata, references, declared);
  }

  /** A description with no tensors, metadata or references. */
  public static ModelDescription empty(String format) {
    return new ModelDescription(format, List.of(), Map.of(), List.of());
  }
}
