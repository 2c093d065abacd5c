package dev.safeload.formats.onnx;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operator domains a policy lets ONNX nodes use, for {@link Onnx#ALLOWED_DOMAINS}. A node's
 * domain picks which registered kernel runs (ONNX Runtime's {@code com.microsoft} contrib ops,
 * custom-op libraries), so domains are an allowlist. The default operator domain is spelled {@code
 * ai.onnx} here whether the file writes {@code ""} or {@code ai.onnx}.
 */
public final class OperatorDomains {
  private static final Set<String> STANDARD_NAMES =
      Set.of(
          "ai.onnx",
          "ai.onnx.ml",
          "ai.onnx.training",
          "ai.onnx.preview",
          "ai.onnx.preview.training");
  private static final OperatorDomains STANDARD = new OperatorDomains(STANDARD_NAMES);

  private final Set<String> domains;

  private OperatorDomains(Set<String> domains) {
    this.domains = Collections.unmodifiableSet(new TreeSet<>(domains));
  }

  /**
   * The standard ONNX domains: ai.onnx (""), ai.onnx.ml, ai.onnx.training,
   * ai.onnx.preview(.training).
   */
  public static OperatorDomains standard() {
    return STANDARD;
  }

  /**
   * The standard domains plus these (for example {@code com.microsoft} for ONNX Runtime contrib
   * ops).
   */
  public static OperatorDomains standardPlus(String... extra) {
    Set<String> s = new TreeSet<>(STANDARD_NAMES);
    for (String d : extra) {
      s.add(d.isEmpty() ? "ai.onnx" : d);
    }
    return new OperatorDomains(s);
  }

  /**
   * The standard domains plus {@code com.microsoft}: the contrib operators compiled into ONNX
   * Runtime itself (fused attention, {@code MatMulNBits}, {@code GroupQueryAttention}, …), which
   * Hugging Face exports use (optimum's {@code model_O4.onnx}, transformers.js's {@code
   * model_q4.onnx}, onnx-community's decoders). No operator library is loaded for them; a custom-op
   * domain such as {@code ai.onnx.contrib} (onnxruntime-extensions) is not among them.
   */
  public static OperatorDomains onnxRuntime() {
    return ONNX_RUNTIME;
  }

  private static final OperatorDomains ONNX_RUNTIME = standardPlus("com.microsoft");

  /** The policy file's name of {@link #standard()}. */
  public static final String STANDARD_NAME = "standard";

  /** The policy file's name of {@link #onnxRuntime()}. */
  public static final String ONNX_RUNTIME_NAME = "onnxruntime";

  /**
   * The domains a policy file names ({@code "profiles": {"onnx.allowedDomains": "onnxruntime"}}):
   * {@value #STANDARD_NAME} or {@value #ONNX_RUNTIME_NAME}.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static OperatorDomains named(String name) {
    return switch (name) {
      case STANDARD_NAME -> standard();
      case ONNX_RUNTIME_NAME -> onnxRuntime();
      default ->
          throw new IllegalArgumentException(
              "unknown operator domains '"
                  + name
                  + "' (known: "
                  + STANDARD_NAME
                  + ", "
                  + ONNX_RUNTIME_NAME
                  + ")");
    };
  }

  /** Exactly these domains ({@code ""} means {@code ai.onnx}). */
  public static OperatorDomains of(String... domains) {
    Set<String> s = new TreeSet<>();
    for (String d : domains) {
      s.add(d.isEmpty() ? "ai.onnx" : d);
    }
    return new OperatorDomains(s);
  }

  /** The allowed domains, sorted. */
  public Set<String> domains() {
    return domains;
  }

  /** Whether nodes may use this domain. */
  public boolean allows(String domain) {
    return domains.contains(domain.isEmpty() ? "ai.onnx" : domain);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OperatorDomains d && d.domains.equals(domains);
  }

  @Override
  public int hashCode() {
    return domains.hashCode();
  }

  @Override
  public String toString() {
    return "OperatorDomains" + domains;
  }
}
