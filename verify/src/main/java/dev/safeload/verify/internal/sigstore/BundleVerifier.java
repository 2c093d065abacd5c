package dev.safeload.verify.internal.sigstore;

import dev.safeload.ReasonCode;
import dev.safeload.provenance.Sha256;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.dsse.Pae;
import dev.safeload.verify.internal.x509.Certs;
import dev.safeload.verify.internal.x509.FulcioExtensions;
import dev.safeload.verify.internal.x509.Keys;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.jspecify.annotations.Nullable;

/**
 * Offline verification of one Sigstore bundle in one of three modes:
 *
 * <ul>
 *   <li><b>key</b>: the signature must verify under a configured public key (optionally with
 *       transparency log and timestamp checks when a trusted root is also configured);
 *   <li><b>certificate</b>: the leaf must chain to configured anchors (never system roots) at the
 *       validation time;
 *   <li><b>keyless</b>: Fulcio chain, SCT, Rekor entries (SET or inclusion proof + checkpoint), RFC
 *       3161 timestamps, all from a trusted root, and the signer identity + OIDC issuer.
 * </ul>
 *
 * The trusted root says what its instance provides: a root that lists no transparency log (GitHub's
 * own instance) needs no log entry but an RFC 3161 timestamp instead, and one that lists no CT log
 * needs no SCT. A root that lists them requires them.
 *
 * <p>Any failure throws {@link SignatureVerificationException}; there is no partial success.
 */
public final class BundleVerifier {
  private BundleVerifier() {}

  /**
   * What to trust.
   *
   * @param keys key mode: trusted public keys
   * @param anchors certificate mode: trusted anchors
   * @param trustedRoot keyless mode (or log/timestamp checks for key mode)
   * @param validationTime certificate mode: the time the chain must be valid at
   * @param identity required signer identity (SAN) or null
   * @param issuer required OIDC issuer (keyless) or null
   * @param subject required subject DN (certificate mode) or null
   * @param fingerprint required SHA-256 of the leaf certificate or null
   * @param allowLegacyPae accept the OMS v0.2 pre-authentication encoding
   */
  public record Options(
      List<PublicKey> keys,
      Set<TrustAnchor> anchors,
      @Nullable TrustedRoot trustedRoot,
      @Nullable Instant validationTime,
      @Nullable String identity,
      @Nullable String issuer,
      @Nullable X500Principal subject,
      byte @Nullable [] fingerprint,
      boolean allowLegacyPae) {
    public Options {
      keys = List.copyOf(keys);
      anchors = Set.copyOf(anchors);
    }
  }

  /**
   * What was verified.
   *
   * @param payload the DSSE payload bytes that the signature covers (null for message signatures)
   * @param leaf the signing certificate, if any
   * @param key the key that verified the signature
   * @param times verified signing times (SET, timestamps); empty in key and certificate modes
   * @param signer a short description of the signer for reports and revocation
   */
  public record Verified(
      byte @Nullable [] payload,
      @Nullable X509Certificate leaf,
      PublicKey key,
      List<Instant> times,
      String signer,
      List<String> identities) {}

  /** Verifies a bundle whose content is a DSSE envelope; returns the verified payload. */
  public static Verified verifyDsse(Bundle b, Options o) throws SignatureVerificationException {
    if (b.dsse == null) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_ENVELOPE_INVALID, "the bundle holds no DSSE envelope");
    }
    return verify(b, o, null);
  }

  /**
   * Keyless verification of a DSSE bundle against {@code root} (signature, Fulcio chain, SCT, log
   * entries, timestamps) for callers that apply their own identity policy to the returned leaf,
   * such as build-provenance attestations whose policy reads the Fulcio extensions rather than one
   * exact SAN. The leaf must still carry exactly one subject alternative name; its issuer
   * extensions must agree.
   */
  public static Verified verifyDsseKeyless(Bundle b, TrustedRoot root)
      throws SignatureVerificationException {
    if (b.dsse == null) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_ENVELOPE_INVALID, "the bundle holds no DSSE envelope");
    }
    if (b.material == Bundle.Material.PUBLIC_KEY) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_KEY_MISMATCH,
          "the bundle is signed with a bare key, but keyless verification needs a certificate");
    }
    Options o = new Options(List.of(), Set.of(), root, null, null, null, null, null, false);
    return keylessMode(b, o, dssePae(b), Sha256.hash(dssePae(b)).toByteArray(), true);
  }

  private static byte[] dssePae(Bundle b) throws SignatureVerificationException {
    // Only called for bundles whose DSSE envelope was checked to be present.
    Bundle.Dsse e = Objects.requireNonNull(b.dsse);
    if (!Pae.IN_TOTO.equals(e.payloadType())) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_ENVELOPE_INVALID, "DSSE payload type is not " + Pae.IN_TOTO);
    }
    return Pae.encode(e.payloadType(), e.payload());
  }

  /** Verifies a bundle whose content is a message signature over {@code artifact}. */
  public static Verified verifyMessage(Bundle b, Options o, byte[] artifact)
      throws SignatureVerificationException {
    if (b.messageSignature == null) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_ENVELOPE_INVALID, "the bundle holds no message signature");
    }
    return verify(b, o, artifact);
  }

  private static Verified verify(Bundle b, Options o, byte @Nullable [] artifact)
      throws SignatureVerificationException {
    byte[] signed;
    byte[] boundDigest;
    if (b.dsse != null) {
      // Only called for bundles whose DSSE envelope was checked to be present.
      if (!Pae.IN_TOTO.equals(b.dsse.payloadType())) {
        throw new SignatureVerificationException(
            VerifyReason.SIGNATURE_ENVELOPE_INVALID, "DSSE payload type is not " + Pae.IN_TOTO);
      }
      signed = Pae.encode(b.dsse.payloadType(), b.dsse.payload());
      boundDigest = Sha256.newMessageDigest().digest(signed);
    } else {
      // verifyMessage checked that the bundle holds a message signature and passed the artifact.
      signed = Objects.requireNonNull(artifact);
      boundDigest = Sha256.newMessageDigest().digest(signed);
      byte[] claimed = Objects.requireNonNull(b.messageSignature).sha256();
      if (claimed != null && !MessageDigest.isEqual(claimed, boundDigest)) {
        throw new SignatureVerificationException(
            VerifyReason.SIGSTORE_ARTIFACT_MISMATCH,
            "the bundle's message digest is not the artifact's");
      }
    }
    if (!o.keys().isEmpty()) {
      return keyMode(b, o, signed, boundDigest);
    }
    if (b.material == Bundle.Material.PUBLIC_KEY) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_KEY_MISMATCH,
          "the bundle is signed with a bare key, but the policy trusts certificates");
    }
    if (!o.anchors().isEmpty()) {
      return certificateMode(b, o, signed);
    }
    if (o.trustedRoot() != null) {
      return keylessMode(b, o, signed, boundDigest, false);
    }
    throw new SignatureVerificationException(
        VerifyReason.SIGNATURE_KEY_MISMATCH, "no trusted keys, anchors or trusted root configured");
  }

  private static Verified keyMode(Bundle b, Options o, byte[] signed, byte[] boundDigest)
      throws SignatureVerificationException {
    if (b.material != Bundle.Material.PUBLIC_KEY) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_KEY_MISMATCH,
          "the bundle is signed with a certificate, but the policy trusts bare keys");
    }
    PublicKey match = null;
    for (PublicKey k : o.keys()) {
      if (verifies(k, b, o, signed)) {
        match = k;
        break;
      }
    }
    if (match == null) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_INVALID, "the signature does not verify with any trusted key");
    }
    String hint = b.keyHint;
    if (hint != null
        && hint.length() == 64
        && hint.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      String spkiHash =
          HexFormat.of().formatHex(Sha256.newMessageDigest().digest(match.getEncoded()));
      if (!hint.equalsIgnoreCase(Keys.omsHint(match)) && !hint.equalsIgnoreCase(spkiHash)) {
        throw new SignatureVerificationException(
            VerifyReason.SIGNATURE_KEY_MISMATCH, "the bundle's key hint names another key");
      }
    }
    if (b.dsse != null
        && b.dsse.keyId() != null
        && !b.dsse.keyId().isEmpty()
        && hint != null
        && !b.dsse.keyId().equals(hint)) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_KEY_MISMATCH, "the DSSE keyid differs from the key hint");
    }
    List<Instant> times = new ArrayList<>();
    if (o.trustedRoot() != null) {
      times = logAndTimestamps(b, o.trustedRoot(), boundDigest, match.getEncoded(), false);
    }
    String fp = HexFormat.of().formatHex(Sha256.newMessageDigest().digest(match.getEncoded()));
    return new Verified(
        b.dsse == null ? null : b.dsse.payload(),
        null,
        match,
        times,
        "key sha256:" + fp,
        List.of("key:sha256:" + fp));
  }

  private static boolean verifies(PublicKey k, Bundle b, Options o, byte[] signed)
      throws SignatureVerificationException {
    if (Keys.verify(k, signed, b.signature())) {
      return true;
    }
    // OMS v0.2 signed a Python-repr PAE with SHA-256 whatever the curve; only behind an explicit
    // opt-in.
    return o.allowLegacyPae()
        && b.dsse != null
        && k instanceof java.security.interfaces.ECPublicKey
        && Keys.verify(
            k,
            "SHA256withECDSA",
            Pae.encodeLegacy(b.dsse.payloadType(), b.dsse.payload()),
            b.signature());
  }

  private static Verified certificateMode(Bundle b, Options o, byte[] signed)
      throws SignatureVerificationException {
    List<X509Certificate> path = new ArrayList<>();
    for (X509Certificate c : b.certificates) {
      boolean isAnchor =
          o.anchors().stream()
              .anyMatch(a -> a.getTrustedCert() != null && a.getTrustedCert().equals(c));
      if (!isAnchor) {
        path.add(c);
      }
    }
    if (path.isEmpty()) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_CERT_CHAIN_INVALID, "the bundle carries no signing certificate");
    }
    X509Certificate leaf = path.get(0);
    Instant at = o.validationTime() != null ? o.validationTime() : Instant.now();
    Certs.validate(path, o.anchors(), Date.from(at), VerifyReason.SIGNATURE_CERT_CHAIN_INVALID);
    Certs.checkCodeSigning(leaf, false);
    if (!verifies(leaf.getPublicKey(), b, o, signed)) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_INVALID,
          "the signature does not verify with the certificate's key");
    }
    List<String> ids = checkIdentity(leaf, o, false);
    return new Verified(
        b.dsse == null ? null : b.dsse.payload(),
        leaf,
        leaf.getPublicKey(),
        List.of(),
        "certificate " + leaf.getSubjectX500Principal().getName(),
        ids);
  }

  private static Verified keylessMode(
      Bundle b, Options o, byte[] signed, byte[] boundDigest, boolean callerChecksIdentity)
      throws SignatureVerificationException {
    TrustedRoot root =
        Objects.requireNonNull(o.trustedRoot()); // verify() chose this mode because there is one
    if (b.certificates.isEmpty()) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_CERT_CHAIN_INVALID, "the bundle carries no certificate");
    }
    for (int i = 1; i < b.certificates.size(); i++) {
      if (Certs.selfIssued(b.certificates.get(i))) {
        throw new SignatureVerificationException(
            VerifyReason.SIGNATURE_CERT_CHAIN_INVALID,
            "the bundle includes a root certificate; roots come only from the trusted root");
      }
    }
    X509Certificate leaf = b.certificates.get(0);
    if (!Keys.verify(leaf.getPublicKey(), signed, b.signature())) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_INVALID,
          "the signature does not verify with the certificate's key");
    }
    issuedByTrustedCa(leaf, root);
    List<Instant> times = logAndTimestamps(b, root, boundDigest, encoded(leaf), true);
    if (times.isEmpty()) {
      throw new SignatureVerificationException(
          VerifyReason.SIGSTORE_NO_VERIFIED_TIME, "no verified signing time (SET or timestamp)");
    }
    X509Certificate issuer = null;
    for (Instant t : times) {
      if (t.isBefore(leaf.getNotBefore().toInstant())
          || t.isAfter(leaf.getNotAfter().toInstant())) {
        throw new SignatureVerificationException(
            VerifyReason.SIGSTORE_TIME_OUTSIDE_VALIDITY,
            "signing time " + t + " is outside the certificate's validity");
      }
      issuer = chainAt(leaf, root, t);
    }
    Certs.checkCodeSigning(leaf, true);
    if (!root.ctlogs().isEmpty()) {
      // times is not empty, so the loop set issuer. A root without CT logs (GitHub's own
      // instance) could never verify an SCT, and its CA embeds none.
      Sct.verify(leaf, Objects.requireNonNull(issuer), root);
    }
    List<String> ids = callerChecksIdentity ? identities(leaf) : checkIdentity(leaf, o, true);
    return new Verified(
        b.dsse == null ? null : b.dsse.payload(),
        leaf,
        leaf.getPublicKey(),
        times,
        "sigstore " + ids,
        ids);
  }

  /**
   * Whether some certificate authority of the trusted root, at any time, issued the leaf: a cheap
   * check before the logs and timestamps, so that a bundle from another Sigstore instance (GitHub's
   * own, a private one) is refused as an untrusted chain rather than for a symptom of that, such as
   * a missing log entry. The full chain is still validated at each verified signing time.
   */
  private static void issuedByTrustedCa(X509Certificate leaf, TrustedRoot root)
      throws SignatureVerificationException {
    for (TrustedRoot.Authority ca : root.certificateAuthorities()) {
      X509Certificate issuer = ca.chain().get(0);
      if (issuer.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
        try {
          leaf.verify(issuer.getPublicKey());
          return;
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
          // another key under the same name: keep looking
        }
      }
    }
    throw new SignatureVerificationException(
        VerifyReason.SIGNATURE_CERT_CHAIN_INVALID,
        "the signing certificate (issuer "
            + leaf.getIssuerX500Principal().getName()
            + ") was not issued by any certificate authority of the trusted root");
  }

  /**
   * The identities of a leaf whose policy the caller applies: exactly one SAN, plus issuer and
   * fingerprint.
   */
  private static List<String> identities(X509Certificate leaf)
      throws SignatureVerificationException {
    List<String> sans = Certs.sans(leaf);
    if (sans.size() != 1) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_IDENTITY_MISMATCH,
          "a Fulcio certificate must carry exactly one identity, found " + sans.size());
    }
    // The caller (an attestation's policy) judges the Fulcio extensions: their reason is its own.
    String issuer = FulcioExtensions.of(leaf).issuer();
    List<String> ids = new ArrayList<>();
    ids.add("san:" + sans.get(0));
    if (issuer != null) {
      ids.add("issuer:" + issuer);
    }
    ids.add("cert:sha256:" + HexFormat.of().formatHex(Sha256.hash(encoded(leaf)).toByteArray()));
    return ids;
  }

  /** Validates the leaf against a trusted-root CA valid at {@code t}; returns the leaf's issuer. */
  private static X509Certificate chainAt(X509Certificate leaf, TrustedRoot root, Instant t)
      throws SignatureVerificationException {
    SignatureVerificationException last = null;
    for (TrustedRoot.Authority ca : root.certificateAuthorities()) {
      if (!ca.validFor().contains(t)) {
        continue;
      }
      List<X509Certificate> chain = ca.chain();
      List<X509Certificate> path = new ArrayList<>();
      path.add(leaf);
      path.addAll(chain.subList(0, chain.size() - 1));
      try {
        Certs.validate(
            path,
            Set.of(new TrustAnchor(chain.get(chain.size() - 1), null)),
            Date.from(t),
            VerifyReason.SIGNATURE_CERT_CHAIN_INVALID);
        return chain.get(0); // the CA chain starts with the certificate that issues leaves
      } catch (SignatureVerificationException e) {
        last = e;
      }
    }
    throw last != null
        ? last
        : new SignatureVerificationException(
            VerifyReason.SIGNATURE_CERT_CHAIN_INVALID,
            "no certificate authority in the trusted root is valid at " + t);
  }

  private static List<Instant> logAndTimestamps(
      Bundle b, TrustedRoot root, byte[] boundDigest, byte[] signerDer, boolean signerIsCert)
      throws SignatureVerificationException {
    List<Instant> times = new ArrayList<>();
    for (byte[] ts : b.timestamps) {
      times.add(Timestamps.verify(ts, b.signature(), root));
    }
    if (b.tlogEntries.isEmpty()) {
      if (!root.tlogs().isEmpty()) {
        throw new SignatureVerificationException(
            VerifyReason.SIGSTORE_TLOG_INVALID, "the bundle has no transparency log entry");
      }
      // A root without transparency logs (GitHub's own instance) could never verify an entry:
      // its instance attests the signing time by RFC 3161 timestamps alone, as gh requires.
      if (b.timestamps.isEmpty()) {
        throw new SignatureVerificationException(
            VerifyReason.SIGSTORE_NO_VERIFIED_TIME,
            "the trusted root has no transparency log, and the bundle no RFC 3161 timestamp");
      }
      return times;
    }
    Rekor.Binding binding =
        new Rekor.Binding(boundDigest, b.dsse, b.signature(), signerDer, signerIsCert);
    for (Bundle.TlogEntry e : b.tlogEntries) {
      Instant set = Rekor.verify(e, root, binding, b.minorVersion);
      if (set != null) {
        times.add(set);
      }
    }
    if (b.tlogEntries.stream().anyMatch(e -> e.signedEntryTimestamp() == null)
        && b.timestamps.isEmpty()) {
      // Rekor v2 entries carry no time of their own: a timestamp is mandatory.
      throw new SignatureVerificationException(
          VerifyReason.SIGSTORE_NO_VERIFIED_TIME,
          "a log entry without SET needs an RFC 3161 timestamp");
    }
    return times;
  }

  private static byte[] encoded(X509Certificate c) throws SignatureVerificationException {
    try {
      return c.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_CERT_CHAIN_INVALID, "certificate cannot be encoded");
    }
  }

  /** Applies the identity rules; returns the identities found (for reports and revocation). */
  private static List<String> checkIdentity(X509Certificate leaf, Options o, boolean keyless)
      throws SignatureVerificationException {
    List<String> sans = Certs.sans(leaf);
    String issuer = keyless ? Certs.oidcIssuer(leaf) : null;
    ReasonCode r = VerifyReason.SIGNATURE_IDENTITY_MISMATCH;
    if (keyless) {
      if (o.identity() == null || o.issuer() == null) {
        throw new SignatureVerificationException(
            r, "keyless verification needs both an identity and an OIDC issuer");
      }
      if (sans.size() != 1) {
        throw new SignatureVerificationException(
            r, "a Fulcio certificate must carry exactly one identity, found " + sans.size());
      }
    }
    if (o.identity() != null && !sans.contains(o.identity())) {
      throw new SignatureVerificationException(
          r, "the signer is " + sans + ", not " + o.identity());
    }
    if (o.issuer() != null && !o.issuer().equals(issuer)) {
      throw new SignatureVerificationException(
          r, "the identity was issued by " + issuer + ", not " + o.issuer());
    }
    if (o.subject() != null && !o.subject().equals(leaf.getSubjectX500Principal())) {
      throw new SignatureVerificationException(
          r, "the signing certificate's subject is not " + o.subject().getName());
    }
    if (o.fingerprint() != null
        && !MessageDigest.isEqual(
            o.fingerprint(), Sha256.newMessageDigest().digest(encoded(leaf)))) {
      throw new SignatureVerificationException(
          r, "the signing certificate's fingerprint differs from the pinned one");
    }
    List<String> ids = new ArrayList<>();
    sans.forEach(s -> ids.add("san:" + s));
    if (issuer != null) {
      ids.add("issuer:" + issuer);
    }
    ids.add("subject:" + leaf.getSubjectX500Principal().getName());
    ids.add(
        "cert:sha256:" + HexFormat.of().formatHex(Sha256.newMessageDigest().digest(encoded(leaf))));
    return ids;
  }
}
