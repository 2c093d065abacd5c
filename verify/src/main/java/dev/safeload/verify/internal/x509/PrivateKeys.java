package dev.safeload.verify.internal.x509;

import dev.safeload.ReasonCode;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Signing keys from PEM ({@code PRIVATE KEY} PKCS#8 or {@code EC PRIVATE KEY} SEC 1), with the
 * public half derived with BouncyCastle's lightweight API. Keys end up as JDK keys; no provider is
 * registered.
 */
public final class PrivateKeys {
  private PrivateKeys() {}

  public static KeyPair fromPem(String pem) throws SignatureVerificationException {
    ReasonCode r = VerifyReason.SIGNATURE_KEY_MISMATCH;
    try {
      PrivateKeyInfo info;
      List<byte[]> sec1 = Keys.pemBlocks(pem, "EC PRIVATE KEY", r);
      List<byte[]> pkcs8 = Keys.pemBlocks(pem, "PRIVATE KEY", r);
      if (sec1.size() + pkcs8.size() != 1) {
        throw new SignatureVerificationException(
            r, "expected exactly one PEM PRIVATE KEY or EC PRIVATE KEY block");
      }
      if (sec1.size() == 1) {
        ECPrivateKey k = ECPrivateKey.getInstance(ASN1Primitive.fromByteArray(sec1.get(0)));
        if (!(k.getParametersObject() instanceof ASN1ObjectIdentifier)) {
          throw new SignatureVerificationException(r, "EC private key is not on a named curve");
        }
        info =
            new PrivateKeyInfo(
                new AlgorithmIdentifier(
                    X9ObjectIdentifiers.id_ecPublicKey, k.getParametersObject()),
                k);
      } else {
        info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(pkcs8.get(0)));
      }
      ASN1ObjectIdentifier alg = info.getPrivateKeyAlgorithm().getAlgorithm();
      byte[] spki;
      String kf;
      if (alg.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
        ASN1ObjectIdentifier curve =
            ASN1ObjectIdentifier.getInstance(info.getPrivateKeyAlgorithm().getParameters());
        X9ECParameters params = ECNamedCurveTable.getByOID(curve);
        if (params == null) {
          throw new SignatureVerificationException(r, "unknown EC curve");
        }
        BigInteger d = ECPrivateKey.getInstance(info.parsePrivateKey()).getKey();
        ECPoint q = params.getG().multiply(d).normalize();
        spki =
            new SubjectPublicKeyInfo(
                    new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve),
                    q.getEncoded(false))
                .getEncoded();
        kf = "EC";
      } else if (alg.equals(EdECObjectIdentifiers.id_Ed25519)) {
        byte[] seed =
            org.bouncycastle.asn1.ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
        byte[] pub = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
        spki =
            new SubjectPublicKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), pub)
                .getEncoded();
        kf = "Ed25519";
      } else {
        throw new SignatureVerificationException(
            r, "unsupported private key algorithm " + alg.getId());
      }
      PublicKey publicKey = Keys.publicKey(spki, r);
      PrivateKey privateKey =
          KeyFactory.getInstance(kf).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
      return new KeyPair(publicKey, privateKey);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new SignatureVerificationException(r, "private key cannot be read: " + e.getMessage());
    }
  }
}
