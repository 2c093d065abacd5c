package dev.safeload.provenance;

/**
 * How a {@link Proof} establishes where a file's bytes came from. The three differ in what they
 * vouch for, and a {@link ProofRequirement} can ask for any of them by name:
 *
 * <ul>
 *   <li>a {@link #PIN} says the bytes are the ones somebody recorded earlier, and nothing about
 *       who;
 *   <li>a {@link #SIGNATURE} says a named signer published these bytes;
 *   <li>an {@link #ATTESTATION} says a named build (a repository, a commit, a workflow) produced
 *       them, signed by the build platform's identity.
 * </ul>
 */
public enum Technique {
  /**
   * The file's size and SHA-256 equal values pinned in advance (a pin file, {@code sha256sum}
   * output).
   */
  PIN,
  /**
   * A verified signature over a manifest of digests (OpenSSF Model Signing) lists the file's
   * digest.
   */
  SIGNATURE,
  /**
   * A verified build-provenance attestation (an in-toto statement with a SLSA predicate) names the
   * file's digest as its subject.
   */
  ATTESTATION
}
