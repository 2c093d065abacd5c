package dev.safeload.verify.internal.x509;

import dev.safeload.ReasonCode;
import dev.safeload.provenance.Sha256;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Public keys and signature checks on the JDK's own providers (the intrinsic paths), with
 * BouncyCastle's ASN.1 classes for strict parsing. Only named curves P-256/384/521 and Ed25519 are
 * accepted; explicit curve parameters are rejected (BouncyCastle CVE-2024-29857 class).
 */
public final class Keys {
  private Keys() {}

  /** Decodes every PEM block of the given type (e.g. {@code CERTIFICATE}, {@code PUBLIC KEY}). */
  public static List<byte[]> pemBlocks(String text, String type, ReasonCode reason)
      throws SignatureVerificationException {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    List<byte[]> out = new ArrayList<>();
    int from = 0;
    while (true) {
      int b = text.indexOf(begin, from);
      if (b < 0) {
        break;
      }
      // The END marker is looked for after the whole BEGIN marker: its dashes may start an END
      // marker ("-----BEGIN X-----END X-----"), which would end the block before it begins.
      int e = text.indexOf(end, b + begin.length());
      if (e < 0) {
        throw new SignatureVerificationException(reason, "unterminated PEM " + type + " block");
      }
      StringBuilder body = new StringBuilder();
      for (char c : text.substring(b + begin.length(), e).toCharArray()) {
        if (!Character.isWhitespace(c)) {
          body.append(c);
        }
      }
      try {
        out.add(Base64.getDecoder().decode(body.toString()));
      } catch (IllegalArgumentException ex) {
        throw new SignatureVerificationException(
            reason, "PEM " + type + " block is not valid base64");
      }
      from = e + end.length();
      if (out.size() > 64) {
        throw new SignatureVerificationException(reason, "too many PEM blocks");
      }
    }
    return out;
  }

  /** Parses one PEM {@code PUBLIC KEY}. */
  public static PublicKey publicKeyFromPem(String pem, ReasonCode reason)
      throws SignatureVerificationException {
    List<byte[]> blocks = pemBlocks(pem, "PUBLIC KEY", reason);
    if (blocks.size() != 1) {
      throw new SignatureVerificationException(
          reason, "expected exactly one PEM PUBLIC KEY block, found " + blocks.size());
    }
    return publicKey(blocks.get(0), reason);
  }

  /**
   * Parses an SPKI DER key, accepting only EC P-256/384/521 (named), Ed25519 and RSA of at least
   * {@value #MIN_RSA_BITS} bits (transparency and CT logs, and some signers, use RSA).
   */
  public static PublicKey publicKey(byte[] spkiDer, ReasonCode reason)
      throws SignatureVerificationException {
    SubjectPublicKeyInfo spki;
    try {
      ASN1Primitive prim = ASN1Primitive.fromByteArray(spkiDer);
      spki = SubjectPublicKeyInfo.getInstance(prim);
      if (!Arrays.equals(prim.getEncoded(ASN1Encoding.DER), spkiDer)) {
        throw new SignatureVerificationException(reason, "public key is not DER encoded");
      }
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw new SignatureVerificationException(
          reason, "public key is not a valid SubjectPublicKeyInfo");
    }
    ASN1ObjectIdentifier alg = spki.getAlgorithm().getAlgorithm();
    String kfName;
    if (alg.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      if (!(spki.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve)
          || !(curve.equals(SECObjectIdentifiers.secp256r1)
              || curve.equals(SECObjectIdentifiers.secp384r1)
              || curve.equals(SECObjectIdentifiers.secp521r1))) {
        throw new SignatureVerificationException(
            reason, "EC key is not on a named curve P-256, P-384 or P-521");
      }
      kfName = "EC";
    } else if (alg.equals(EdECObjectIdentifiers.id_Ed25519)) {
      kfName = "Ed25519";
    } else if (alg.equals(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption)) {
      kfName = "RSA";
    } else {
      throw new SignatureVerificationException(
          reason, "unsupported public key algorithm " + alg.getId());
    }
    PublicKey key;
    try {
      key = KeyFactory.getInstance(kfName).generatePublic(new X509EncodedKeySpec(spkiDer));
    } catch (GeneralSecurityException e) {
      throw new SignatureVerificationException(
          reason, "public key cannot be decoded: " + e.getMessage());
    }
    if (key instanceof java.security.interfaces.RSAPublicKey rsa
        && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
      // A 512- or 1024-bit modulus can be factored, and its signatures forged, by whoever wants to.
      throw new SignatureVerificationException(
          reason,
          "RSA key of " + rsa.getModulus().bitLength() + " bits, fewer than " + MIN_RSA_BITS);
    }
    return key;
  }

  /** The shortest RSA modulus accepted (NIST SP 800-131A; Fulcio issues no shorter). */
  public static final int MIN_RSA_BITS = 2048;

  /** The JCA signature algorithm for a key: ECDSA with the hash matching the curve, or Ed25519. */
  public static String algorithmFor(PublicKey key) throws SignatureVerificationException {
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getOrder().bitLength();
      return switch (bits) {
        case 256 -> "SHA256withECDSA";
        case 384 -> "SHA384withECDSA";
        case 521 -> "SHA512withECDSA";
        default ->
            throw new SignatureVerificationException(
                VerifyReason.SIGNATURE_KEY_MISMATCH, "unsupported EC curve size " + bits);
      };
    }
    if ("Ed25519".equals(key.getAlgorithm()) || "EdDSA".equals(key.getAlgorithm())) {
      return "Ed25519";
    }
    if ("RSA".equals(key.getAlgorithm())) {
      return "SHA256withRSA";
    }
    throw new SignatureVerificationException(
        VerifyReason.SIGNATURE_KEY_MISMATCH, "unsupported key type " + key.getAlgorithm());
  }

  /**
   * Verifies with the curve-matched hash (P-256/SHA-256, P-384/SHA-384, P-521/SHA-512) or Ed25519.
   */
  public static boolean verify(PublicKey key, byte[] data, byte[] sig)
      throws SignatureVerificationException {
    return verify(key, algorithmFor(key), data, sig);
  }

  /**
   * Verifies a signature. ECDSA signatures must be strict DER with 0 &lt; r, s &lt; n, checked here
   * rather than trusted to the provider (CVE-2022-21449, "psychic signatures").
   */
  public static boolean verify(PublicKey key, String algorithm, byte[] data, byte[] sig) {
    if (key instanceof ECPublicKey ec
        && !ecdsaSignatureWellFormed(sig, ec.getParams().getOrder())) {
      return false;
    }
    try {
      Signature s = Signature.getInstance(algorithm);
      s.initVerify(key);
      s.update(data);
      return s.verify(sig);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  static boolean ecdsaSignatureWellFormed(byte[] sig, BigInteger n) {
    try {
      ASN1Primitive p = ASN1Primitive.fromByteArray(sig);
      if (!(p instanceof ASN1Sequence seq)
          || seq.size() != 2
          || !Arrays.equals(p.getEncoded(ASN1Encoding.DER), sig)) {
        return false;
      }
      BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
      BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
      return r.signum() > 0 && s.signum() > 0 && r.compareTo(n) < 0 && s.compareTo(n) < 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * PEM text of an SPKI as Python's {@code cryptography} writes it (64-column base64, trailing
   * newline).
   */
  public static String pem(String type, byte[] der) {
    String b64 = Base64.getEncoder().encodeToString(der);
    StringBuilder sb = new StringBuilder("-----BEGIN ").append(type).append("-----\n");
    for (int i = 0; i < b64.length(); i += 64) {
      sb.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
    }
    return sb.append("-----END ").append(type).append("-----\n").toString();
  }

  /** The OMS key hint: hex SHA-256 of the key's PEM text. */
  public static String omsHint(PublicKey key) {
    return java.util.HexFormat.of()
        .formatHex(
            Sha256.newMessageDigest()
                .digest(pem("PUBLIC KEY", key.getEncoded()).getBytes(StandardCharsets.US_ASCII)));
  }
}
