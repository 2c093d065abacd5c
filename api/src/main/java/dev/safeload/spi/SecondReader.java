package dev.safeload.spi;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What another common reader would find in a file's bytes. A model file is judged by one handler,
 * but the application, a script or a library may hand the same bytes to a different reader: torch's
 * legacy loader tries {@code tarfile} first, Python's {@code zipfile} looks for an end record in
 * the last 64 KiB, {@code pickle.load} runs whatever opcodes the file starts with. A file that one
 * of those readers would open as its own structure, while a handler accepted it as something else,
 * is a polyglot: two readings of one file. safeload refuses it ({@code POLYGLOT}).
 *
 * <p>Found through {@link java.util.ServiceLoader} beside the format handlers. The loader asks
 * every second reader about every file a handler accepted, except files of the reader's own {@link
 * #formats()}. Implementations are stateless, bounded (they look at a fixed number of bytes at the
 * start or end of the file, or, when the other reader itself reads on, walk the file once through
 * {@link ModelBytes#openStream}, never through {@link ModelBytes#slice} or {@link ModelBytes#get})
 * and never throw for hostile input.
 */
public interface SecondReader {

  /** A short name for reports: the reader whose view this is, e.g. {@code tar}. */
  String id();

  /**
   * Ids of the formats whose own structure this reader finds (a PyTorch checkpoint is a zip), so a
   * file accepted as one of them is not a polyglot for this reader.
   */
  Set<String> formats();

  /**
   * Whether {@code bytes}, accepted as {@code format}, are this reader's own structure rather than
   * a second reading. By default, whether {@code format} is one of {@link #formats()}. A reader
   * whose formats also have layouts it does not read says so from the bytes: a legacy PyTorch
   * checkpoint or an {@code .npy} array is no zip, though a zip checkpoint or an {@code .npz} is,
   * so a zip ending such a file is a second reading all the same. Bounded like {@link #opens}.
   */
  default boolean ownStructure(String format, ModelBytes bytes) {
    return formats().contains(format);
  }

  /**
   * What this reader would open in the file, or null if it would not open it: for example "a tar
   * header with a valid checksum at offset 0".
   */
  @Nullable String opens(ModelBytes bytes);
}
