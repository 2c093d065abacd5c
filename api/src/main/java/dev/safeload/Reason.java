package dev.safeload;

/**
 * The rejection reasons the engine itself reports: walking the model, names and roles, reading,
 * detection, polyglots and the proof requirement. Codes are stable: they are never renamed, removed
 * or given another meaning.
 *
 * <p>Each module declares the codes it reports in an enum of its own (the built-in formats' {@code
 * dev.safeload.formats.FormatReason}, the verifiers' {@code dev.safeload.verify.VerifyReason}), so
 * adding a format does not change this enum. docs/REASONS.md lists them all.
 */
public enum Reason implements ReasonCode {
  // ---------------------------------------------------------------- loader: files and detection
  /** No handler recognised the bytes; unknown formats are rejected. */
  UNKNOWN_FORMAT("No allowed format handler recognises the file's content."),
  /** Two handlers claim the bytes with the same confidence: two readings of one file. */
  AMBIGUOUS_FORMAT("The content matches more than one format equally well."),
  /** The content was recognised, but the policy does not allow that format. */
  FORMAT_NOT_ALLOWED("The detected format is not in the policy's allowlist."),
  /** The file name's extension names a different format than the content. */
  EXTENSION_MISMATCH("The file name's extension disagrees with the detected content."),
  /** A path component is a symbolic link. */
  SYMLINK("A path component is a symbolic link."),
  /** The file has more than one hard link, so another name can change it. */
  HARDLINK("The file has more than one hard link."),
  /** The path is neither a regular file nor a directory (device, fifo, socket). */
  NOT_REGULAR_FILE("The path is not a regular file."),
  /** The file is larger than the policy allows. */
  FILE_TOO_LARGE("The file is larger than the policy's limit."),
  /**
   * The model directory holds more entries than the policy allows: files served or not (ignored
   * files, links, special files) and folders all count.
   */
  TOO_MANY_FILES(
      "The model directory holds more files and folders (ignored ones and links included) than the policy's limit."),
  /** The model directory holds no file to load. */
  EMPTY_MODEL("The model directory holds no files."),
  /** Size, modification time or identity of the source changed while or after it was read. */
  SOURCE_CHANGED("The source file changed while it was being read or verified."),
  /** Reading the file failed. */
  IO_ERROR("The file could not be read."),
  /** A format handler failed unexpectedly; the file is rejected rather than trusted. */
  HANDLER_ERROR("A format handler failed unexpectedly."),
  /** A file name inside the model cannot be served safely (control characters, backslashes). */
  FILE_NAME_INVALID("A file name inside the model cannot be represented safely."),
  /** Two names in the model are one name to a reader that folds case, Unicode form or bad bytes. */
  FILE_NAME_COLLISION(
      "Two file names collide once case, Unicode normalisation or undecodable bytes are folded."),
  /** The name says code (a .py, .so, .sh ...): loaders import or execute such files. */
  CODE_FILE("The file name says it is code that a loader may import or execute."),
  /** Another common reader would open the file as a different structure (tar, zip, pickle). */
  POLYGLOT("Another common reader would open the file as a different structure."),
  /** A Hugging Face cache blob's name (its digest) does not match the bytes read. */
  CACHE_BLOB_MISMATCH("A Hugging Face cache blob's name is not the digest of its bytes."),
  /**
   * The path is a Hugging Face cache repository folder ({@code models--ORG--NAME}) or its {@code
   * blobs}, {@code snapshots} or {@code refs} folder, not one snapshot of it: the model is {@code
   * snapshots/REV}.
   */
  CACHE_NOT_SNAPSHOT(
      "The path is a Hugging Face cache repository folder, not one of its snapshots/REV folders."),
  /** Validating the file exhausted a resource of the JVM (memory); it is rejected, not trusted. */
  RESOURCE_EXHAUSTED("Validating the file exhausted memory or another JVM resource."),
  /** A source (a caller's streams, a jar, the class path) lists the same name more than once. */
  DUPLICATE_NAME("The source lists the same file name more than once."),
  /** MAPPED_TRUSTED delivery was asked for files that are not local files (a jar, a stream). */
  SOURCE_NOT_MAPPABLE("Mapped delivery was asked for a model whose source is not local files."),
  /** The jar holding a class-path folder cannot be listed unambiguously. */
  SOURCE_LISTING_INVALID(
      "The source's list of files cannot be read unambiguously (a damaged, ZIP64 or encrypted jar directory)."),

  // ---------------------------------------------------------------- provenance: the proof
  // requirement and verifier failures
  /** No pin, signature or other proof covers the file, and the policy requires one. */
  UNPROVEN_FILE("No pin or signature proves where the file came from."),
  /** A provenance verifier failed unexpectedly; the model is rejected rather than trusted. */
  VERIFIER_ERROR("A provenance verifier (pins, signature, revocation) failed unexpectedly."),

  // ---------------------------------------------------------------- merged from licspdx
  /**
   * The policy judges licences and the model declares none, or a declaration is not an SPDX
   * expression.
   */
  LICENSE_UNKNOWN(
      "The model's licence is unknown: none is declared, or a declaration is not an SPDX expression."),
  /** A declared licence is not on the policy's list of acceptable licences. */
  LICENSE_NOT_ALLOWED("A declared licence is not one the policy allows."),
  ;

  private final String description;

  Reason(String description) {
    this.description = description;
  }

  @Override
  public String code() {
    return name();
  }

  @Override
  public String description() {
    return description;
  }
}
