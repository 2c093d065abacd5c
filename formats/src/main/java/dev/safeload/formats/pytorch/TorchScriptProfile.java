package dev.safeload.formats.pytorch;

import dev.safeload.formats.internal.torch.StorageClasses;
import dev.safeload.formats.pickle.GlobalRule;
import dev.safeload.formats.pickle.PickleProfile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a TorchScript archive ({@code torch.jit.save}) may contain: the operators its {@code code/}
 * may call, each with a {@link Tier} (only {@link Tier#COMPUTE} is admitted), and the pickle
 * profile its {@code data.pkl} and {@code constants.pkl} must satisfy (the archive's own {@code
 * __torch__} classes are added per archive, for exactly the classes its {@code code/} defines). An
 * operator that is not listed is refused as unknown; so is every namespace other than those listed
 * ({@code aten}, {@code prim}), custom op libraries included.
 *
 * <p>The default operator list is data: {@code dev/safeload/formats/pytorch/torchscript-ops.txt},
 * one {@code namespace::name tier [why]} a line; {@link #operatorsSha256()} identifies the list a
 * verdict was reached under. Immutable; extend a preset through {@link #toBuilder()}.
 *
 * <pre>{@code
 * TorchScriptProfile p = TorchScriptProfile.strict().toBuilder()
 *     .name("torchscript-with-erfcx")
 *     .allow("aten::special_erfcx")
 *     .build();
 * LoadPolicy policy = LoadPolicy.strict().toBuilder().set(PyTorch.TORCHSCRIPT, p).build();
 * }</pre>
 */
public final class TorchScriptProfile {

  /**
   * Why an operator is listed. Every tier but {@link #COMPUTE} is a refusal, named in the finding.
   */
  public enum Tier {
    /** Computes on tensors and values only: admitted. */
    COMPUTE,
    /** Reads or writes files. */
    IO,
    /** Writes to stdout or the warning handler. */
    OUTPUT,
    /** Runs code on other threads or later. */
    CONCURRENCY,
    /** RPC and collectives: runs work sent from or to other processes. */
    DISTRIBUTED,
    /** Profiler and executor statistics: global state, clocks. */
    PROFILER,
    /** Changes process-wide state that outlives the call. */
    STATE,
    /** Reveals addresses or internal counters. */
    LEAK,
    /** Storage aliasing and unchecked views: raw material for memory-safety exploits. */
    MEMORY
  }

  /**
   * One listed operator.
   *
   * @param name {@code namespace::name}, e.g. {@code aten::linear}
   * @param tier its tier
   * @param why for refused tiers, what the operator does; may be empty
   * @param onlyIn if not empty, the operator is admitted only in methods of these classes ({@code
   *     __torch__.}-qualified), and refused under its tier elsewhere
   */
  public record Operator(String name, Tier tier, String why, Set<String> onlyIn) {
    public Operator {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(tier, "tier");
      Objects.requireNonNull(why, "why");
      onlyIn = Set.copyOf(onlyIn);
      if (!OP.matcher(name).matches()) {
        throw new IllegalArgumentException("not namespace::name: " + name);
      }
    }

    /**
     * Whether a call from a method of {@code enclosingClass} (empty for free functions) is
     * admitted.
     */
    public boolean admitsIn(String enclosingClass) {
      return tier == Tier.COMPUTE || !onlyIn.isEmpty() && onlyIn.contains(enclosingClass);
    }
  }

  private static final Pattern OP =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*::[A-Za-z_][A-Za-z0-9_]*");
  private static final String RESOURCE = "torchscript-ops.txt";

  private final String name;
  private final PickleProfile pickles;

  /**
   * The operators and their digest; {@code null} only in {@link #strict()}, whose list is read from
   * the resource when first asked for (see {@link StrictOperators}).
   */
  private final @Nullable OperatorList list;

  /** An operator list and the SHA-256 of its canonical form. */
  private record OperatorList(Map<String, Operator> operators, String sha256) {
    static OperatorList of(Map<String, Operator> ops) {
      Map<String, Operator> copy = Collections.unmodifiableMap(new LinkedHashMap<>(ops));
      return new OperatorList(copy, digest(canonical(copy)));
    }
  }

  private TorchScriptProfile(String name, PickleProfile pickles, @Nullable OperatorList list) {
    this.name = name;
    this.pickles = pickles;
    this.list = list;
  }

  private OperatorList list() {
    return list != null ? list : StrictOperators.LIST;
  }

  /**
   * The default: the operators of {@code torchscript-ops.txt} (math, NN, shape, creation, list and
   * string builtins of {@code aten}; the control-flow and introspection ops of {@code prim}; {@code
   * aten::set_grad_enabled} only inside TorchScript's own {@code no_grad}/{@code enable_grad}
   * classes), and {@link #picklesStrict()} for the pickles.
   */
  public static TorchScriptProfile strict() {
    return Holder.STRICT;
  }

  private static final class Holder {
    static final TorchScriptProfile STRICT =
        new TorchScriptProfile("torchscript-strict", picklesStrict(), null);
  }

  /** The operator that {@link #withWarnings()} admits. */
  static final String WARN = "aten::warn";

  /**
   * {@link #strict()} and one relaxation, spelled out: {@code aten::warn}, which TorchScript
   * compiles {@code warnings.warn} to, is admitted. Scripted {@code torch.nn.functional} code calls
   * it on deprecated or unusual arguments (softmax without {@code dim}, dropout on 3-D input,
   * mismatched attention masks), so every scripted attention, transformer, softmax, dropout or loss
   * module carries such a call, reachable or not, and {@code strict()} refuses them all (their
   * traced forms, which record no warning, pass).
   *
   * <p>What it costs: the model may write a message of its choosing, control characters included,
   * to the warning handler each time it runs (libtorch's default handler writes to standard error;
   * under DJL it reached the JVM's standard output). Choose it where a forged log line or a
   * terminal escape in the process's output is not a concern, or where the output is filtered.
   * Nothing else is admitted: files, threads, printing and the rest stay refused.
   */
  public static TorchScriptProfile withWarnings() {
    return Warnings.PROFILE;
  }

  private static final class Warnings {
    static final TorchScriptProfile PROFILE =
        strict().toBuilder().name("torchscript-warnings").allow(WARN).build();
  }

  /**
   * The profile a policy file names: {@code torchscript-strict} ({@link #strict()}) or {@code
   * torchscript-warnings} ({@link #withWarnings()}).
   *
   * @throws IllegalArgumentException for any other name
   */
  public static TorchScriptProfile named(String name) {
    return switch (name) {
      case "torchscript-strict" -> strict();
      case "torchscript-warnings" -> withWarnings();
      default ->
          throw new IllegalArgumentException(
              "no built-in TorchScript profile named \""
                  + name
                  + "\" (torchscript-strict, torchscript-warnings)");
    };
  }

  /**
   * The default operator list, read on first use rather than with {@link #strict()}: {@link
   * PyTorch#TORCHSCRIPT} holds the strict profile as its default, so every PyTorch checkpoint scan
   * initialises it, and parsing and digesting the 500-line list costs a short CLI run tens of
   * milliseconds of CPU that only TorchScript archives need.
   */
  private static final class StrictOperators {
    static final OperatorList LIST = load();
  }

  private static OperatorList load() {
    Map<String, Operator> ops = new LinkedHashMap<>();
    String text;
    try (InputStream in = TorchScriptProfile.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the formats jar");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      text = out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String line : text.split("\n", -1)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] f = l.split(" ", 3);
      if (f.length < 2) {
        throw new IllegalStateException(RESOURCE + ": no tier in '" + l + "'");
      }
      put(
          ops,
          new Operator(
              f[0],
              Tier.valueOf(f[1].toUpperCase(java.util.Locale.ROOT)),
              f.length > 2 ? f[2] : "",
              Set.of()));
    }
    Operator grad = ops.get("aten::set_grad_enabled");
    if (grad != null) {
      put(
          ops,
          new Operator(
              grad.name(),
              grad.tier(),
              grad.why(),
              Set.of(
                  "__torch__.torch.autograd.grad_mode.no_grad",
                  "__torch__.torch.autograd.grad_mode.enable_grad")));
    }
    return OperatorList.of(ops);
  }

  private static void put(Map<String, Operator> ops, Operator op) {
    ops.put(op.name(), op);
  }

  /**
   * The pickle profile of {@code data.pkl} and {@code constants.pkl} before the archive's classes
   * are added: protocol 2's opcodes as libtorch's unpickler reads them; dense tensors ({@code
   * _rebuild_tensor_v2}) over the ordinary storage types; {@code OrderedDict} (backward hooks);
   * {@code torch.device}; TorchScript's typed containers ({@code restore_type_tag}, {@code
   * build_{int,double,bool,tensor}list}). Quantized and sparse tensors, {@code torch.classes}
   * objects, RRefs and the rest of the C++ unpickler's globals are refused.
   */
  public static PickleProfile picklesStrict() {
    PickleProfile.Builder b =
        PickleProfile.builder("torchscript-pickles")
            .allowOpcodes(PickleProfile.TORCH_WEIGHTS_OPCODES);
    b.allowGlobal("collections", "OrderedDict", GlobalRule.of(GlobalRule.Kind.ORDERED_DICT));
    b.allowGlobal(
        "torch._utils",
        "_rebuild_tensor_v2",
        GlobalRule.of(GlobalRule.Kind.TORCH_REBUILD_TENSOR_V2));
    b.allowGlobal("torch", "device", GlobalRule.of(GlobalRule.Kind.TORCH_DEVICE));
    b.allowGlobal(
        "torch.jit._pickle",
        "restore_type_tag",
        GlobalRule.of(GlobalRule.Kind.TORCHSCRIPT_TYPE_TAG));
    b.allowGlobal("torch.jit._pickle", "build_intlist", GlobalRule.torchScriptList("int"));
    b.allowGlobal("torch.jit._pickle", "build_doublelist", GlobalRule.torchScriptList("float"));
    b.allowGlobal("torch.jit._pickle", "build_boollist", GlobalRule.torchScriptList("bool"));
    b.allowGlobal("torch.jit._pickle", "build_tensorlist", GlobalRule.torchScriptList("Tensor"));
    StorageClasses.allowPlain(b);
    return b.build();
  }

  public String name() {
    return name;
  }

  /** Every listed operator, admitted or refused, keyed {@code namespace::name}. */
  public Map<String, Operator> operators() {
    return list().operators();
  }

  /** The entry for {@code namespace::name}, if listed. */
  public Optional<Operator> operator(String qualified) {
    return Optional.ofNullable(list().operators().get(qualified));
  }

  /**
   * The profile for {@code data.pkl} and {@code constants.pkl} (without the archive's own classes).
   */
  public PickleProfile pickles() {
    return pickles;
  }

  /**
   * SHA-256 (hex) of the operator list in a canonical form: one {@code name tier} line each,
   * sorted.
   */
  public String operatorsSha256() {
    return list().sha256();
  }

  /** A builder holding this profile's entries. */
  public Builder toBuilder() {
    Builder b = new Builder(name, pickles);
    b.operators.putAll(operators());
    return b;
  }

  @Override
  public String toString() {
    Map<String, Operator> operators = operators();
    long admitted = operators.values().stream().filter(o -> o.tier() == Tier.COMPUTE).count();
    return "TorchScriptProfile{"
        + name
        + ", "
        + admitted
        + " admitted of "
        + operators.size()
        + " listed operators}";
  }

  private static String canonical(Map<String, Operator> ops) {
    StringBuilder sb = new StringBuilder();
    ops.keySet().stream()
        .sorted()
        .forEach(
            k -> {
              Operator o = Objects.requireNonNull(ops.get(k)); // k is one of its keys
              sb.append(k).append(' ').append(o.tier().name().toLowerCase(java.util.Locale.ROOT));
              o.onlyIn().stream().sorted().forEach(c -> sb.append(' ').append(c));
              sb.append('\n');
            });
    return sb.toString();
  }

  private static String digest(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256", "SUN")
                  .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 from SUN", e);
    }
  }

  /** Builds a {@link TorchScriptProfile}. */
  public static final class Builder {
    private String name;
    private PickleProfile pickles;
    private final Map<String, Operator> operators = new LinkedHashMap<>();

    private Builder(String name, PickleProfile pickles) {
      this.name = Objects.requireNonNull(name, "name");
      this.pickles = Objects.requireNonNull(pickles, "pickles");
    }

    /** Renames the profile; a changed profile should say so in reports. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Admits {@code namespace::name} as compute. */
    public Builder allow(String operator) {
      return put(new Operator(operator, Tier.COMPUTE, "", Set.of()));
    }

    /**
     * Refuses {@code namespace::name} under {@code tier} (not {@link Tier#COMPUTE}), saying why.
     */
    public Builder deny(String operator, Tier tier, String why) {
      if (tier == Tier.COMPUTE) {
        throw new IllegalArgumentException("deny with a refusing tier");
      }
      return put(new Operator(operator, tier, why, Set.of()));
    }

    /** Adds or replaces an entry. */
    public Builder put(Operator op) {
      operators.put(op.name(), op);
      return this;
    }

    /** Replaces the pickle profile of {@code data.pkl} and {@code constants.pkl}. */
    public Builder pickles(PickleProfile pickles) {
      this.pickles = Objects.requireNonNull(pickles, "pickles");
      return this;
    }

    public TorchScriptProfile build() {
      return new TorchScriptProfile(name, pickles, OperatorList.of(operators));
    }
  }
}
