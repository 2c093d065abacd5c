package dev.safeload.cli;

import dev.safeload.verify.attestation.AttestationPolicy;
import dev.safeload.verify.attestation.AttestationVerifier;
import dev.safeload.verify.signing.RevocationList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * {@code --attestations FILE --repo OWNER/NAME [--signer-workflow WF | --signer-repo OWNER/NAME]
 * [--ref REF] [--deny-self-hosted]}: build-provenance attestations (GitHub artifact attestations,
 * as {@code gh attestation download} saves them) as a proof of every file, verified offline against
 * {@code --trusted-root}. The OIDC issuer is GitHub Actions' unless {@code --attestation-issuer}
 * (or {@code --issuer} when no Sigstore signature uses it) names another.
 */
final class AttestationOptions {
  @Option(
      names = "--attestations",
      paramLabel = "FILE",
      description = {
        "Build-provenance attestations (Sigstore bundles with SLSA provenance v1): a .jsonl file"
            + " holds one bundle a line, any other file one bundle. Repeatable. Every served file must be"
            + " attested; needs --repo and --trusted-root."
      })
  List<Path> files = new ArrayList<>();

  @Option(
      names = "--repo",
      paramLabel = "OWNER/NAME",
      description = "Attestations: the source repository the build must have run from.")
  @Nullable String repo;

  @Option(
      names = "--signer-workflow",
      paramLabel = "WORKFLOW",
      description =
          "Attestations: the workflow that must have signed, OWNER/NAME/.github/workflows/FILE[@REF]"
              + " (a reusable workflow may live in another repository).")
  @Nullable String signerWorkflow;

  @Option(
      names = "--signer-repo",
      paramLabel = "OWNER/NAME",
      description =
          "Attestations: the repository whose workflow must have signed (default: --repo).")
  @Nullable String signerRepo;

  @Option(
      names = "--ref",
      paramLabel = "REF",
      description = "Attestations: the git ref the build ran from," + " e.g. refs/heads/main.")
  @Nullable String ref;

  @Option(
      names = "--deny-self-hosted",
      description = "Attestations: refuse builds on self-hosted runners.")
  boolean denySelfHosted;

  @Option(
      names = "--attestation-issuer",
      paramLabel = "URL",
      description =
          "Attestations: the OIDC issuer (default https://token.actions.githubusercontent.com).")
  @Nullable String issuer;

  boolean given() {
    return !files.isEmpty();
  }

  /** Whether an attestation-only option was given without {@code --attestations}. */
  boolean strayOptions() {
    return !given()
        && (repo != null
            || signerWorkflow != null
            || signerRepo != null
            || ref != null
            || denySelfHosted
            || issuer != null);
  }

  /**
   * The verifier for these options, with every bundle read and verified now.
   *
   * @param trustedRoot the trusted root ({@code --trusted-root})
   * @param sharedIssuer {@code --issuer} when no signature uses it, else null
   * @param revoked {@code --revocations}: revoked signers are refused, or null
   * @throws IllegalArgumentException on a malformed or missing option
   */
  AttestationVerifier verifier(
      @Nullable Path trustedRoot, @Nullable String sharedIssuer, @Nullable RevocationList revoked)
      throws IOException {
    if (repo == null || trustedRoot == null) {
      throw new IllegalArgumentException(
          "--attestations needs --repo OWNER/NAME and --trusted-root FILE");
    }
    AttestationPolicy.Builder p = AttestationPolicy.repository(repo, trustedRoot);
    if (issuer != null) {
      p.issuer(issuer);
    } else if (sharedIssuer != null) {
      p.issuer(sharedIssuer);
    }
    if (signerWorkflow != null) {
      p.signerWorkflow(signerWorkflow);
    }
    if (signerRepo != null) {
      p.signerRepository(signerRepo);
    }
    if (ref != null) {
      p.ref(ref);
    }
    if (denySelfHosted) {
      p.denySelfHostedRunners();
    }
    if (revoked != null) {
      p.revocations(revoked);
    }
    AttestationVerifier v = AttestationVerifier.of(p.build());
    for (Path f : files) {
      v = v.withBundles(f);
    }
    return v;
  }
}
