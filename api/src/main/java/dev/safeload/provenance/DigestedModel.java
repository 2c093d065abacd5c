package dev.safeload.provenance;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/** The digests of a model's served files, computed while the loader copied and validated them. */
public interface DigestedModel {

  /**
   * Whether the model is a directory. For a directory, a verifier must account for every file (none
   * missing, none extra); for a single file, only that file is in question.
   */
  boolean isDirectory();

  /** The served files, sorted by name. */
  List<DigestedFile> files();

  /**
   * Names of files present in the model directory that were left out on purpose by an ignore
   * pattern (the policy's or a verifier's), sorted. A verifier whose manifest lists such a file
   * reports it as ignored by policy, never as missing.
   */
  default List<String> ignoredFiles() {
    return List.of();
  }

  /**
   * Names of files present in the model directory that are not served because the loader refused
   * them before or while reading them (a name that says code, an I/O error), sorted. Each carries a
   * finding of its own, which rejects the model; a verifier whose manifest lists such a file leaves
   * the verdict to that finding rather than calling the file missing.
   */
  default List<String> unservedFiles() {
    return List.of();
  }

  /** The served file with this name. */
  Optional<DigestedFile> file(String name);

  /**
   * The bytes of a side file that a verifier claimed through {@link ProvenanceVerifier#sideFiles()}
   * (for example a signature bundle), read once with the same link checks as model files and never
   * served. Empty if the model has no such file.
   */
  Optional<ByteBuffer> sideFile(String name);

  /**
   * SHA-256 of the bytes {@code [start, end)} of a served file, computed over exactly the bytes the
   * loader validated and will serve (never re-read from disk). For verifiers whose manifests sign
   * byte ranges rather than whole files, such as OpenSSF Model Signing shard manifests; safe to
   * call from several threads at once. Empty if the file is not served, the range lies outside it,
   * or this model cannot provide ranges.
   */
  default Optional<Sha256> rangeSha256(String name, long start, long end) {
    return Optional.empty();
  }

  /**
   * SHA-512 (64 bytes) of a served file, computed on request over exactly the bytes the loader
   * validated and will serve, never re-read from the source. For proofs that name files by SHA-512
   * only (npm's build-provenance subjects, for example): the single pass computes SHA-256, and this
   * costs a second read of the verified copy, so verifiers ask only when no SHA-256 is on offer.
   * Safe to call from several threads at once. Empty if the file is not served or this model cannot
   * provide it.
   */
  default Optional<byte[]> sha512(String name) {
    return Optional.empty();
  }
}
