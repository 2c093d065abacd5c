package dev.safeload.formats.pickle;

import java.util.Objects;

/**
 * What a pickle may do with one allowed global: only reference it, or call it with arguments of a
 * checked shape, and whether {@code BUILD} may then set state on the result. A global's rule is the
 * whole of its permission: there is no "allowed, anything goes".
 */
public final class GlobalRule {

  /** The rule's meaning; each kind has a fixed argument and state check in the pickle machine. */
  public enum Kind {
    /** May appear as a value (e.g. as an argument); calling it or building it is rejected. */
    VALUE,
    /**
     * A plain data class such as {@code argparse.Namespace}: {@code NEWOBJ}/{@code REDUCE} with an
     * empty argument tuple, then at most one {@code BUILD} whose state is a dict from strings to
     * plain data (None, bool, int, float, str, bytes and tuples, lists, dicts, sets of those).
     */
    DATA_CLASS,
    /**
     * Called with plain-data arguments only; the result is opaque and cannot be built or mutated.
     */
    PLAIN_DATA_CALL,
    /** A torch storage class; only legal inside a persistent id. */
    TORCH_STORAGE_TYPE,
    /** A torch dtype object such as {@code torch.float32}; a value. */
    TORCH_DTYPE,
    /**
     * {@code collections.OrderedDict}: called with {@code ()}; BUILD only with {@code {'_metadata':
     * dict}}.
     */
    ORDERED_DICT,
    /**
     * {@code torch._utils._rebuild_tensor_v2}: storage, offset, size, stride, requires_grad,
     * hooks[, metadata].
     */
    TORCH_REBUILD_TENSOR_V2,
    /** {@code torch._utils._rebuild_tensor}: storage, offset, size, stride. */
    TORCH_REBUILD_TENSOR,
    /** {@code torch._utils._rebuild_parameter}: tensor, requires_grad, empty hooks. */
    TORCH_REBUILD_PARAMETER,
    /** {@code torch.Size}: one tuple of non-negative ints. */
    TORCH_SIZE,
    /**
     * {@code torch.device}: a device string such as {@code cpu} or {@code cuda:0}, optional index.
     */
    TORCH_DEVICE,
    /** {@code _codecs.encode}: {@code (str, 'latin1')}, how protocol 2 spells bytes. */
    CODECS_ENCODE,
    /** {@code builtins.set}: one list of hashable plain values. */
    BUILTINS_SET,
    /**
     * {@code torch._utils._rebuild_qtensor}: a quantized storage, offset, size, stride (bounds
     * checked like dense tensors), quantizer parameters, requires_grad, empty hooks. Parameters are
     * {@code (per_tensor_affine, scale, zero_point)} or {@code (per_channel_affine[_float_qparams],
     * scales, zero_points, axis)} with one scale and zero point per slice along {@code axis}.
     */
    TORCH_REBUILD_QTENSOR,
    /**
     * A quantization scheme such as {@code torch.per_tensor_affine}: a value, legal in quantizer
     * parameters.
     */
    TORCH_QSCHEME,
    /**
     * {@code torch._utils._rebuild_sparse_tensor}: {@code (sparse_coo layout, (indices, values,
     * size [, is_coalesced]))} with int64 indices of shape (sparse dims, nnz), values of shape
     * (nnz, dense dims...) and a size whose dense part matches the values.
     */
    TORCH_REBUILD_SPARSE_TENSOR,
    /**
     * {@code torch.serialization._get_layout}: one of the strings {@code torch.strided}, {@code
     * torch.sparse_coo}.
     */
    TORCH_GET_LAYOUT,
    /** {@code builtins.complex}: up to two int or float parts (never a string to parse). */
    BUILTINS_COMPLEX,
    /** {@code builtins.bytearray}: nothing, or one bytes value. */
    BUILTINS_BYTEARRAY,
    /**
     * {@code collections.Counter}: nothing, or one dict whose values are numbers; its values stay
     * numbers.
     */
    COUNTER,
    /**
     * A TorchScript class defined in the archive's {@code code/} ({@code __torch__.<q>.<Name>}):
     * {@code NEWOBJ} with {@code ()}, then exactly one {@code BUILD} whose state is plain data,
     * tensors and other such objects. The archive reader checks the state against the class.
     */
    TORCHSCRIPT_OBJECT,
    /**
     * {@code torch.jit._pickle.restore_type_tag}: (a list or dict, a type string); yields the
     * container.
     */
    TORCHSCRIPT_TYPE_TAG,
    /**
     * {@code torch.jit._pickle.build_{int,double,bool,tensor}list}: one list whose items are all of
     * the rule's element type ({@link #dtype()}: {@code int}, {@code float}, {@code bool} or {@code
     * Tensor}); yields the list.
     */
    TORCHSCRIPT_LIST
  }

  private final Kind kind;
  private final String dtype;
  private final int elementSize;

  private GlobalRule(Kind kind, String dtype, int elementSize) {
    this.kind = kind;
    this.dtype = dtype;
    this.elementSize = elementSize;
  }

  /** Reference only; never called. */
  public static GlobalRule value() {
    return new GlobalRule(Kind.VALUE, "", 0);
  }

  /** A plain data class; see {@link Kind#DATA_CLASS}. */
  public static GlobalRule dataClass() {
    return new GlobalRule(Kind.DATA_CLASS, "", 0);
  }

  /** A callable taking plain data; see {@link Kind#PLAIN_DATA_CALL}. */
  public static GlobalRule plainDataCall() {
    return new GlobalRule(Kind.PLAIN_DATA_CALL, "", 0);
  }

  /** A torch storage type holding elements of {@code dtype}, each {@code elementSize} bytes. */
  public static GlobalRule torchStorageType(String dtype, int elementSize) {
    if (elementSize <= 0 || elementSize > 64) {
      throw new IllegalArgumentException("element size " + elementSize);
    }
    return new GlobalRule(Kind.TORCH_STORAGE_TYPE, Objects.requireNonNull(dtype), elementSize);
  }

  /**
   * A TorchScript typed-list builder whose items are all {@code int}, {@code float}, {@code bool}
   * or {@code Tensor}.
   */
  public static GlobalRule torchScriptList(String element) {
    if (!java.util.Set.of("int", "float", "bool", "Tensor").contains(element)) {
      throw new IllegalArgumentException("list element type " + element);
    }
    return new GlobalRule(Kind.TORCHSCRIPT_LIST, element, 0);
  }

  /** One of the fixed-schema callables of {@link Kind}. */
  public static GlobalRule of(Kind kind) {
    if (kind == Kind.TORCH_STORAGE_TYPE || kind == Kind.TORCHSCRIPT_LIST) {
      throw new IllegalArgumentException(
          "use torchStorageType(dtype, elementSize) or torchScriptList(element)");
    }
    return new GlobalRule(kind, "", 0);
  }

  public Kind kind() {
    return kind;
  }

  /**
   * For storage types: the element dtype name, e.g. {@code float32}; for TorchScript lists the
   * element type; otherwise empty.
   */
  public String dtype() {
    return dtype;
  }

  /** For storage types: bytes per element; otherwise 0. */
  public int elementSize() {
    return elementSize;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GlobalRule r
        && r.kind == kind
        && r.dtype.equals(dtype)
        && r.elementSize == elementSize;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, dtype, elementSize);
  }

  @Override
  public String toString() {
    return kind == Kind.TORCH_STORAGE_TYPE ? kind + "(" + dtype + ")" : kind.toString();
  }
}
