package dev.safeload.provenance;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Who vouched for a {@link Proof}: the identity a verified signature was checked against.
 * Immutable.
 *
 * <p>There are two kinds, because a bare key and a certificate identify a signer differently:
 *
 * <ul>
 *   <li>{@linkplain #publicKey a public key} is known only by its fingerprint, the SHA-256 of its
 *       DER-encoded {@code SubjectPublicKeyInfo}, written {@code sha256:<64 hex digits>};
 *   <li>{@linkplain #certificate a certificate} names a subject: its subject alternative name (an
 *       e-mail address, a workflow URI) or, when it has none, its X.500 subject; and, for Sigstore
 *       keyless certificates, the OpenID Connect issuer that vouched for that name (for GitHub
 *       Actions, {@code https://token.actions.githubusercontent.com}). An identity is only
 *       meaningful together with its issuer: the same e-mail address issued by another provider is
 *       another signer.
 * </ul>
 *
 * <p>A signer is a fact established by verification, not a claim a file made: a {@link Proof}
 * carries one only when a signature over it verified against the caller's trust policy.
 */
public final class Signer {

  /** What {@link #identity()} names. */
  public enum Kind {
    /** A bare public key; the identity is its fingerprint. */
    PUBLIC_KEY,
    /** An X.509 certificate; the identity is its subject alternative name or subject. */
    CERTIFICATE
  }

  private final Kind kind;
  private final String identity;
  private final @Nullable String issuer;

  private Signer(Kind kind, String identity, @Nullable String issuer) {
    this.kind = kind;
    this.identity = identity;
    this.issuer = issuer;
  }

  /**
   * A signer known by its public key.
   *
   * @param fingerprint {@code sha256:} and the lower-case hex SHA-256 of the key's DER encoding
   */
  public static Signer publicKey(String fingerprint) {
    return new Signer(Kind.PUBLIC_KEY, requireText(fingerprint, "fingerprint"), null);
  }

  /**
   * A signer known by its certificate.
   *
   * @param identity the subject alternative name checked by the trust policy, or the subject
   * @param issuer the OpenID Connect issuer recorded in a Sigstore certificate, or {@code null} for
   *     a certificate that records none (a private certificate authority's)
   */
  public static Signer certificate(String identity, @Nullable String issuer) {
    return new Signer(
        Kind.CERTIFICATE,
        requireText(identity, "identity"),
        issuer == null ? null : requireText(issuer, "issuer"));
  }

  public Kind kind() {
    return kind;
  }

  /** The key fingerprint, or the certificate's subject alternative name (or subject). */
  public String identity() {
    return identity;
  }

  /** The OpenID Connect issuer of a keyless certificate; {@code null} otherwise. */
  public @Nullable String issuer() {
    return issuer;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Signer s
        && kind == s.kind
        && identity.equals(s.identity)
        && Objects.equals(issuer, s.issuer);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, identity, issuer);
  }

  /**
   * {@code key sha256:…}, {@code alice@example.com}, or {@code alice@example.com (https://issuer)}.
   */
  @Override
  public String toString() {
    if (kind == Kind.PUBLIC_KEY) {
      return "key " + identity;
    }
    return issuer == null ? identity : identity + " (" + issuer + ")";
  }

  static String requireText(String s, String what) {
    Objects.requireNonNull(s, what);
    if (s.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    return s;
  }
}
