package dev.safeload.formats.pickle;

import static dev.safeload.formats.pickle.PickleOpcode.*;

import dev.safeload.formats.internal.torch.StorageClasses;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An allowlist for the pickle machine: which opcodes a stream may use and which globals it may
 * import, each with the {@link GlobalRule} that says how it may be used. Anything not listed is
 * rejected. Immutable; extend a preset through {@link #toBuilder()}.
 *
 * <pre>{@code
 * PickleProfile lightning = PickleProfile.torchWeightsStrict().toBuilder()
 *     .name("torch-weights-with-namespace")
 *     .allowGlobal("argparse", "Namespace", GlobalRule.dataClass())
 *     .build();
 * LoadPolicy policy = LoadPolicy.strict().toBuilder().set(PyTorch.PROFILE, lightning).build();
 * }</pre>
 */
public final class PickleProfile {

  /**
   * Opcodes that no profile may admit: they import through hidden registries or need side input.
   */
  public static final Set<PickleOpcode> NEVER_ALLOWED =
      Collections.unmodifiableSet(
          EnumSet.of(EXT1, EXT2, EXT4, PERSID, NEXT_BUFFER, READONLY_BUFFER));

  /** The 34 opcodes {@code torch.load(weights_only=True)} implements. */
  public static final Set<PickleOpcode> TORCH_WEIGHTS_OPCODES =
      Collections.unmodifiableSet(
          EnumSet.of(
              PROTO,
              STOP,
              MARK,
              GLOBAL,
              NEWOBJ,
              REDUCE,
              BUILD,
              APPEND,
              APPENDS,
              SETITEM,
              SETITEMS,
              TUPLE,
              TUPLE1,
              TUPLE2,
              TUPLE3,
              NONE,
              NEWFALSE,
              NEWTRUE,
              EMPTY_TUPLE,
              EMPTY_LIST,
              EMPTY_DICT,
              EMPTY_SET,
              BININT,
              BININT1,
              BININT2,
              BINFLOAT,
              LONG1,
              BINUNICODE,
              SHORT_BINSTRING,
              BINPERSID,
              BINGET,
              LONG_BINGET,
              BINPUT,
              LONG_BINPUT));

  /**
   * {@link #TORCH_WEIGHTS_OPCODES} plus the data opcodes CPython's pickler writes for plain values
   * in protocols 0 to 5 (text forms, frames, MEMOIZE, bytes, sets, STACK_GLOBAL). None of them
   * imports or calls anything by itself.
   */
  public static final Set<PickleOpcode> DATA_OPCODES;

  static {
    EnumSet<PickleOpcode> s = EnumSet.copyOf(TORCH_WEIGHTS_OPCODES);
    s.addAll(
        EnumSet.of(
            INT,
            LONG,
            FLOAT,
            STRING,
            BINSTRING,
            UNICODE,
            PUT,
            GET,
            LIST,
            DICT,
            POP,
            POP_MARK,
            LONG4,
            BINBYTES,
            SHORT_BINBYTES,
            SHORT_BINUNICODE,
            BINUNICODE8,
            BINBYTES8,
            BYTEARRAY8,
            ADDITEMS,
            FROZENSET,
            STACK_GLOBAL,
            MEMOIZE,
            FRAME));
    DATA_OPCODES = Collections.unmodifiableSet(s);
  }

  private final String name;
  private final Set<PickleOpcode> opcodes;
  private final Map<String, GlobalRule> globals;

  private PickleProfile(Builder b) {
    this.name = b.name;
    this.opcodes = Collections.unmodifiableSet(EnumSet.copyOf(b.opcodes));
    this.globals = Collections.unmodifiableMap(new LinkedHashMap<>(b.globals));
  }

  /**
   * The default for PyTorch checkpoints: what {@code torch.load(weights_only=True)} admits by
   * default (its opcodes; its globals for dense, quantized (8- and 32-bit) and sparse COO tensors,
   * complex numbers, bytearrays and Counters, each with an argument rule) and nothing else.
   * Sub-byte quantized storages, CSR/CSC sparse layouts, meta, nested and wrapper-subclass tensors
   * are left out until each has a bounds rule.
   */
  public static PickleProfile torchWeightsStrict() {
    Builder b = new Builder("torch-weights-strict").allowOpcodes(TORCH_WEIGHTS_OPCODES);
    b.allowGlobal("collections", "OrderedDict", GlobalRule.of(GlobalRule.Kind.ORDERED_DICT));
    b.allowGlobal(
        "torch._utils",
        "_rebuild_tensor_v2",
        GlobalRule.of(GlobalRule.Kind.TORCH_REBUILD_TENSOR_V2));
    b.allowGlobal(
        "torch._utils", "_rebuild_tensor", GlobalRule.of(GlobalRule.Kind.TORCH_REBUILD_TENSOR));
    b.allowGlobal(
        "torch._utils",
        "_rebuild_parameter",
        GlobalRule.of(GlobalRule.Kind.TORCH_REBUILD_PARAMETER));
    b.allowGlobal("torch", "Size", GlobalRule.of(GlobalRule.Kind.TORCH_SIZE));
    b.allowGlobal("torch", "device", GlobalRule.of(GlobalRule.Kind.TORCH_DEVICE));
    b.allowGlobal("_codecs", "encode", GlobalRule.of(GlobalRule.Kind.CODECS_ENCODE));
    b.allowGlobal("builtins", "set", GlobalRule.of(GlobalRule.Kind.BUILTINS_SET));
    b.allowGlobal("builtins", "complex", GlobalRule.of(GlobalRule.Kind.BUILTINS_COMPLEX));
    b.allowGlobal("builtins", "bytearray", GlobalRule.of(GlobalRule.Kind.BUILTINS_BYTEARRAY));
    b.allowGlobal("collections", "Counter", GlobalRule.of(GlobalRule.Kind.COUNTER));
    b.allowGlobal(
        "torch._utils", "_rebuild_qtensor", GlobalRule.of(GlobalRule.Kind.TORCH_REBUILD_QTENSOR));
    b.allowGlobal(
        "torch._utils",
        "_rebuild_sparse_tensor",
        GlobalRule.of(GlobalRule.Kind.TORCH_REBUILD_SPARSE_TENSOR));
    b.allowGlobal(
        "torch.serialization", "_get_layout", GlobalRule.of(GlobalRule.Kind.TORCH_GET_LAYOUT));
    // The schemes _rebuild_qtensor can rebuild; the symmetric ones make it raise, so they are left
    // out.
    for (String q :
        new String[] {
          "per_tensor_affine", "per_channel_affine", "per_channel_affine_float_qparams"
        }) {
      b.allowGlobal("torch", q, GlobalRule.of(GlobalRule.Kind.TORCH_QSCHEME));
    }
    StorageClasses.allowPlain(b);
    StorageClasses.allowComplexAndQuantized(b);
    for (String dtype :
        new String[] {
          "float64",
          "float32",
          "float16",
          "bfloat16",
          "int64",
          "int32",
          "int16",
          "int8",
          "uint8",
          "bool",
          "complex128",
          "complex64",
          // The dtypes of the quantized storages admitted above: a dynamically quantized Linear's
          // state dict holds torch.qint8 itself as a value (its packed params' dtype). A dtype is a
          // value, never called; torch 2.x's weights-only unpickler admits every dtype.
          "qint8",
          "quint8",
          "qint32"
        }) {
      b.allowGlobal("torch", dtype, GlobalRule.of(GlobalRule.Kind.TORCH_DTYPE));
    }
    return b.build();
  }

  /**
   * The globals and rules of {@link #torchWeightsStrict()} with the data opcodes of every protocol
   * ({@link #DATA_OPCODES}): the default for raw pickles, joblib files and NumPy object arrays,
   * which CPython writes with protocols 0 to 5, and for checkpoints saved with {@code
   * pickle_protocol > 2} when a policy opts in.
   */
  public static PickleProfile torchWeightsExtended() {
    return torchWeightsStrict().toBuilder()
        .name("torch-weights-extended")
        .allowOpcodes(DATA_OPCODES)
        .build();
  }

  /**
   * An opt-in profile for training checkpoints (Lightning style) that carry their hyper-parameters
   * as an {@code argparse.Namespace}: {@link #torchWeightsStrict()} plus that one data class.
   */
  public static PickleProfile torchTrainingCheckpoint() {
    return torchWeightsStrict().toBuilder()
        .name("torch-training-checkpoint")
        .allowGlobal("argparse", "Namespace", GlobalRule.dataClass())
        .build();
  }

  /**
   * A built-in profile by its name, as a policy file names it: {@code torch-weights-strict}, {@code
   * torch-weights-extended} or {@code torch-training-checkpoint}.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static PickleProfile named(String name) {
    return switch (name) {
      case "torch-weights-strict" -> torchWeightsStrict();
      case "torch-weights-extended" -> torchWeightsExtended();
      case "torch-training-checkpoint" -> torchTrainingCheckpoint();
      default ->
          throw new IllegalArgumentException(
              "no built-in pickle profile named \""
                  + name
                  + "\" (torch-weights-strict, torch-weights-extended, torch-training-checkpoint)");
    };
  }

  public String name() {
    return name;
  }

  /** The admitted opcodes. */
  public Set<PickleOpcode> opcodes() {
    return opcodes;
  }

  /** Admitted globals, keyed {@code module + " " + name}. */
  public Map<String, GlobalRule> globals() {
    return globals;
  }

  /** The rule for {@code module.name}, if the global is admitted. */
  public Optional<GlobalRule> rule(String module, String name) {
    return Optional.ofNullable(globals.get(module + " " + name));
  }

  /** A builder holding this profile's entries. */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.opcodes.addAll(opcodes);
    b.globals.putAll(globals);
    return b;
  }

  /** An empty builder: no opcodes, no globals. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  @Override
  public String toString() {
    return "PickleProfile{"
        + name
        + ", "
        + opcodes.size()
        + " opcodes, "
        + globals.size()
        + " globals}";
  }

  /** Builds a {@link PickleProfile}. */
  public static final class Builder {
    private String name;
    private final EnumSet<PickleOpcode> opcodes = EnumSet.noneOf(PickleOpcode.class);
    private final Map<String, GlobalRule> globals = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Renames the profile; a changed profile should say so in reports. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Admits opcodes. {@link #NEVER_ALLOWED} ones are refused. */
    public Builder allowOpcodes(Set<PickleOpcode> ops) {
      for (PickleOpcode op : ops) {
        if (NEVER_ALLOWED.contains(op)) {
          throw new IllegalArgumentException(op + " can never be allowed");
        }
      }
      opcodes.addAll(ops);
      return this;
    }

    /**
     * Admits the global {@code module.name} under {@code rule}; replaces an earlier rule for it.
     */
    public Builder allowGlobal(String module, String name, GlobalRule rule) {
      if (!module.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*")
          || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("not a plain global: " + module + "." + name);
      }
      String top = module.contains(".") ? module.substring(0, module.indexOf('.')) : module;
      if (Set.of("os", "posix", "nt", "sys", "subprocess", "builtins").contains(top)
          && !(top.equals("builtins")
              && Set.of("set", "frozenset", "complex", "bytearray", "slice", "range")
                  .contains(name))) {
        // The same modules torch refuses in add_safe_globals, plus builtins beyond plain
        // constructors.
        throw new IllegalArgumentException(module + "." + name + " can never be allowed");
      }
      globals.put(module + " " + name, Objects.requireNonNull(rule, "rule"));
      return this;
    }

    /** Removes a global. */
    public Builder denyGlobal(String module, String name) {
      globals.remove(module + " " + name);
      return this;
    }

    public PickleProfile build() {
      if (!opcodes.contains(STOP)) {
        throw new IllegalStateException("a profile must allow STOP");
      }
      return new PickleProfile(this);
    }
  }
}
