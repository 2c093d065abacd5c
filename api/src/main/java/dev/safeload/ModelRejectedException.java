package dev.safeload;

import java.util.List;

/**
 * Thrown by {@link SafeModelLoader#load} when a model fails any check. It carries every finding,
 * not just the first, so that one run tells the whole story.
 */
public final class ModelRejectedException extends Exception {
  private static final long serialVersionUID = 1L;
  private static final int MESSAGE_FINDINGS = 5;

  private final transient List<Finding> findings;

  /**
   * @param findings at least one finding
   */
  public ModelRejectedException(List<Finding> findings) {
    super(summary(findings));
    if (findings.isEmpty()) {
      throw new IllegalArgumentException("a rejection needs at least one finding");
    }
    this.findings = List.copyOf(findings);
  }

  /** All findings, in the order they were found per file. */
  public List<Finding> findings() {
    return findings;
  }

  /** Whether any finding carries the given reason. */
  public boolean hasReason(ReasonCode reason) {
    return findings.stream().anyMatch(f -> f.reason().equals(reason));
  }

  private static String summary(List<Finding> findings) {
    StringBuilder sb =
        new StringBuilder("model rejected (")
            .append(findings.size())
            .append(findings.size() == 1 ? " finding)" : " findings)");
    findings.stream().limit(MESSAGE_FINDINGS).forEach(f -> sb.append("\n  ").append(f));
    if (findings.size() > MESSAGE_FINDINGS) {
      sb.append("\n  …");
    }
    return sb.toString();
  }
}
