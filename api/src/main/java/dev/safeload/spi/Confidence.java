package dev.safeload.spi;

/**
 * How sure a handler is that bytes are in its format. The loader picks the highest; a tie between
 * two handlers is an ambiguity and rejects the file.
 */
public enum Confidence {
  /** Not this format. */
  NONE,
  /** Plausible from structure alone (formats without magic bytes, such as ONNX protobuf). */
  STRUCTURAL,
  /**
   * Structure checked enough to exclude other formats (safetensors' length-prefixed JSON header).
   */
  STRONG,
  /** An unambiguous magic number at a fixed offset (GGUF, NumPy, ZIP). */
  MAGIC
}
