package dev.safeload.verify.attestation;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.x509.FulcioExtensions;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates whose Fulcio extensions (OIDs 1.3.6.1.4.1.57264.1.*) hold arbitrary bytes, into the
 * extension reader. Only {@link VerifyReason#ATTESTATION_CERT_EXTENSION_INVALID} may escape; an
 * accepted value is non-empty, bounded and free of control characters.
 */
class FulcioExtensionsFuzzTest {
  static final KeyPair KEY = TestSigstore.ec("secp256r1");

  @FuzzTest(maxDuration = "5s")
  void read(FuzzedDataProvider data) throws Exception {
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            new X500Principal("CN=fuzz"),
            BigInteger.ONE,
            Date.from(Instant.EPOCH),
            Date.from(Instant.EPOCH.plusSeconds(60)),
            new X500Principal("CN=fuzz"),
            KEY.getPublic());
    Set<Integer> used = new HashSet<>();
    int n = data.consumeInt(0, 8);
    for (int i = 0; i < n; i++) {
      int oid = data.consumeInt(1, 30);
      byte[] value = data.consumeBytes(data.consumeInt(0, 300));
      if (used.add(oid)) {
        b.addExtension(new ASN1ObjectIdentifier(TestSigstore.FULCIO + oid), false, value);
      }
    }
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(KEY.getPrivate())));
    try {
      FulcioExtensions e = FulcioExtensions.of(cert);
      for (String v :
          new String[] {
            e.issuer(),
            e.sourceRepositoryUri(),
            e.sourceRepositoryRef(),
            e.sourceRepositoryDigest(),
            e.buildSignerUri(),
            e.runnerEnvironment(),
            e.buildTrigger()
          }) {
        if (v != null
            && (v.isEmpty()
                || v.length() > FulcioExtensions.MAX_VALUE_CHARS
                || v.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
          throw new AssertionError("accepted an extension value it must refuse: " + v);
        }
      }
    } catch (SignatureVerificationException expected) {
      if (expected.reason() != VerifyReason.ATTESTATION_CERT_EXTENSION_INVALID) {
        throw new AssertionError("unexpected reason " + expected.reason(), expected);
      }
    }
  }
}
