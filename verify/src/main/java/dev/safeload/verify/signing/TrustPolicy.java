package dev.safeload.verify.signing;

import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.sigstore.TrustedRoot;
import dev.safeload.verify.internal.x509.Certs;
import dev.safeload.verify.internal.x509.Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.jspecify.annotations.Nullable;

/**
 * What a model signature must prove: who may sign (a public key, a certificate chain to explicitly
 * configured anchors with identity rules, or a Sigstore keyless identity checked offline against a
 * {@code trusted_root.json}), where the signature lives, and whether it is required. Immutable.
 *
 * <pre>{@code
 * TrustPolicy p = TrustPolicy.publicKey(Path.of("signer.pub.pem")).build();
 * TrustPolicy q = TrustPolicy.certificates(Path.of("ca.pem")).identity("ml@example.com").build();
 * TrustPolicy r = TrustPolicy.sigstore(Path.of("trusted_root.json"))
 *     .identity("release@example.com").issuer("https://accounts.google.com").build();
 * SafeModelLoader loader = SafeModelLoader.builder()
 *     .verifier(TrustPolicy.publicKey(Path.of("signer.pub.pem")).verifier())
 *     .build();
 * }</pre>
 *
 * System and web PKI roots are never used.
 */
public final class TrustPolicy {
  /** The default name of the signature file inside a model directory. */
  public static final String DEFAULT_SIGNATURE_FILE = "model.sig";

  final List<PublicKey> keys;
  final Set<TrustAnchor> anchors;
  final @Nullable TrustedRoot trustedRoot;
  final @Nullable Instant validationTime;
  final @Nullable String identity;
  final @Nullable String issuer;
  final @Nullable X500Principal subject;
  final byte @Nullable [] fingerprint;
  final boolean allowLegacyV02;
  final boolean required;
  final String signatureFile;
  final @Nullable RevocationList revocations;

  private TrustPolicy(Builder b) {
    keys = List.copyOf(b.keys);
    anchors = Set.copyOf(b.anchors);
    trustedRoot = b.trustedRoot;
    validationTime = b.validationTime;
    identity = b.identity;
    issuer = b.issuer;
    subject = b.subject;
    fingerprint = b.fingerprint;
    allowLegacyV02 = b.allowLegacyV02;
    required = b.required;
    signatureFile = b.signatureFile;
    revocations = b.revocations;
  }

  /** Key mode: signatures must verify under one of these keys (EC P-256/384/521 or Ed25519). */
  public static Builder publicKeys(List<PublicKey> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("at least one key");
    }
    Builder b = new Builder();
    for (PublicKey k : keys) {
      try {
        b.keys.add(Keys.publicKey(k.getEncoded(), VerifyReason.SIGNATURE_KEY_MISMATCH));
      } catch (SignatureVerificationException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    return b;
  }

  /** Key mode from a PEM {@code PUBLIC KEY} file. */
  public static Builder publicKey(Path pem) throws IOException {
    try {
      return publicKeys(
          List.of(
              Keys.publicKeyFromPem(
                  Files.readString(pem, StandardCharsets.US_ASCII),
                  VerifyReason.SIGNATURE_KEY_MISMATCH)));
    } catch (SignatureVerificationException e) {
      throw new IOException(pem + ": " + e.getMessage(), e);
    }
  }

  /** Certificate mode: the signing certificate must chain to one of these anchors. */
  public static Builder certificates(List<X509Certificate> anchors) {
    if (anchors.isEmpty()) {
      throw new IllegalArgumentException("at least one trust anchor; system roots are never used");
    }
    Builder b = new Builder();
    anchors.forEach(a -> b.anchors.add(new TrustAnchor(a, null)));
    return b;
  }

  /** Certificate mode from a PEM file of one or more anchor certificates. */
  public static Builder certificates(Path pem) throws IOException {
    try {
      return certificates(
          Certs.parsePem(
              Files.readString(pem, StandardCharsets.US_ASCII),
              VerifyReason.SIGNATURE_CERT_CHAIN_INVALID));
    } catch (SignatureVerificationException e) {
      throw new IOException(pem + ": " + e.getMessage(), e);
    }
  }

  /**
   * Sigstore keyless mode against a {@code trusted_root.json}; identity and issuer are required.
   */
  public static Builder sigstore(byte[] trustedRootJson) throws IOException {
    Builder b = new Builder();
    try {
      b.trustedRoot = TrustedRoot.parse(trustedRootJson);
    } catch (SignatureVerificationException e) {
      throw new IOException("trusted root: " + e.getMessage(), e);
    }
    return b;
  }

  /** Sigstore keyless mode from a {@code trusted_root.json} file. */
  public static Builder sigstore(Path trustedRootJson) throws IOException {
    return sigstore(Files.readAllBytes(trustedRootJson));
  }

  /**
   * The signature file's name relative to the model directory (default {@value
   * #DEFAULT_SIGNATURE_FILE}).
   */
  public String signatureFile() {
    return signatureFile;
  }

  /** Whether a model without a signature is rejected. */
  public boolean required() {
    return required;
  }

  @Override
  public String toString() {
    String mode = !keys.isEmpty() ? "key" : !anchors.isEmpty() ? "certificate" : "sigstore";
    return "TrustPolicy["
        + mode
        + (identity == null ? "" : ", identity=" + identity)
        + (issuer == null ? "" : ", issuer=" + issuer)
        + "]";
  }

  /** Builds a {@link TrustPolicy}. */
  public static final class Builder {
    private final List<PublicKey> keys = new ArrayList<>();
    private final Set<TrustAnchor> anchors = new HashSet<>();
    private @Nullable TrustedRoot trustedRoot;
    private @Nullable Instant validationTime;
    private @Nullable String identity;
    private @Nullable String issuer;
    private @Nullable X500Principal subject;
    private byte @Nullable [] fingerprint;
    private boolean allowLegacyV02;
    private boolean required = true;
    private String signatureFile = DEFAULT_SIGNATURE_FILE;
    private @Nullable RevocationList revocations;

    private Builder() {}

    /** The signer identity: an exact subject-alternative-name (email, URI or Fulcio username). */
    public Builder identity(String san) {
      this.identity = Objects.requireNonNull(san);
      return this;
    }

    /** Sigstore: the exact OIDC issuer recorded by Fulcio. */
    public Builder issuer(String oidcIssuer) {
      this.issuer = Objects.requireNonNull(oidcIssuer);
      return this;
    }

    /** Certificate mode: the exact subject DN of the signing certificate (RFC 2253). */
    public Builder subject(String dn) {
      this.subject = new X500Principal(dn);
      return this;
    }

    /** Certificate mode: pin the signing certificate by the SHA-256 of its DER encoding (hex). */
    public Builder certificateFingerprint(String sha256Hex) {
      byte[] f = HexFormat.of().parseHex(sha256Hex);
      if (f.length != 32) {
        throw new IllegalArgumentException("a SHA-256 fingerprint is 64 hex digits");
      }
      this.fingerprint = f;
      return this;
    }

    /**
     * Certificate mode: the time the chain must be valid at (default: the time of verification).
     * The OMS reference validates at the leaf's notBefore, which accepts expired chains; we do not.
     */
    public Builder validationTime(Instant at) {
      this.validationTime = Objects.requireNonNull(at);
      return this;
    }

    /** Also accept OMS v0.2 signatures (legacy predicate and pre-authentication encoding). */
    public Builder allowLegacyV02() {
      this.allowLegacyV02 = true;
      return this;
    }

    /** The signature file's name relative to the model directory. */
    public Builder signatureFile(String name) {
      try {
        dev.safeload.verify.internal.intoto.OmsManifest.checkPath(
            name, VerifyReason.SIGNATURE_MISSING, "signature file");
      } catch (SignatureVerificationException e) {
        throw new IllegalArgumentException(e.getMessage());
      }
      this.signatureFile = name;
      return this;
    }

    /**
     * Makes the signature optional: a model without one is neither rejected nor proven by this
     * check (pins may still prove it). A signature that is present must still verify.
     */
    public Builder optional() {
      this.required = false;
      return this;
    }

    /**
     * Key mode: also require a Rekor entry (signed entry timestamp or inclusion proof with a signed
     * checkpoint) and any timestamps to verify against this {@code trusted_root.json}, as for
     * managed keys in Sigstore. Ignored in the other modes (Sigstore mode always checks the log).
     */
    public Builder transparencyLog(Path trustedRootJson) throws IOException {
      try {
        this.trustedRoot = TrustedRoot.parse(Files.readAllBytes(trustedRootJson));
      } catch (SignatureVerificationException e) {
        throw new IOException(trustedRootJson + ": " + e.getMessage(), e);
      }
      return this;
    }

    /** Refuse signers on this revocation list. */
    public Builder revocations(RevocationList list) {
      this.revocations = Objects.requireNonNull(list);
      return this;
    }

    /**
     * The policy.
     *
     * @throws IllegalStateException if a Sigstore policy lacks {@code identity(...)} or {@code
     *     issuer(...)}
     */
    public TrustPolicy build() {
      if (trustedRoot != null
          && keys.isEmpty()
          && anchors.isEmpty()
          && (identity == null || issuer == null)) {
        throw new IllegalStateException(
            "Sigstore keyless verification needs identity(...) and issuer(...)");
      }
      return new TrustPolicy(this);
    }

    /**
     * The verifier that applies this policy, for {@code SafeModelLoader.Builder.verifier}:
     * shorthand for {@code ModelSignatureVerifier.of(build())}.
     *
     * @throws IllegalStateException as {@link #build()}
     */
    public ModelSignatureVerifier verifier() {
      return ModelSignatureVerifier.of(build());
    }
  }
}
