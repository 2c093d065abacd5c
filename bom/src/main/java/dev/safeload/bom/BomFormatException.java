package dev.safeload.bom;

/**
 * A document is not a CycloneDX JSON BOM that {@link CycloneDxBom} accepts: not strict JSON, a
 * duplicate key, over a size or depth limit, or a field of the wrong shape. The only exception the
 * reader throws for bad content.
 */
public final class BomFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An exception with a message naming what is wrong and, where known, where. */
  public BomFormatException(String message) {
    super(message);
  }
}
