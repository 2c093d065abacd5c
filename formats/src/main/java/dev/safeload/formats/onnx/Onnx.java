package dev.safeload.formats.onnx;

import dev.safeload.Setting;

/**
 * Limits and allowed operator domains of the ONNX handler.
 *
 * <p>Set through the policy ({@code LoadPolicy.Builder.set}); the defaults are the values below.
 */
public final class Onnx {
  private Onnx() {}

  /**
   * Operator domains nodes may use; default {@link OperatorDomains#standard()}. A policy file names
   * {@code "standard"} or {@code "onnxruntime"} ({@link OperatorDomains#named}).
   */
  public static final Setting<OperatorDomains> ALLOWED_DOMAINS =
      Setting.of(
          "onnx.allowedDomains",
          OperatorDomains.class,
          OperatorDomains.standard(),
          OperatorDomains::named);

  /** Deepest message nesting (subgraphs in If/Loop/Scan and nested types count). */
  public static final Setting<Long> MAX_DEPTH = Setting.limit("onnx.maxDepth", 64);

  /** Most nodes over all graphs and functions. */
  public static final Setting<Long> MAX_NODES = Setting.limit("onnx.maxNodes", 1_000_000);

  /** Most tensors (initializers, attribute and sparse tensors). */
  public static final Setting<Long> MAX_TENSORS = Setting.limit("onnx.maxTensors", 1_000_000);

  /** Most model-local functions (onnx.checker's kMaxModelLocalFunctions). */
  public static final Setting<Long> MAX_FUNCTIONS = Setting.limit("onnx.maxFunctions", 10_000);

  /** Most metadata_props entries. */
  public static final Setting<Long> MAX_METADATA_ENTRIES =
      Setting.limit("onnx.maxMetadataEntries", 10_000);

  /** Highest tensor rank. */
  public static final Setting<Long> MAX_RANK = Setting.limit("onnx.maxRank", 64);

  /**
   * Most bytes the sparse tensors of a model (sparse initializers, {@code Constant} nodes'
   * sparse_value, sparse attributes) take once made dense, summed over the model. ONNX Runtime
   * makes every one of them dense when it creates a session, whatever their few stored values: a
   * 100-byte model declaring a 1 GiB sparse tensor with no values made it allocate 2 GiB.
   */
  public static final Setting<Long> MAX_SPARSE_DENSE_BYTES =
      Setting.limit("onnx.maxSparseDenseBytes", 256L << 20);

  /**
   * Most elements of the tensors ONNX Runtime's constant folding makes when it creates a session
   * from ConstantOfShape, Expand, Tile and Range nodes whose inputs are constants of the model,
   * summed over the model: a 136-byte model whose ConstantOfShape reads the shape [2^28] from an
   * initializer made it allocate 3 GiB.
   */
  public static final Setting<Long> MAX_FOLDED_ELEMENTS =
      Setting.limit("onnx.maxFoldedElements", 1L << 26);
}
