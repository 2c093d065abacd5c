package dev.safeload.spi;

import java.util.Set;

/**
 * Reads what a file served without a format claim (an {@linkplain
 * dev.safeload.LoadPolicy#opaqueFiles() opaque} file such as {@code README.md}) says about the
 * model, without judging the file: the file's role and verdict stay those of an opaque file. The
 * built-in describer reads the {@code license} of a Hugging Face model card's YAML front matter.
 *
 * <p>Found through {@link java.util.ServiceLoader} like {@link FormatHandler}s. Implementations
 * must be stateless, thread-safe and bounded in the work they do, like a handler.
 */
public interface FileDescriber {

  /** A stable id, for messages. */
  String id();

  /** Exact base names (compared without regard to case) of the files this describer reads. */
  Set<String> fileNames();

  /**
   * What the file declares: licences (with {@code ctx.fileName()} as their file) and metadata, in a
   * description whose format the loader ignores (the file stays {@code opaque}). Findings reported
   * through {@code ctx} are ignored too.
   *
   * @throws FormatException if the part of the file it reads is malformed or over a limit: the
   *     loader then knows nothing of what the file declares, which a licence policy counts as an
   *     unknown licence ({@code LICENSE_UNKNOWN})
   */
  ModelDescription describe(ModelBytes bytes, ValidationContext ctx);
}
