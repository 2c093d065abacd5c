package dev.safeload.verify.internal.attestation;

import dev.safeload.ReasonCode;
import dev.safeload.provenance.Sha256;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.attestation.BuildProvenance;
import dev.safeload.verify.internal.intoto.ProvenanceStatement;
import dev.safeload.verify.internal.sigstore.Bundle;
import dev.safeload.verify.internal.sigstore.BundleVerifier;
import dev.safeload.verify.internal.sigstore.TrustedRoot;
import dev.safeload.verify.internal.x509.Certs;
import dev.safeload.verify.internal.x509.FulcioExtensions;
import dev.safeload.verify.signing.RevocationList;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Verifies one GitHub artifact attestation bundle and applies the attestation policy. Checks, in
 * order; the first failure is the reason:
 *
 * <ol>
 *   <li>the bundle parses ({@code SIGNATURE_BUNDLE_*}) and holds a DSSE envelope of in-toto type;
 *   <li>keyless verification against the trusted root, as for Sigstore signatures: the leaf was
 *       issued by a CA of the root, the signature verifies, log entries and timestamps verify and
 *       give a signing time inside the leaf's validity, the chain validates at that time, an SCT
 *       verifies ({@code SIGNATURE_*}, {@code SIGSTORE_*});
 *   <li>the signer (certificate, identity and issuer) is not on the policy's revocation list
 *       ({@code REVOKED_SIGNER});
 *   <li>the statement is SLSA provenance v1 ({@link ProvenanceStatement});
 *   <li>the Fulcio extensions are well-formed and agree ({@code
 *       ATTESTATION_CERT_EXTENSION_INVALID}), and the build signer URI (.9), when present, is the
 *       SAN;
 *   <li>the OIDC issuer is the policy's ({@code ATTESTATION_ISSUER_MISMATCH});
 *   <li>the source repository (.12) and owner (.16) are the policy's ({@code
 *       ATTESTATION_REPOSITORY_MISMATCH}; absent extensions are {@code
 *       ATTESTATION_CERT_EXTENSION_INVALID});
 *   <li>the signer (the SAN, a workflow URI) is the named signer workflow, else lives in the named
 *       signer repository, else in the source repository ({@code ATTESTATION_SIGNER_MISMATCH});
 *   <li>the ref (.14) is the policy's, when it names one ({@code ATTESTATION_REF_MISMATCH});
 *   <li>the runner (.11) is {@code github-hosted} when self-hosted runners are denied ({@code
 *       ATTESTATION_RUNNER_DENIED});
 *   <li>the predicate's own workflow repository and ref, when present, agree with the certificate
 *       ({@code ATTESTATION_STATEMENT_INVALID}): the build cannot claim another source than the one
 *       the CI provider vouched for.
 * </ol>
 */
public final class Attestations {
  private Attestations() {}

  /** The GitHub host every repository and workflow URI starts with. */
  public static final String GITHUB = "https://github.com";

  /**
   * The policy, as plain values.
   *
   * @param root the only source of trust
   * @param owner required source repository owner
   * @param name required source repository name
   * @param issuer required OIDC issuer
   * @param signerRepository {@code OWNER/NAME} whose workflow must sign, or null
   * @param signerWorkflow {@code OWNER/NAME/.github/workflows/FILE[@REF]} that must sign, or null
   * @param ref required source ref, or null
   * @param denySelfHosted whether only {@code github-hosted} runners are accepted
   * @param revocations signers (certificate, identity) that are refused, or null
   */
  public record Rules(
      TrustedRoot root,
      String owner,
      String name,
      String issuer,
      @Nullable String signerRepository,
      @Nullable String signerWorkflow,
      @Nullable String ref,
      boolean denySelfHosted,
      @Nullable RevocationList revocations) {}

  /** Verifies one bundle's bytes; {@code source} names it in the result and in messages. */
  public static BuildProvenance verify(byte[] bundleJson, Rules rules, String source)
      throws SignatureVerificationException {
    Bundle b = Bundle.parse(bundleJson);
    BundleVerifier.Verified v = BundleVerifier.verifyDsseKeyless(b, rules.root());
    byte[] payload = v.payload();
    X509Certificate leaf = v.leaf();
    if (payload == null || leaf == null) { // keyless DSSE verification always yields both
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_ENVELOPE_INVALID, "no verified statement or certificate");
    }
    if (rules.revocations() != null) {
      java.util.Optional<String> why = rules.revocations().revokedSigner(v.identities());
      if (why.isPresent()) {
        throw new SignatureVerificationException(
            VerifyReason.REVOKED_SIGNER, "signer " + v.identities() + " is revoked: " + why.get());
      }
    }
    ProvenanceStatement st = ProvenanceStatement.parse(payload);
    FulcioExtensions ext = FulcioExtensions.of(leaf);
    String san = Certs.sans(leaf).get(0); // exactly one, checked by the keyless verification
    if (ext.buildSignerUri() != null && !ext.buildSignerUri().equals(san)) {
      throw new SignatureVerificationException(
          VerifyReason.ATTESTATION_CERT_EXTENSION_INVALID,
          "the build signer URI "
              + ext.buildSignerUri()
              + " is not the certificate's identity "
              + san);
    }

    String issuer = ext.issuer();
    if (issuer == null || !rules.issuer().equals(issuer)) {
      throw new SignatureVerificationException(
          VerifyReason.ATTESTATION_ISSUER_MISMATCH,
          "the attestation was issued by " + issuer + ", not " + rules.issuer());
    }

    String repoUri = require(ext.sourceRepositoryUri(), "source repository URI (.12)");
    String ownerUri = require(ext.sourceRepositoryOwnerUri(), "source repository owner URI (.16)");
    String wantOwner = GITHUB + "/" + rules.owner();
    if (!sameName(ownerUri, wantOwner)) {
      throw new SignatureVerificationException(
          VerifyReason.ATTESTATION_REPOSITORY_MISMATCH,
          "expected the source repository owner " + wantOwner + ", got " + ownerUri);
    }
    String wantRepo = wantOwner + "/" + rules.name();
    if (!sameName(repoUri, wantRepo)) {
      throw new SignatureVerificationException(
          VerifyReason.ATTESTATION_REPOSITORY_MISMATCH,
          "expected the source repository " + wantRepo + ", got " + repoUri);
    }

    checkSigner(san, rules);

    if (rules.ref() != null && !rules.ref().equals(ext.sourceRepositoryRef())) {
      throw new SignatureVerificationException(
          VerifyReason.ATTESTATION_REF_MISMATCH,
          "the build ran from " + ext.sourceRepositoryRef() + ", not " + rules.ref());
    }
    if (rules.denySelfHosted() && !"github-hosted".equals(ext.runnerEnvironment())) {
      throw new SignatureVerificationException(
          VerifyReason.ATTESTATION_RUNNER_DENIED,
          "the build ran on a "
              + (ext.runnerEnvironment() == null
                  ? "runner that is not recorded"
                  : ext.runnerEnvironment() + " runner")
              + "; the policy accepts github-hosted runners only");
    }

    ProvenanceStatement.Workflow wf = st.workflow;
    if (wf != null && wf.repository() != null && !sameName(wf.repository(), repoUri)) {
      throw new SignatureVerificationException(
          VerifyReason.ATTESTATION_STATEMENT_INVALID,
          "the provenance claims the repository "
              + wf.repository()
              + " but the certificate says "
              + repoUri);
    }
    if (wf != null
        && wf.ref() != null
        && ext.sourceRepositoryRef() != null
        && !wf.ref().equals(ext.sourceRepositoryRef())) {
      throw new SignatureVerificationException(
          VerifyReason.ATTESTATION_STATEMENT_INVALID,
          "the provenance claims the ref "
              + wf.ref()
              + " but the certificate says "
              + ext.sourceRepositoryRef());
    }

    List<BuildProvenance.Subject> subjects = new ArrayList<>(st.subjects.size());
    HexFormat hex = HexFormat.of();
    for (ProvenanceStatement.Subject s : st.subjects) {
      subjects.add(
          new BuildProvenance.Subject(
              s.name(),
              s.sha256() == null ? null : hex.formatHex(s.sha256()),
              s.sha512() == null ? null : hex.formatHex(s.sha512())));
    }
    String repo = repoUri.substring(GITHUB.length() + 1);
    return new BuildProvenance(
        source,
        san,
        issuer,
        repo,
        repoUri,
        ownerUri,
        ext.sourceRepositoryRef(),
        ext.sourceRepositoryDigest(),
        ext.buildSignerUri(),
        ext.buildSignerDigest(),
        ext.runnerEnvironment(),
        ext.buildTrigger(),
        ext.runInvocationUri(),
        st.buildType,
        st.builderId,
        subjects,
        v.times(),
        Sha256.hash(payload));
  }

  /**
   * The SAN of a GitHub Actions certificate is {@code https://github.com/OWNER/NAME/PATH@REF}: the
   * workflow that signed. It must be the named workflow, else in the named signer repository, else
   * in the source repository.
   */
  private static void checkSigner(String san, Rules rules) throws SignatureVerificationException {
    ReasonCode r = VerifyReason.ATTESTATION_SIGNER_MISMATCH;
    if (!san.startsWith(GITHUB + "/")) {
      throw new SignatureVerificationException(
          r, "the signer " + san + " is not a GitHub workflow");
    }
    String rest = san.substring(GITHUB.length() + 1);
    int at = rest.indexOf('@');
    String path = at < 0 ? rest : rest.substring(0, at);
    String[] parts = path.split("/", 3);
    if (at < 0 || parts.length != 3 || !parts[2].startsWith(".github/workflows/")) {
      throw new SignatureVerificationException(
          r, "the signer " + san + " is not a GitHub workflow at a ref");
    }
    String signerRepo = parts[0] + "/" + parts[1];
    if (rules.signerWorkflow() != null) {
      String want = rules.signerWorkflow();
      int wantAt = want.indexOf('@');
      String wantPath = wantAt < 0 ? want : want.substring(0, wantAt);
      String[] wp = wantPath.split("/", 3);
      boolean ok =
          wp.length == 3
              && sameName(signerRepo, wp[0] + "/" + wp[1])
              && parts[2].equals(wp[2])
              && (wantAt < 0 || rest.substring(at).equals(want.substring(wantAt)));
      if (!ok) {
        throw new SignatureVerificationException(
            r, "the signer is " + san + ", not the workflow " + want);
      }
    }
    String wantRepo =
        rules.signerRepository() != null
            ? rules.signerRepository()
            : rules.signerWorkflow() != null ? null : rules.owner() + "/" + rules.name();
    if (wantRepo != null && !sameName(signerRepo, wantRepo)) {
      throw new SignatureVerificationException(
          r,
          "the signer "
              + san
              + " is a workflow of "
              + signerRepo
              + ", not of "
              + wantRepo
              + (rules.signerRepository() == null
                  ? " (name the signer workflow or repository when a reusable workflow signs)"
                  : ""));
    }
  }

  private static String require(@Nullable String v, String what)
      throws SignatureVerificationException {
    if (v == null) {
      throw new SignatureVerificationException(
          VerifyReason.ATTESTATION_CERT_EXTENSION_INVALID,
          "the certificate does not record the " + what);
    }
    if (!v.startsWith(GITHUB + "/")) {
      throw new SignatureVerificationException(
          VerifyReason.ATTESTATION_REPOSITORY_MISMATCH,
          "the certificate's " + what + " " + v + " is not on " + GITHUB);
    }
    return v;
  }

  /** ASCII case-insensitive equality, as GitHub compares owner and repository names. */
  public static boolean sameName(@Nullable String a, String b) {
    return a != null && a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
  }
}
