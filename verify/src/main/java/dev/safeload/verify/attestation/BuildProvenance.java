package dev.safeload.verify.attestation;

import dev.safeload.provenance.Sha256;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one verified build-provenance attestation establishes: who signed (the certificate's
 * identity and issuer), which build produced the artifacts (source repository, owner, ref, commit,
 * the workflow that signed, the runner) as the CI provider vouched for them in the Fulcio
 * certificate, and which artifacts it names. Every field here was verified: the bundle's signature,
 * certificate chain, SCT, transparency-log entry and timestamps against the trusted root, then the
 * policy. Immutable.
 *
 * @param source where the bundle came from, e.g. {@code provenance.jsonl line 2}
 * @param identity the signing certificate's subject alternative name (the signer workflow URI at
 *     its ref, for GitHub Actions)
 * @param issuer the OIDC issuer recorded by Fulcio
 * @param sourceRepository {@code OWNER/NAME} of the repository the build ran from
 * @param sourceRepositoryUri Fulcio OID .12, e.g. {@code https://github.com/sigstore/sigstore-js}
 * @param ownerUri Fulcio OID .16, e.g. {@code https://github.com/sigstore}
 * @param ref the git ref the build ran from (OID .14), or null if not recorded
 * @param commit the source commit (OID .13), or null if not recorded
 * @param signerWorkflow the workflow that signed (OID .9, equal to the identity), or null
 * @param signerDigest the signing workflow's commit (OID .10), or null
 * @param runnerEnvironment {@code github-hosted} or {@code self-hosted} (OID .11), or null
 * @param buildTrigger the event that started the build (OID .20), or null
 * @param runInvocationUri the run that built it (OID .21), or null
 * @param buildType the SLSA predicate's {@code buildDefinition.buildType} (a claim)
 * @param builderId the SLSA predicate's {@code runDetails.builder.id} (a claim)
 * @param subjects the artifacts the statement names
 * @param signingTimes the verified signing times (log entry, RFC 3161 timestamps)
 * @param statementSha256 SHA-256 of the signed statement bytes
 */
public record BuildProvenance(
    String source,
    String identity,
    String issuer,
    String sourceRepository,
    String sourceRepositoryUri,
    String ownerUri,
    @Nullable String ref,
    @Nullable String commit,
    @Nullable String signerWorkflow,
    @Nullable String signerDigest,
    @Nullable String runnerEnvironment,
    @Nullable String buildTrigger,
    @Nullable String runInvocationUri,
    String buildType,
    String builderId,
    List<Subject> subjects,
    List<Instant> signingTimes,
    Sha256 statementSha256) {

  /** The predicate type every {@link BuildProvenance} was read from. */
  public static final String PREDICATE_TYPE = "https://slsa.dev/provenance/v1";

  public BuildProvenance {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(sourceRepository, "sourceRepository");
    subjects = List.copyOf(subjects);
    signingTimes = List.copyOf(signingTimes);
    Objects.requireNonNull(statementSha256, "statementSha256");
  }

  /**
   * One artifact the statement names: its name as the builder wrote it (informational: files are
   * matched by digest, never by name) and its digests in lowercase hex (other algorithms are not
   * kept).
   *
   * @param name the subject name, e.g. {@code pkg:npm/sigstore@2.1.0} or a file name
   * @param sha256 the SHA-256, or null
   * @param sha512 the SHA-512, or null
   */
  public record Subject(String name, @Nullable String sha256, @Nullable String sha512) {}

  /** A one-line summary for reports. */
  public String summary() {
    return sourceRepository
        + (ref == null ? "" : "@" + ref)
        + (commit == null ? "" : " (" + commit + ")")
        + ", signed by "
        + identity
        + " ("
        + issuer
        + ")"
        + (runnerEnvironment == null ? "" : ", " + runnerEnvironment + " runner");
  }
}
