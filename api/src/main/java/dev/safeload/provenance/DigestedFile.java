package dev.safeload.provenance;

import java.util.Objects;

/**
 * A file of the model as the loader read it: its name relative to the model root ({@code /}-separated),
 * its size and the SHA-256 of exactly the bytes that will be served.
 */
public record DigestedFile(String name, long size, Sha256 sha256) {
  public DigestedFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sha256, "sha256");
  }
}
