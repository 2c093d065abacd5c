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
