package dev.safeload.spi;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ReasonCode;
import dev.safeload.Setting;
import java.util.List;

/**
 * The {@link ValidationContext} of one file: the policy's settings, and findings appended to a list
 * the caller owns. The engine uses it for every file, tests through {@link
 * ValidationContext#collecting}.
 */
final class CollectingContext implements ValidationContext {
  /** A handler reporting more than this many findings is cut short; the file is rejected anyway. */
  private static final int MAX_FINDINGS = 1000;

  private final String fileName;
  private final LoadPolicy policy;
  private final List<Finding> findings;

  CollectingContext(String fileName, LoadPolicy policy, List<Finding> findings) {
    this.fileName = fileName;
    this.policy = policy;
    this.findings = findings;
  }

  @Override
  public String fileName() {
    return fileName;
  }

  @Override
  public <T> T setting(Setting<T> setting) {
    return policy.get(setting);
  }

  @Override
  public void report(ReasonCode reason, long offset, String message) {
    if (findings.size() < MAX_FINDINGS) {
      findings.add(new Finding(reason, fileName, Math.max(Finding.NO_OFFSET, offset), message));
    }
  }
}
