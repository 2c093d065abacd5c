package dev.safeload.verify.internal.x509;

import dev.safeload.ReasonCode;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.OtherName;
import org.jspecify.annotations.Nullable;

/**
 * Certificates: strict decoding, PKIX validation at a given time, and Sigstore/Fulcio identity
 * fields.
 */
public final class Certs {
  /** Fulcio: issuer, deprecated raw-string form. */
  public static final String OID_ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";

  /** Fulcio: issuer as a DER UTF8String. */
  public static final String OID_ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";

  /** Fulcio otherName SAN (a username). */
  public static final String OID_OTHERNAME_SAN = "1.3.6.1.4.1.57264.1.7";

  /** EKU codeSigning. */
  public static final String EKU_CODE_SIGNING = "1.3.6.1.5.5.7.3.3";

  private Certs() {}

  public static X509Certificate parse(byte[] der, ReasonCode reason)
      throws SignatureVerificationException {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      X509Certificate c = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der));
      if (!Arrays.equals(c.getEncoded(), der)) {
        throw new SignatureVerificationException(
            reason, "certificate has trailing or non-DER bytes");
      }
      // Named curves only, as for bare keys.
      Keys.publicKey(c.getPublicKey().getEncoded(), reason);
      return c;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new SignatureVerificationException(
          reason, "not a valid X.509 certificate: " + e.getMessage());
    }
  }

  /** All certificates in a PEM text. */
  public static List<X509Certificate> parsePem(String pem, ReasonCode reason)
      throws SignatureVerificationException {
    List<X509Certificate> out = new ArrayList<>();
    for (byte[] der : Keys.pemBlocks(pem, "CERTIFICATE", reason)) {
      out.add(parse(der, reason));
    }
    return out;
  }

  public static boolean selfIssued(X509Certificate c) {
    return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
  }

  /**
   * PKIX-validates {@code path} (leaf first, without the anchor) against the anchors at {@code at},
   * with revocation checking off (offline). Throws with {@code reason} on failure.
   */
  public static void validate(
      List<X509Certificate> path, Set<TrustAnchor> anchors, Date at, ReasonCode reason)
      throws SignatureVerificationException {
    if (path.isEmpty() || anchors.isEmpty()) {
      throw new SignatureVerificationException(reason, "no certificate or no trust anchor");
    }
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      CertPath cp = cf.generateCertPath(path);
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(at);
      CertPathValidator.getInstance("PKIX").validate(cp, params);
    } catch (GeneralSecurityException e) {
      throw new SignatureVerificationException(
          reason,
          "certificate chain does not validate at " + at.toInstant() + ": " + e.getMessage());
    }
  }

  /**
   * Subject alternative names as strings: rfc822 and URI values, and Fulcio otherName usernames.
   */
  public static List<String> sans(X509Certificate c) throws SignatureVerificationException {
    byte[] ext = c.getExtensionValue(Extension.subjectAlternativeName.getId());
    List<String> out = new ArrayList<>();
    if (ext == null) {
      return out;
    }
    try {
      GeneralNames names =
          GeneralNames.getInstance(
              ASN1OctetString.getInstance(ASN1Primitive.fromByteArray(ext)).getOctets());
      for (GeneralName n : names.getNames()) {
        switch (n.getTagNo()) {
          case GeneralName.rfc822Name, GeneralName.uniformResourceIdentifier, GeneralName.dNSName ->
              out.add(((ASN1String) n.getName()).getString());
          case GeneralName.otherName -> {
            OtherName on = OtherName.getInstance(n.getName());
            if (on.getTypeID().getId().equals(OID_OTHERNAME_SAN)) {
              ASN1Primitive v = on.getValue().toASN1Primitive();
              if (v instanceof ASN1TaggedObject t) {
                v = t.getBaseObject().toASN1Primitive();
              }
              if (v instanceof ASN1String s) {
                out.add(s.getString());
              }
            }
          }
          default -> {
            // other kinds (IP, directoryName) never match an identity rule
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_IDENTITY_MISMATCH, "subject alternative names cannot be read");
    }
    return out;
  }

  /**
   * The OIDC issuer Fulcio recorded, read as every Fulcio extension is ({@link FulcioExtensions}:
   * the DER UTF8String form (1.8) preferred, the raw form (1.1) as a fallback, the two equal if
   * both are present). A certificate whose Fulcio extensions do not read so names no identity a
   * policy could match: {@link VerifyReason#SIGNATURE_IDENTITY_MISMATCH}.
   */
  public static @Nullable String oidcIssuer(X509Certificate c)
      throws SignatureVerificationException {
    try {
      return FulcioExtensions.of(c).issuer();
    } catch (SignatureVerificationException e) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_IDENTITY_MISMATCH,
          "the certificate's Fulcio extensions cannot be read: " + e.getMessage());
    }
  }

  /**
   * Whether the leaf may sign code: digitalSignature key usage and, if present, EKU codeSigning.
   */
  public static void checkCodeSigning(X509Certificate leaf, boolean requireEku)
      throws SignatureVerificationException {
    boolean[] ku = leaf.getKeyUsage();
    if (ku == null || !ku[0]) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_CERT_CHAIN_INVALID,
          "signing certificate lacks digitalSignature key usage");
    }
    try {
      List<String> eku = leaf.getExtendedKeyUsage();
      if (eku == null ? requireEku : !eku.contains(EKU_CODE_SIGNING)) {
        throw new SignatureVerificationException(
            VerifyReason.SIGNATURE_CERT_CHAIN_INVALID,
            "signing certificate lacks codeSigning extended key usage");
      }
    } catch (java.security.cert.CertificateParsingException e) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_CERT_CHAIN_INVALID, "extended key usage cannot be read");
    }
  }

  public static ASN1ObjectIdentifier oid(String s) {
    return new ASN1ObjectIdentifier(s);
  }
}
