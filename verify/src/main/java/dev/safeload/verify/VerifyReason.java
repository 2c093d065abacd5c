package dev.safeload.verify;

import dev.safeload.ReasonCode;

/**
 * The reason codes reported by the provenance verifiers: pins, signatures and revocation.
 *
 * <p>Codes are stable: they are never renamed, removed or given another meaning. The engine's own
 * codes are in {@link dev.safeload.Reason}; every code is listed in docs/REASONS.md.
 */
public enum VerifyReason implements ReasonCode {
  // ---------------------------------------------------------------- provenance: pins
  /** The file's SHA-256 differs from its pin. */
  PIN_DIGEST_MISMATCH("The file's SHA-256 digest differs from its pin."),
  /** The file's size differs from its pin. */
  PIN_SIZE_MISMATCH("The file's size differs from its pin."),
  /** A pinned file is absent from the model directory. */
  PIN_FILE_MISSING("A file named by the pins is absent."),
  /** A file is served from the model directory but the pins do not name it. */
  PIN_FILE_NOT_PINNED("A file in the model directory is not named by the pins."),
  /** A pin names a path outside the model directory or a non-normalised path. */
  PIN_NAME_INVALID("A pin names a path that escapes the model directory or is not normalised."),
  /** A fixed-size range (shard) of the file hashes to another SHA-256 than its pin. */
  PIN_SHARD_MISMATCH(
      "A shard of the file, a fixed-size byte range, differs from its pinned SHA-256."),

  // ---------------------------------------------------------------- signatures and revocation
  /** The policy requires a signature and the model has no signature file. */
  SIGNATURE_MISSING("The policy requires a signature but the model has none."),
  /**
   * The signature file is not a well-formed Sigstore bundle (bad JSON, wrong shape, bad base64,
   * over limits).
   */
  SIGNATURE_BUNDLE_INVALID("The signature bundle is malformed or exceeds its limits."),
  /** The bundle's media type names a version this verifier does not support. */
  SIGNATURE_BUNDLE_VERSION_UNSUPPORTED(
      "The signature bundle's media type or version is not supported."),
  /** The DSSE envelope is malformed: payload type, signature count or encoding. */
  SIGNATURE_ENVELOPE_INVALID("The DSSE envelope is malformed or has an unexpected payload type."),
  /** The cryptographic signature does not verify with the trusted key or certificate. */
  SIGNATURE_INVALID("The signature does not verify."),
  /** The bundle's key material (kind, hint, key) differs from what the policy trusts. */
  SIGNATURE_KEY_MISMATCH("The bundle's verification material is not what the policy trusts."),
  /** The signed in-toto statement is malformed (type, subjects, predicate). */
  SIGNATURE_STATEMENT_INVALID("The signed in-toto statement is malformed."),
  /** The statement's predicate type is not an accepted model-signing predicate. */
  SIGNATURE_PREDICATE_UNSUPPORTED(
      "The signed statement's predicate type is not accepted by the policy."),
  /**
   * The signed manifest is inconsistent: bad names, duplicates, empty, bad digests, root mismatch.
   */
  SIGNATURE_MANIFEST_INVALID("The signed manifest is malformed or inconsistent."),
  /**
   * The signed manifest uses a serialization this verifier cannot check against the loaded bytes.
   */
  SIGNATURE_SERIALIZATION_UNSUPPORTED("The signed manifest's serialization cannot be checked."),
  /** A served file's digest differs from the digest in the signed manifest. */
  SIGNATURE_FILE_MISMATCH("A file's digest differs from the signed manifest."),
  /** A file named by the signed manifest is absent. */
  SIGNATURE_FILE_MISSING("A file named by the signed manifest is absent."),
  /** A file is present but the signed manifest does not name it. */
  SIGNATURE_FILE_NOT_SIGNED("A file in the model is not covered by the signature."),
  /** The signing certificate does not chain to a configured trust anchor at the validation time. */
  SIGNATURE_CERT_CHAIN_INVALID("The signing certificate does not chain to a trusted anchor."),
  /**
   * The signer's identity (subject, SAN, fingerprint, OIDC issuer) is not the one the policy
   * requires.
   */
  SIGNATURE_IDENTITY_MISMATCH(
      "The signer's identity or issuer is not the one the policy requires."),
  /** The Sigstore trusted root is malformed or lacks a required entry. */
  SIGSTORE_TRUSTED_ROOT_INVALID("The Sigstore trusted root is malformed."),
  /** No valid signed certificate timestamp from a trusted CT log. */
  SIGSTORE_SCT_INVALID(
      "The certificate lacks a valid signed certificate timestamp from a trusted log."),
  /**
   * A transparency-log entry is malformed, from an untrusted log, or its signed entry timestamp
   * fails.
   */
  SIGSTORE_TLOG_INVALID("A transparency-log entry is malformed, untrusted or badly signed."),
  /** A transparency-log entry does not describe this artifact, signature and key. */
  SIGSTORE_TLOG_ENTRY_MISMATCH(
      "A transparency-log entry is not bound to this signature and artifact."),
  /** A Merkle inclusion proof does not lead to the stated root. */
  SIGSTORE_INCLUSION_PROOF_INVALID("A transparency-log inclusion proof is invalid."),
  /** A signed checkpoint is malformed, unsigned by the log, or disagrees with the proof. */
  SIGSTORE_CHECKPOINT_INVALID("A transparency-log checkpoint is invalid."),
  /** An RFC 3161 timestamp is malformed, untrusted, or over other bytes. */
  SIGSTORE_TIMESTAMP_INVALID("An RFC 3161 timestamp is invalid or untrusted."),
  /** No verified source of signing time (SET or timestamp) is present. */
  SIGSTORE_NO_VERIFIED_TIME("No verified signing time is available."),
  /**
   * A verified signing time lies outside the validity of the signing certificate or trust root
   * entry.
   */
  SIGSTORE_TIME_OUTSIDE_VALIDITY(
      "A verified signing time lies outside the certificate's validity."),
  /** The signed artifact digest differs from the artifact. */
  SIGSTORE_ARTIFACT_MISMATCH("The signed artifact digest differs from the artifact."),
  /** A served file's SHA-256 is on the revocation list. */
  REVOKED_DIGEST("A file's digest is on the revocation list."),
  /** The model's signer (identity or key) is on the revocation list. */
  REVOKED_SIGNER("The model's signer is on the revocation list."),
  /** The revocation feed is malformed. */
  REVOKED_FEED_INVALID("The revocation feed is malformed."),

  // ---------------------------------------------------------------- merged from attest
  /** The policy requires build-provenance attestations but no bundle was given. */
  ATTESTATION_MISSING("The policy requires a build-provenance attestation but none was given."),
  /** The attested in-toto statement is malformed (type, subjects, digests, predicate shape). */
  ATTESTATION_STATEMENT_INVALID("The attested in-toto statement is malformed."),
  /** The attested statement's predicate type is not SLSA provenance v1. */
  ATTESTATION_PREDICATE_UNSUPPORTED(
      "The attestation's predicate type is not https://slsa.dev/provenance/v1."),
  /** No verified attestation names the served file's digest as a subject. */
  ATTESTATION_SUBJECT_MISMATCH(
      "No verified attestation's subject digest equals the file's digest."),
  /**
   * The signing certificate's Fulcio extensions (OIDs 1.3.6.1.4.1.57264.1.*) are malformed,
   * disagree or are missing.
   */
  ATTESTATION_CERT_EXTENSION_INVALID(
      "The attestation certificate's Fulcio extensions are malformed, inconsistent or missing."),
  /** The attestation was issued by another OIDC issuer than the policy names. */
  ATTESTATION_ISSUER_MISMATCH("The attestation's OIDC issuer is not the one the policy requires."),
  /** The attested build ran from another source repository or owner than the policy names. */
  ATTESTATION_REPOSITORY_MISMATCH(
      "The attestation's source repository or owner is not the one the policy requires."),
  /**
   * The signer (certificate identity, the workflow that signed) is not the one the policy names.
   */
  ATTESTATION_SIGNER_MISMATCH(
      "The attestation's signer workflow or identity is not the one the policy requires."),
  /** The attested build ran from another git ref than the policy names. */
  ATTESTATION_REF_MISMATCH("The attestation's source ref is not the one the policy requires."),
  /** The attested build ran on a runner the policy denies (self-hosted). */
  ATTESTATION_RUNNER_DENIED(
      "The attested build ran on a runner environment the policy denies (self-hosted)."),
  ;

  private final String description;

  VerifyReason(String description) {
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
