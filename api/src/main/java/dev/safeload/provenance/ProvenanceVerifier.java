package dev.safeload.provenance;

import java.util.Set;

/**
 * A way to prove where a model's bytes came from: digest pins, a signature, a build attestation, a
 * revocation check. Verifiers see digests computed in the loader's single pass over the bytes; they
 * never open model files themselves, and never start threads of their own: the loader runs them on
 * its threads ({@link dev.safeload.LoadPolicy#PARALLELISM}), several at once. Implementations must
 * be immutable and thread-safe.
 *
 * <p>A verifier reports what it proved as {@link Proof}s (with its own {@link #id()}, covering only
 * served files with the digests the loader gave it; the loader refuses any other proof as a {@link
 * dev.safeload.Reason#VERIFIER_ERROR}) and what is wrong as findings. It does not decide whether
 * the model is proven enough: the loader applies the policy's {@link ProofRequirement} to the
 * proofs of all verifiers together.
 */
public interface ProvenanceVerifier {

  /**
   * A short id for reports, e.g. {@code pins} or {@code oms-signature}; {@link Proof#verifier()}
   * names it.
   */
  String id();

  /**
   * Names (relative to the model root) of side files this verifier reads from the model directory,
   * such as {@code model.sig}. They are given to {@link #verify} and never served as model files.
   */
  default Set<String> sideFiles() {
    return Set.of();
  }

  /**
   * Patterns ({@link dev.safeload.FileGlob} syntax) of files that the proof itself leaves out of
   * the model, as recorded by whoever made it (a pin file's {@code ignore} list, an OpenSSF Model
   * Signing manifest's {@code ignore_paths}). The loader adds them to the policy's own ignore
   * patterns: such files are neither read nor served, and reports list them as ignored. Read before
   * the model is walked.
   */
  default Set<String> ignoredFiles() {
    return Set.of();
  }

  /**
   * Patterns of files that the proof records as opaque: files no handler judges that are still
   * hashed, proven and served with no format claim (a model card, a licence). The loader adds them
   * to the policy's own opaque patterns; names that imply a loader format or code are never opaque.
   */
  default Set<String> opaqueFiles() {
    return Set.of();
  }

  /**
   * Sizes in bytes of the fixed-size ranges ("shards") whose SHA-256 this verifier compares, such
   * as a pin file's {@code shard_size} or a signed manifest's shard size. Asked once, before the
   * loader reads any file: during its single pass it hashes every served file in consecutive ranges
   * {@code [0, s)}, {@code [s, 2s)}, ... (the last one shorter) of each size {@code s}, beside the
   * whole-file digest, and hands them over as {@link DigestedFile#shards(long)} and through {@link
   * DigestedModel#rangeSha256}, so no byte is read or hashed again for the proof. Sizes under
   * {@value DigestedFile#MIN_SHARD_SIZE} bytes are not computed in the pass (their ranges are
   * hashed on request instead).
   */
  default Set<Long> shardSizes() {
    return Set.of();
  }

  /**
   * Whether this verifier reads the whole-file SHA-256 ({@link DigestedFile#sha256()}) of the
   * served file with this name; asked once per file before the loader reads it. The default is yes.
   * A verifier that compares only shards of a file (a pin file holding shard digests alone, a
   * manifest signing ranges) answers no: when every verifier answers no for a file and at least one
   * shard size was declared ({@link #shardSizes()}), the loader skips the whole-file digest, hashes
   * the file's shards in parallel on its threads, and hands over {@link DigestedFile#sha256()} as
   * null. Reports then show the shard digests, never a whole-file digest that was not computed.
   */
  default boolean needsSha256(String name) {
    return true;
  }

  /**
   * Checks the model's digests. Never throws for a bad model: problems are findings. What this
   * throws becomes a {@link dev.safeload.Reason#VERIFIER_ERROR} finding that rejects the model.
   */
  ProvenanceResult verify(DigestedModel model);
}
