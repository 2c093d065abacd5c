package dev.safeload.spark;

import java.io.Serializable;
import java.util.Objects;

/**
 * One model the discovery found: a directory or a single file.
 *
 * @param uri the model's fully qualified URI (the {@code model} column of the inventory)
 * @param relative its path below the scanned root, {@code /}-separated (where its BOMs go)
 * @param directory whether the model is a directory (else a single-file model)
 */
record ModelRef(String uri, String relative, boolean directory) implements Serializable {
  private static final long serialVersionUID = 1L;

  ModelRef {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(relative, "relative");
  }
}
