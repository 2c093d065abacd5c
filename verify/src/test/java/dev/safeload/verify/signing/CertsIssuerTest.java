package dev.safeload.verify.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.x509.Certs;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The OIDC issuer a keyless model signature's certificate names is read by the one strict reader of
 * Fulcio extensions (the attestation policy's): a value another verifier would read differently
 * names no identity.
 */
class CertsIssuerTest {
  private static final String ISSUER = "https://token.actions.githubusercontent.com";

  /** A self-signed certificate with issuer extension .8 (as {@code v2}) and .1 (raw {@code v1}). */
  private static X509Certificate cert(@Nullable ASN1Encodable v2, @Nullable String v1)
      throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair k = g.generateKeyPair();
    X500Principal name = new X500Principal("CN=test");
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.ONE,
            Date.from(now),
            Date.from(now.plusSeconds(600)),
            name,
            k.getPublic());
    if (v2 != null) {
      b.addExtension(new ASN1ObjectIdentifier(Certs.OID_ISSUER_V2), false, v2);
    }
    if (v1 != null) {
      // First generation: the raw UTF-8 bytes as the extension's value.
      b.addExtension(
          new ASN1ObjectIdentifier(Certs.OID_ISSUER_V1),
          false,
          new DEROctetString(v1.getBytes(StandardCharsets.UTF_8)).getOctets());
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(k.getPrivate())));
  }

  @Test
  void eachGenerationAloneAndBothAgreeing() throws Exception {
    assertEquals(ISSUER, Certs.oidcIssuer(cert(new DERUTF8String(ISSUER), null)));
    assertEquals(ISSUER, Certs.oidcIssuer(cert(null, ISSUER)));
    assertEquals(ISSUER, Certs.oidcIssuer(cert(new DERUTF8String(ISSUER), ISSUER)));
    assertNull(Certs.oidcIssuer(cert(null, null)));
  }

  @Test
  void aSecondGenerationIssuerThatIsNotAUtf8StringNamesNoIdentity() throws Exception {
    // Read as any ASN.1 string before; Fulcio writes a DER UTF8String and the attestation policy
    // refused anything else, so the two readers could disagree on one certificate.
    SignatureVerificationException e =
        assertThrows(
            SignatureVerificationException.class,
            () -> Certs.oidcIssuer(cert(new DERPrintableString(ISSUER), null)));
    assertEquals(VerifyReason.SIGNATURE_IDENTITY_MISMATCH, e.reason());
  }

  @Test
  void disagreeingGenerationsNameNoIdentity() throws Exception {
    SignatureVerificationException e =
        assertThrows(
            SignatureVerificationException.class,
            () -> Certs.oidcIssuer(cert(new DERUTF8String(ISSUER), "https://accounts.google.com")));
    assertEquals(VerifyReason.SIGNATURE_IDENTITY_MISMATCH, e.reason());
  }
}
