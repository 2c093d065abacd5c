package dev.safeload.formats.internal.pickle;

import dev.safeload.formats.pickle.GlobalRule;
import java.math.BigInteger;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;
import org.jspecify.annotations.Nullable;

/**
 * Typed values on the machine's stack and in its memo. Containers hold references, as in CPython.
 */
public sealed interface Value {

  /** A short type name for messages. */
  String typeName();

  /** {@code None}. */
  record NoneV() implements Value {
    public static final NoneV INSTANCE = new NoneV();

    @Override
    public String typeName() {
      return "None";
    }
  }

  /** A bool. */
  record BoolV(boolean value) implements Value {
    public static final BoolV TRUE = new BoolV(true);
    public static final BoolV FALSE = new BoolV(false);

    @Override
    public String typeName() {
      return "bool";
    }
  }

  /** An int; {@code big} is set only when the value does not fit a long. */
  record IntV(long value, @Nullable BigInteger big) implements Value {
    public static IntV of(long v) {
      return v >= 0 && v < SMALL.length ? SMALL[(int) v] : new IntV(v, null);
    }

    /** The small ints every pickle is full of (offsets, sizes, strides), made once. */
    private static final IntV[] SMALL = new IntV[1024];

    static {
      for (int i = 0; i < SMALL.length; i++) {
        SMALL[i] = new IntV(i, null);
      }
    }

    public static IntV of(BigInteger v) {
      return v.bitLength() < 64 ? of(v.longValue()) : new IntV(0, v);
    }

    public boolean fitsLong() {
      return big == null;
    }

    @Override
    public String typeName() {
      return "int";
    }
  }

  /** A float. */
  record FloatV(double value) implements Value {
    @Override
    public String typeName() {
      return "float";
    }
  }

  /** A str. */
  record StrV(String value) implements Value {
    @Override
    public String typeName() {
      return "str";
    }
  }

  /**
   * bytes or bytearray: only the position in the pickle and the length are kept (never copied). For
   * bytes made by {@code _codecs.encode}, offset is -1.
   */
  record BytesV(long offset, long length, boolean mutable) implements Value {
    @Override
    public String typeName() {
      return mutable ? "bytearray" : "bytes";
    }
  }

  /**
   * The values that hold other values (tuples, lists, dicts, sets, instances, TorchScript objects).
   * They carry the machine's per-run marks on themselves, so that checking whether a value was
   * frozen or proven plain is a field read instead of an identity-map lookup (a checkpoint of
   * 60,000 tensors freezes several hundred thousand containers). A value belongs to the one run
   * that made it: persistent ids only ever yield storages, which are not containers.
   */
  abstract sealed class Container implements Value
      permits TupleV, ListV, DictV, SetV, InstanceV, ScriptObjectV {
    /**
     * Frozen: an allowed call or BUILD received and checked it (or something holding it), so no
     * opcode may change it again. (Not {@link SetV#frozen}, which tells a frozenset from a set.)
     */
    boolean immutable;

    /** Frozen and proven plain data: never walked again. */
    boolean plain;
  }

  /**
   * A tuple. Equality is identity (never structural: a tuple may be a DAG of shared tuples whose
   * structural hash or string doubles per level). Whether it can be a dict key, and how deeply it
   * nests, is computed once from its direct items when it is made, so no check ever re-walks it.
   */
  final class TupleV extends Container {
    /** Never written after construction, and never handed out (see {@link #items()}). */
    private final Value[] items;

    /** The non-negative ints it holds, once a size or stride check has read them. */
    long @Nullable [] dims;

    /** The result of the last pure call made with this tuple as its arguments, and its callee. */
    @Nullable Value pureResult;

    @Nullable Value pureCallee;

    /**
     * Nesting height of a hashable tuple (1 for a tuple of scalars), or -1 if it holds something
     * unhashable.
     */
    private final int hashHeight;

    public TupleV(List<Value> items) {
      this(items.toArray(new Value[0]));
    }

    /** Takes {@code items} over: the caller keeps no reference to the array. */
    TupleV(Value[] items) {
      this.items = items;
      int h = 0;
      for (Value v : items) {
        int c = heightOf(v);
        if (c == -1) {
          h = -1;
          break;
        }
        h = c == COLLIDES || h == COLLIDES ? COLLIDES : Math.max(h, c);
      }
      this.hashHeight = h < 0 ? h : h + 1;
    }

    /**
     * A new tuple of the same items as {@code same}: shares its array (never written), its height
     * (computed from the array) and its parsed dims, if read yet (the items read as sizes). Its
     * marks, frozen, plain and the last pure call, start unset: they belong to each tuple.
     */
    TupleV(TupleV same) {
      this.items = same.items;
      this.hashHeight = same.hashHeight;
      this.dims = same.dims;
    }

    /** A read-only view of the items (made per call: the machine itself reads {@link #get}). */
    public List<Value> items() {
      return new ItemsView(items);
    }

    /** One object over the array, where an unmodifiable wrapper of a list view would be two. */
    private static final class ItemsView extends AbstractList<Value> implements RandomAccess {
      private final Value[] items;

      ItemsView(Value[] items) {
        this.items = items;
      }

      @Override
      public Value get(int index) {
        return items[index];
      }

      @Override
      public int size() {
        return items.length;
      }
    }

    /** The number of items. */
    public int size() {
      return items.length;
    }

    /** Item {@code i}. */
    public Value get(int i) {
      return items[i];
    }

    /** The items themselves, for the machine's own reads: never written, never handed out. */
    Value[] array() {
      return items;
    }

    /** See {@link #heightOf}. */
    public int hashHeight() {
      return hashHeight;
    }

    @Override
    public String typeName() {
      return "tuple";
    }

    @Override
    public String toString() {
      return "tuple[" + items.length + "]";
    }
  }

  /**
   * {@link #heightOf} of an int outside +-(2**61-2), or of a tuple holding one at any depth:
   * CPython hashes an int modulo 2**61-1, so such values collide at will as dict keys or set items
   * (k * (2**61-1) all hash to 0, and so do the tuples of them), making every reader's dict
   * quadratic.
   */
  int COLLIDES = -2;

  /** CPython's {@code sys.hash_info.modulus} on 64-bit builds. */
  long PY_HASH_MODULUS = (1L << 61) - 1;

  /**
   * -1 if {@code v} cannot be a dict key or set item (restricted to plain immutable values), {@link
   * #COLLIDES} if it could but its hash collides at will, else its tuple nesting height (0 for a
   * scalar). Constant time: tuples carry their height.
   */
  static int heightOf(Value v) {
    if (v instanceof IntV i) {
      return i.fitsLong() && i.value() < PY_HASH_MODULUS && i.value() > -PY_HASH_MODULUS
          ? 0
          : COLLIDES;
    }
    if (v instanceof StrV
        || v instanceof BoolV
        || v instanceof NoneV
        || v instanceof FloatV
        || v instanceof ComplexV) {
      return 0;
    }
    if (v instanceof BytesV b) {
      return b.mutable() ? -1 : 0;
    }
    if (v instanceof TupleV t) {
      return t.hashHeight();
    }
    return -1;
  }

  /** A complex number made by {@code builtins.complex}. */
  record ComplexV(double real, double imag) implements Value {
    @Override
    public String typeName() {
      return "complex";
    }
  }

  /** A list built by the pickle. */
  final class ListV extends Container {
    public final ArrayList<Value> items = new ArrayList<>();

    /** Frozen and its items proven hashable (by {@code builtins.set}). */
    boolean hashable;

    @Override
    public String typeName() {
      return "list";
    }
  }

  /**
   * A dict built by the pickle, or an OrderedDict made by the allowed constructor. Keys and values
   * alternate in {@code items}; a repeated key keeps one slot, as in Python.
   */
  final class DictV extends Container {
    public final ArrayList<Value> items = new ArrayList<>();
    public final boolean ordered;

    /** A {@code collections.Counter}: values are numbers. */
    public final boolean counter;

    /** State set by BUILD on an OrderedDict ({@code _metadata}). */
    public @Nullable Value state;

    public DictV(boolean ordered) {
      this(ordered, false);
    }

    public DictV(boolean ordered, boolean counter) {
      this.ordered = ordered;
      this.counter = counter;
    }

    public int size() {
      return items.size() / 2;
    }

    @Override
    public String typeName() {
      return counter ? "Counter" : ordered ? "OrderedDict" : "dict";
    }
  }

  /** A set or frozenset built by the pickle. */
  final class SetV extends Container {
    public final ArrayList<Value> items = new ArrayList<>();
    public final boolean frozen;

    public SetV(boolean frozen) {
      this.frozen = frozen;
    }

    @Override
    public String typeName() {
      return frozen ? "frozenset" : "set";
    }
  }

  /** An allowed global, not yet called. */
  record GlobalV(String module, String name, GlobalRule rule) implements Value {
    @Override
    public String typeName() {
      return "global " + module + "." + name;
    }
  }

  /** A storage from a persistent id. */
  record StorageV(String key, String dtype, int elementSize, long numel, String location)
      implements Value {
    @Override
    public String typeName() {
      return "storage";
    }
  }

  /** A tensor or parameter rebuilt from a storage. */
  record TensorV(
      StorageV storage, long storageOffset, long[] size, long[] stride, boolean parameter)
      implements Value {
    @Override
    public String typeName() {
      return parameter ? "Parameter" : "Tensor";
    }
  }

  /**
   * A sparse COO tensor: int64 {@code indices} of shape (sparse dims, nnz), {@code values} of shape
   * (nnz, dense dims...), and its {@code size}. The index values live in the indices' storage
   * record and are checked by the checkpoint reader once the records are known.
   */
  record SparseV(TensorV indices, TensorV values, long[] size) implements Value {
    @Override
    public String typeName() {
      return "sparse tensor";
    }
  }

  /** An instance of a data class; {@code state} is set by its single BUILD. */
  final class InstanceV extends Container {
    public final GlobalV type;
    public @Nullable DictV state;

    public InstanceV(GlobalV type) {
      this.type = type;
    }

    @Override
    public String typeName() {
      return type.module() + "." + type.name();
    }
  }

  /**
   * An object of a TorchScript class ({@code __torch__.*}); {@code state} is set by its single
   * BUILD (a dict of attributes, or whatever the class's {@code __setstate__} takes).
   */
  final class ScriptObjectV extends Container {
    public final GlobalV type;
    public @Nullable Value state;

    /** File offset of the NEWOBJ that made it, for findings. */
    public final long offset;

    public ScriptObjectV(GlobalV type, long offset) {
      this.type = type;
      this.offset = offset;
    }

    /** {@code module.Name} as code/ spells the class. */
    public String qualifiedName() {
      return type.module() + "." + type.name();
    }

    @Override
    public String typeName() {
      return qualifiedName();
    }
  }

  /** The result of an allowed call whose value is not modelled further (device, complex, ...). */
  record OpaqueV(String type) implements Value {
    @Override
    public String typeName() {
      return type;
    }
  }
}
