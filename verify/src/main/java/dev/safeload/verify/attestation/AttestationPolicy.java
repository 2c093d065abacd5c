package dev.safeload.verify.attestation;

import dev.safeload.verify.internal.attestation.Attestations;
import dev.safeload.verify.internal.sigstore.TrustedRoot;
import dev.safeload.verify.signing.RevocationList;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a build-provenance attestation (a GitHub artifact attestation: a Sigstore bundle whose
 * in-toto statement carries SLSA provenance v1) must prove, checked offline against a Sigstore
 * {@code trusted_root.json}. Immutable; the defaults are the strict ones:
 *
 * <ul>
 *   <li>the source repository is required: the certificate's source repository (Fulcio OID .12) and
 *       its owner (.16) must be the named ones;
 *   <li>the signer, the workflow whose identity signed (the certificate's SAN), must live in that
 *       same repository unless {@link Builder#signerWorkflow} or {@link Builder#signerRepository}
 *       names another one (a reusable workflow, such as {@code
 *       github/artifact-attestations-workflows});
 *   <li>the OIDC issuer must be GitHub Actions' ({@value #GITHUB_ACTIONS_ISSUER}) unless {@link
 *       Builder#issuer} names another (an enterprise's custom issuer);
 *   <li>every served file must be covered by an attestation, unless {@link Builder#optional()}.
 * </ul>
 *
 * <pre>{@code
 * AttestationPolicy p = AttestationPolicy.repository("acme/models", Path.of("trusted_root.json"))
 *     .ref("refs/heads/main").denySelfHostedRunners().build();
 * }</pre>
 *
 * Names compare as GitHub compares them: owner and repository names ignoring ASCII case, workflow
 * paths and refs exactly.
 */
public final class AttestationPolicy {
  /** The OIDC issuer of GitHub Actions' tokens. */
  public static final String GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

  /** Where GitHub repositories live; certificate URIs start with it. */
  public static final String GITHUB = "https://github.com";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,99})");

  final TrustedRoot trustedRoot;
  final String owner;
  final String repository;
  final String issuer;
  final @Nullable String signerRepository;
  final @Nullable String signerWorkflow;
  final @Nullable String ref;
  final boolean denySelfHosted;
  final boolean required;
  final @Nullable RevocationList revocations;

  private AttestationPolicy(Builder b) {
    trustedRoot = b.trustedRoot;
    owner = b.owner;
    repository = b.repository;
    issuer = b.issuer;
    signerRepository = b.signerRepository;
    signerWorkflow = b.signerWorkflow;
    ref = b.ref;
    denySelfHosted = b.denySelfHosted;
    required = b.required;
    revocations = b.revocations;
  }

  /**
   * A policy for artifacts built from {@code ownerSlashName} (for example {@code
   * sigstore/sigstore-js}), verified against this {@code trusted_root.json}.
   *
   * @throws IllegalArgumentException if the repository is not {@code OWNER/NAME}
   * @throws IOException if the trusted root cannot be read or is malformed
   */
  public static Builder repository(String ownerSlashName, byte[] trustedRootJson)
      throws IOException {
    TrustedRoot root;
    try {
      root = TrustedRoot.parse(trustedRootJson);
    } catch (SignatureVerificationException e) {
      throw new IOException("trusted root: " + e.getMessage(), e);
    }
    return new Builder(root, ownerSlashName);
  }

  /** As {@link #repository(String, byte[])}, reading the trusted root from a file. */
  public static Builder repository(String ownerSlashName, Path trustedRootJson) throws IOException {
    return repository(ownerSlashName, Files.readAllBytes(trustedRootJson));
  }

  /** The required source repository, {@code OWNER/NAME}. */
  public String repository() {
    return owner + "/" + repository;
  }

  /** The required OIDC issuer. */
  public String issuer() {
    return issuer;
  }

  /** Whether every served file must be covered by a verified attestation. */
  public boolean required() {
    return required;
  }

  @Override
  public String toString() {
    return "AttestationPolicy[repository="
        + repository()
        + ", issuer="
        + issuer
        + (signerWorkflow == null ? "" : ", signerWorkflow=" + signerWorkflow)
        + (signerRepository == null ? "" : ", signerRepository=" + signerRepository)
        + (ref == null ? "" : ", ref=" + ref)
        + (denySelfHosted ? ", deny self-hosted" : "")
        + (required ? "" : ", optional")
        + "]";
  }

  /** Splits and checks {@code OWNER/NAME}. */
  static String[] ownerAndName(String ownerSlashName, String what) {
    String[] p = ownerSlashName.split("/", -1);
    if (p.length != 2 || !NAME.matcher(p[0]).matches() || !NAME.matcher(p[1]).matches()) {
      throw new IllegalArgumentException(
          what + " must be OWNER/NAME, got '" + ownerSlashName + "'");
    }
    return p;
  }

  /** Builds an {@link AttestationPolicy}. */
  public static final class Builder {
    private final TrustedRoot trustedRoot;
    private final String owner;
    private final String repository;
    private String issuer = GITHUB_ACTIONS_ISSUER;
    private @Nullable String signerRepository;
    private @Nullable String signerWorkflow;
    private @Nullable String ref;
    private boolean denySelfHosted;
    private boolean required = true;
    private @Nullable RevocationList revocations;

    private Builder(TrustedRoot trustedRoot, String ownerSlashName) {
      String[] p = ownerAndName(Objects.requireNonNull(ownerSlashName), "repository");
      this.trustedRoot = trustedRoot;
      this.owner = p[0];
      this.repository = p[1];
    }

    /**
     * The exact OIDC issuer the certificate must record (default {@value #GITHUB_ACTIONS_ISSUER}).
     */
    public Builder issuer(String oidcIssuer) {
      if (oidcIssuer.isBlank()) {
        throw new IllegalArgumentException("issuer must not be blank");
      }
      this.issuer = oidcIssuer;
      return this;
    }

    /**
     * The repository whose workflow must have signed, {@code OWNER/NAME}, when it differs from the
     * source repository (a reusable workflow in another repository).
     */
    public Builder signerRepository(String ownerSlashName) {
      ownerAndName(ownerSlashName, "signer repository");
      this.signerRepository = ownerSlashName;
      return this;
    }

    /**
     * The workflow that must have signed: {@code OWNER/NAME/.github/workflows/FILE.yml}, optionally
     * with {@code @REF} (then the ref must match too), with or without the {@code
     * https://github.com/} prefix. For a reusable workflow, this is the reusable workflow, not the
     * caller.
     */
    public Builder signerWorkflow(String workflow) {
      String w =
          workflow.startsWith(GITHUB + "/") ? workflow.substring(GITHUB.length() + 1) : workflow;
      int at = w.indexOf('@');
      String path = at < 0 ? w : w.substring(0, at);
      String[] parts = path.split("/", 3);
      if (parts.length != 3
          || !parts[2].startsWith(".github/workflows/")
          || parts[2].length() <= 18
          || (at >= 0 && at == w.length() - 1)) {
        throw new IllegalArgumentException(
            "signer workflow must be OWNER/NAME/.github/workflows/FILE[@REF], got '"
                + workflow
                + "'");
      }
      ownerAndName(parts[0] + "/" + parts[1], "signer workflow repository");
      this.signerWorkflow = w;
      return this;
    }

    /**
     * The git ref the build must have run from, e.g. {@code refs/heads/main} or {@code
     * refs/tags/v1}.
     */
    public Builder ref(String gitRef) {
      if (!gitRef.startsWith("refs/")) {
        throw new IllegalArgumentException(
            "a ref starts with refs/, e.g. refs/heads/main; got '" + gitRef + "'");
      }
      this.ref = gitRef;
      return this;
    }

    /** Refuse builds that ran on self-hosted runners (or that do not say where they ran). */
    public Builder denySelfHostedRunners() {
      this.denySelfHosted = true;
      return this;
    }

    /**
     * Attestations prove the files they cover, and files they do not cover are left to other proofs
     * (pins, a signature). An attestation that is given must still verify.
     */
    public Builder optional() {
      this.required = false;
      return this;
    }

    /**
     * Refuse attestations signed by a signer on this revocation list (certificate or identity
     * rules).
     */
    public Builder revocations(RevocationList list) {
      this.revocations = Objects.requireNonNull(list);
      return this;
    }

    public AttestationPolicy build() {
      return new AttestationPolicy(this);
    }
  }

  /** The policy as the internal checker reads it. */
  Attestations.Rules rules() {
    return new Attestations.Rules(
        trustedRoot,
        owner,
        repository,
        issuer,
        signerRepository,
        signerWorkflow,
        ref,
        denySelfHosted,
        revocations);
  }
}
