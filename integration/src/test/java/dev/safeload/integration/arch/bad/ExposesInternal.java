package dev.safeload.integration.arch.bad;

import dev.safeload.integration.arch.bad.internal.Hidden;
import dev.safeload.integration.arch.bad.internal.HiddenException;
import dev.safeload.integration.arch.bad.internal.HiddenInterface;
import java.util.List;

/**
 * Known-bad fixture for ArchitectureTest: a type of an "exported" package that shows internal types
 * in every part of its signature the rule looks at.
 */
public class ExposesInternal<T extends Hidden> extends Hidden implements HiddenInterface {
  public Hidden exposed;

  public List<Hidden> returns() {
    return List.of();
  }

  protected void takes(Hidden h) {}

  public void throwsIt() throws HiddenException {}
}
