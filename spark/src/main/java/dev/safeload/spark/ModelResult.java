package dev.safeload.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * What the task of one model produced: its inventory rows (never empty) and its two BOMs.
 *
 * @param model the model
 * @param rows its inventory rows
 * @param cyclonedx the CycloneDX 1.6 BOM (UTF-8 JSON)
 * @param spdx the SPDX 3.0.1 document (UTF-8 JSON-LD)
 */
record ModelResult(ModelRef model, List<InventoryRow> rows, byte[] cyclonedx, byte[] spdx)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  ModelResult {
    Objects.requireNonNull(model, "model");
    rows = List.copyOf(rows);
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(model.uri() + ": a model always has a row");
    }
  }
}
