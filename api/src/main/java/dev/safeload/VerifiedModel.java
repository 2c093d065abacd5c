package dev.safeload;

import dev.safeload.provenance.Proof;
import dev.safeload.provenance.Sha256;
import dev.safeload.spi.ModelDescription;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A model whose every file passed format validation and provenance checks. It owns the verified
 * bytes: a private copy in memory, a private directory, or (only with {@link
 * Delivery#MAPPED_TRUSTED}) the mapping that was checked. Accessors throw {@link
 * IllegalStateException} after {@link #close()}.
 *
 * <p>Thread-safe. Buffers handed out are read-only views; each call returns a fresh view with its
 * own position, so callers never disturb each other.
 */
public interface VerifiedModel extends AutoCloseable {

  /**
   * The path the model was loaded from (for reports; never re-opened by safeload). For a model read
   * from class-path resources or streams, a relative path naming the model (the last segment of its
   * {@link #location()}).
   */
  Path source();

  /**
   * Where the model was loaded from, as reports and BOMs show it: the absolute path of a local
   * model, {@code classpath:folder/} or the location a stream source was given ({@link
   * ModelSource#location()}).
   */
  default String location() {
    return source().toString();
  }

  /** The served files, sorted by name. */
  List<VerifiedFile> files();

  /**
   * The served file with this name, relative to the model root with {@code /} separators. For a
   * model loaded from a single file, its file name.
   *
   * @throws NoSuchElementException if no such file was verified
   */
  VerifiedFile file(String name);

  /** How the bytes are held. Never {@link Delivery#AUTOMATIC}. */
  Delivery delivery();

  /**
   * Every proof the verifiers made, in verifier order: what the policy's {@link
   * LoadPolicy#requiredProof()} was met with. Each file's share is in {@link
   * VerifiedFile#proofs()}. Empty when the policy required no proof and no verifier proved
   * anything.
   */
  List<Proof> proofs();

  /**
   * A private directory holding exactly the verified files, for engines that want a path (DJL). The
   * directory is {@code 0700} and the files {@code 0400}; it is written from the verified copy,
   * never from the source, and deleted by {@link #close()}. Calling it twice returns the same
   * directory.
   */
  Path materialize() throws IOException;

  /**
   * Re-checks a {@link Delivery#MAPPED_TRUSTED} model's sources (size, modification time, file
   * identity). A no-op for the copying modes, whose bytes cannot change.
   *
   * @throws ModelChangedException if a source changed
   */
  void checkUnchanged();

  /**
   * Releases the bytes and deletes any private directory. For {@link Delivery#MAPPED_TRUSTED},
   * first re-checks the sources and throws {@link ModelChangedException} (after releasing) if one
   * changed.
   */
  @Override
  void close();

  /** One verified file. */
  interface VerifiedFile {
    /** Name relative to the model root, {@code /}-separated. */
    String name();

    long size();

    Sha256 sha256();

    /** The id of the handler that validated it, e.g. {@code safetensors}. */
    String format();

    /** What the handler read: tensors, metadata, referenced files. */
    ModelDescription description();

    /**
     * The proofs that cover this file, in verifier order (each also in {@link
     * VerifiedModel#proofs()}).
     */
    List<Proof> proofs();

    /**
     * A read-only direct buffer over the whole verified file.
     *
     * @throws IllegalStateException if the file is larger than a single buffer can hold (2 GiB -
     *     1); use {@link #buffers()} then
     */
    java.nio.ByteBuffer buffer();

    /** Read-only direct buffers covering the file in order; one unless the file exceeds 1 GiB. */
    List<java.nio.ByteBuffer> buffers();

    /** A stream over the verified bytes (never over the source file). */
    java.io.InputStream openStream();
  }
}
