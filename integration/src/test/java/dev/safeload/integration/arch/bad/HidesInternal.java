package dev.safeload.integration.arch.bad;

import dev.safeload.integration.arch.bad.internal.Hidden;

/**
 * Fixture for ArchitectureTest: uses an internal type only where callers cannot see it, which is
 * allowed (the rule must not report it).
 */
public final class HidesInternal {
  private Hidden hidden = new Hidden();

  protected Hidden notVisibleSinceFinal() {
    return hidden;
  }

  Hidden packagePrivate() {
    return hidden;
  }

  public String describe() {
    return hidden.toString();
  }
}
