package dev.safeload.internal;

import dev.safeload.Finding;
import dev.safeload.provenance.Sha256;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ModelView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One file's state through the pipeline: read, detected, validated. Confined to one thread at a time. */
final class LoadedFile implements ModelView.ValidatedFile {
  final SourceFile source;
  final List<Finding> findings = new ArrayList<>();
  @Nullable ChunkedBytes bytes;
  @Nullable Sha256 sha256;
  @Nullable Path privateCopy;
  @Nullable FormatHandler handler;
  @Nullable ModelDescription description;
  /** No handler detected the content; a referencing handler may still claim it. */
  boolean undetected;
  /** For a file claimed through {@link FormatHandler#validateReferenced}: its description's format. */
  @Nullable String claimedFormat;

  LoadedFile(SourceFile source) {
    this.source = source;
  }

  boolean accepted() {
    return findings.isEmpty() && description != null;
  }

  @Override
  public String name() {
    return source.name();
  }

  @Override
  public String format() {
    if (claimedFormat != null) {
      return claimedFormat;
    }
    return handler == null ? "" : handler.id();
  }

  @Override
  public ModelDescription description() {
    if (description == null) {
      throw new IllegalStateException("not validated: " + name());
    }
    return description;
  }

  @Override
  public ModelBytes bytes() {
    if (bytes == null) {
      throw new IllegalStateException("not read: " + name());
    }
    return bytes;
  }
}
