package dev.safeload.bom.internal;

import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/** Digests already computed by the loader, offered again to a verifier for the BOM's evidence. */
public final class Digests {
  private Digests() {}

  /**
   * A model of these files with no side files. It reports itself as a single-file model: a directory
   * makes a verifier also look for pinned files that are missing, which adds findings but never
   * changes which present files it proves, and only those are used.
   */
  public static DigestedModel of(List<DigestedFile> files) {
    List<DigestedFile> copy = List.copyOf(files);
    return new DigestedModel() {
      @Override
      public boolean isDirectory() {
        return false;
      }

      @Override
      public List<DigestedFile> files() {
        return copy;
      }

      @Override
      public Optional<DigestedFile> file(String name) {
        return copy.stream().filter(f -> f.name().equals(name)).findFirst();
      }

      @Override
      public Optional<ByteBuffer> sideFile(String name) {
        return Optional.empty();
      }
    };
  }
}
