package dev.safeload.integration.arch.bad;

import dev.safeload.bom.AiBom;
import dev.safeload.formats.gguf.GgufHandler;
import dev.safeload.verify.PinSet;

/**
 * Known-bad fixture for ArchitectureTest: code that names a handler, a verifier and the BOM module
 * directly, as the api (or a sibling module) must not.
 */
public final class ApiThatKnowsHandlers {
  private ApiThatKnowsHandlers() {}

  public static Object handler() {
    return new GgufHandler();
  }

  public static String names(PinSet pins, AiBom bom) {
    return pins + " " + bom;
  }
}
