package dev.safeload;

import java.util.List;

/**
 * Thrown when bytes delivered with {@link Delivery#MAPPED_TRUSTED} may have changed after they were
 * verified: the source file's size, modification time or identity differs from what was recorded
 * when it was mapped. Only the mapped mode can observe this; the copying modes hand out private
 * copies that cannot change.
 */
public final class ModelChangedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Finding> findings;

  public ModelChangedException(List<Finding> findings) {
    super("verified model changed on storage: " + findings);
    this.findings = List.copyOf(findings);
  }

  /** One {@link Reason#SOURCE_CHANGED} finding per changed file. */
  public List<Finding> findings() {
    return findings;
  }
}
