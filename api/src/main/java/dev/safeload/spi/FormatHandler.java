package dev.safeload.spi;

import java.nio.ByteBuffer;
import java.util.Set;

/**
 * Teaches safeload one file format. Found through {@link java.util.ServiceLoader} or registered on
 * {@code SafeModelLoader.Builder#handler}; a handler's verdicts count only if the policy allows its
 * {@link #id()}.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>Stateless and thread-safe: one instance validates many files at once.
 *   <li>Fail closed: anything not understood is a finding. Never "suspicious but allowed".
 *   <li>Bounded: check every length and count from the file against {@link ModelBytes#size()} and a
 *       {@link dev.safeload.Setting} limit before allocating or looping on it.
 *   <li>Never read anything but the given {@link ModelBytes}: no file system, no network.
 * </ul>
 */
public interface FormatHandler {

  /** The SPI version this interface describes. */
  int SPI_VERSION = 1;

  /** A stable lower-case id, e.g. {@code safetensors}; policies allow formats by id. */
  String id();

  /** File name extensions (without the dot, lower case) that name this format. */
  Set<String> extensions();

  /**
   * Well-known file names (the last path segment, compared case-folded and normalised, as a
   * case-insensitive file system compares names) that give a file this handler's role whatever its
   * extension says: {@code tokenizer.model}, {@code vocab.txt}, {@code merges.txt}, {@code
   * chat_template.jinja}. An exact name outranks every suffix and extension. Several handlers may
   * list one name (a {@code tokenizer.model} is SentencePiece or tiktoken); the content then
   * decides among them, and exactly one of them must validate it.
   *
   * @since SPI version 1 (additive default method)
   */
  default Set<String> fileNames() {
    return Set.of();
  }

  /**
   * Name endings longer than an extension, with their leading dot, lower case, that give a file
   * this handler's role: {@code .safetensors.index.json}. The longest matching ending (or
   * extension) among all handlers decides the role a name implies.
   *
   * @since SPI version 1 (additive default method)
   */
  default Set<String> nameSuffixes() {
    return Set.of();
  }

  /**
   * How sure the handler is that a file starting with {@code head} is in its format.
   *
   * @param head the first bytes of the file (up to 64 KiB), read-only, position 0, little-endian
   *     (note that {@code duplicate()} resets a buffer's order to big-endian)
   * @param fileSize the whole file's size
   */
  Confidence detect(ByteBuffer head, long fileSize);

  /**
   * Validates one file and describes it. Report problems through {@code context} or by throwing
   * {@link FormatException}; the returned description is used only if no finding was reported.
   */
  ModelDescription validate(ModelBytes bytes, ValidationContext context);

  /**
   * Checks that span files, called once per file of this format after all files were validated on
   * their own. The default checks nothing.
   */
  default void validateModel(
      ModelView.ValidatedFile self, ModelView model, ValidationContext context) {}

  /**
   * Validates a file that no handler detects but that a valid file of this format names in its
   * {@link ModelDescription#references()}: data with no format of its own, such as ONNX external
   * data. Without this hook such a file would be rejected as {@code UNKNOWN_FORMAT}; with it, the
   * file is accepted only because a valid model references it, and it stays part of the verified
   * set (read once, hashed, pinned and delivered like every other file).
   *
   * <p>Called after every file was validated on its own and before {@link #validateModel}, once per
   * undetected file, for the first valid file (in name order) whose references name it. The file is
   * served with the format {@link ModelDescription#format()} of the returned description, if this
   * returns a description and reports nothing. The file's extension must not belong to any handler
   * (a file named {@code x.gguf} that is not GGUF is an {@code EXTENSION_MISMATCH}). The default
   * claims nothing: the file stays {@code UNKNOWN_FORMAT}.
   *
   * @param referrer the valid file whose references name this file
   * @param name the referenced file's name relative to the model root
   * @param bytes the referenced file's verified bytes
   * @param context where findings about the referenced file go
   * @return a description of the referenced file, or null to leave it unclaimed
   * @since SPI version 1 (additive default method)
   */
  default @org.jspecify.annotations.Nullable ModelDescription validateReferenced(
      ModelView.ValidatedFile referrer, String name, ModelBytes bytes, ValidationContext context) {
    return null;
  }

  /**
   * The extensions that name only this format. A raw data file referenced by another file (ONNX
   * external data) is rejected if its name ends in one of them. Defaults to {@link #extensions()};
   * a handler returns fewer when an extension is shared by convention with raw data (PyTorch's
   * {@code .bin} is also the usual name of ONNX external data).
   */
  default Set<String> exclusiveExtensions() {
    return extensions();
  }

  /**
   * Whether {@link #validate} checks everything {@link #detect} would, so that a file whose name
   * this handler claims ({@link #fileNames()}, {@link #nameSuffixes()}, {@link #extensions()}) is
   * validated even when detection does not recognise its head. For formats with no signature to
   * detect (a Jinja template is any text); such a handler returns {@code NONE} from {@code detect}
   * and is reached only through names. The default, {@code false}, protects handlers whose
   * validation relies on a magic number that detection checked.
   *
   * @since SPI version 1 (additive default method)
   */
  default boolean validatesByNameAlone() {
    return false;
  }

  /**
   * Whether {@link #validate} ever accepts a file. A handler that only ever rejects (a wrapper
   * around other files, refused with a reason naming the wrapper) returns false: the polyglot
   * check, which asks whether a second handler that recognises a file accepts it too, then does not
   * run a validation whose only answer is no (for a zip checkpoint, a second walk over every
   * record). Where the handler's own reason is the verdict (its name or content chose it) it is
   * still run. The default, {@code true}, is the safe one: a handler that returns false must throw
   * or report from every path of {@code validate}.
   *
   * @since SPI version 1 (additive default method)
   */
  default boolean everAccepts() {
    return true;
  }

  /** The SPI version the handler was written against. */
  default int spiVersion() {
    return SPI_VERSION;
  }
}
