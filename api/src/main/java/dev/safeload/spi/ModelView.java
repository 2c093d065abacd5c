package dev.safeload.spi;

import java.util.List;
import java.util.Optional;

/**
 * The whole model after every file was validated on its own, for checks that span files (a shard
 * index against its shards, ONNX external data against the files present).
 */
public interface ModelView {

  /** Whether the model was loaded from a directory (rather than a single file). */
  boolean isDirectory();

  /** Names of all served files, sorted. */
  List<String> fileNames();

  /** A served file, if present and valid on its own. */
  Optional<ValidatedFile> file(String name);

  /** A served file that passed its own handler. */
  interface ValidatedFile {
    String name();

    String format();

    ModelDescription description();

    ModelBytes bytes();
  }
}
