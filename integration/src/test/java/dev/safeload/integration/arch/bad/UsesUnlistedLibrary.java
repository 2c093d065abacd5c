package dev.safeload.integration.arch.bad;

import ai.onnxruntime.OrtEnvironment;

/**
 * Known-bad fixture for ArchitectureTest: a dependency outside the design's allowlist (ONNX
 * Runtime, which only the integration tests use).
 */
public final class UsesUnlistedLibrary {
  private UsesUnlistedLibrary() {}

  public static String describe(OrtEnvironment env) {
    return String.valueOf(env);
  }
}
