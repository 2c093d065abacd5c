package dev.safeload.verify.internal.sigstore;

import dev.safeload.ReasonCode;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.x509.Certs;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenInfo;

/**
 * RFC 3161 timestamps over the signature bytes. Only TSAs from the trusted root count (certificates
 * embedded in the token are never trusted); the TSA chain is validated at the generation time,
 * which must lie in the TSA's trusted-root validity.
 */
final class Timestamps {
  private Timestamps() {}

  static Instant verify(byte[] signedTimestamp, byte[] signature, TrustedRoot root)
      throws SignatureVerificationException {
    ReasonCode r = VerifyReason.SIGSTORE_TIMESTAMP_INVALID;
    TimeStampToken token;
    try {
      TimeStampResponse resp = new TimeStampResponse(signedTimestamp);
      if (resp.getStatus() != 0 && resp.getStatus() != 1) {
        throw new SignatureVerificationException(r, "timestamp response was not granted");
      }
      token = resp.getTimeStampToken();
    } catch (TSPException | IOException | RuntimeException e) {
      throw new SignatureVerificationException(r, "timestamp is not a valid RFC 3161 response");
    }
    if (token == null) {
      throw new SignatureVerificationException(r, "timestamp response holds no token");
    }
    TimeStampTokenInfo info = token.getTimeStampInfo();
    String alg;
    var oid = info.getMessageImprintAlgOID();
    if (oid.equals(NISTObjectIdentifiers.id_sha256)) {
      alg = "SHA-256";
    } else if (oid.equals(NISTObjectIdentifiers.id_sha384)) {
      alg = "SHA-384";
    } else if (oid.equals(NISTObjectIdentifiers.id_sha512)) {
      alg = "SHA-512";
    } else {
      throw new SignatureVerificationException(r, "timestamp uses an unsupported imprint hash");
    }
    byte[] expected;
    try {
      expected = MessageDigest.getInstance(alg, "SUN").digest(signature);
    } catch (java.security.GeneralSecurityException e) {
      throw new SignatureVerificationException(r, "imprint hash unavailable");
    }
    if (!MessageDigest.isEqual(expected, info.getMessageImprintDigest())) {
      throw new SignatureVerificationException(
          r, "timestamp is over other bytes than the signature");
    }
    Instant gen = info.getGenTime().toInstant();
    for (TrustedRoot.Authority tsa : root.timestampAuthorities()) {
      if (!tsa.validFor().contains(gen)) {
        continue;
      }
      X509Certificate leaf = tsa.chain().get(0);
      try {
        if (!token.getSID().match(new X509CertificateHolder(leaf.getEncoded()))) {
          continue;
        }
        SignerInformationVerifier v = new JcaSimpleSignerInfoVerifierBuilder().build(leaf);
        token.validate(v); // signature, ESS cert id, leaf validity at genTime, timeStamping EKU
      } catch (TSPException
          | IOException
          | OperatorCreationException
          | java.security.cert.CertificateException
          | RuntimeException e) {
        continue;
      }
      int n = tsa.chain().size();
      if (n > 1) {
        try {
          Certs.validate(
              tsa.chain().subList(0, n - 1),
              Set.of(new TrustAnchor(tsa.chain().get(n - 1), null)),
              Date.from(gen),
              r);
        } catch (SignatureVerificationException e) {
          continue;
        }
      }
      return gen;
    }
    throw new SignatureVerificationException(
        r, "timestamp is not signed by a timestamp authority trusted at " + gen);
  }
}
