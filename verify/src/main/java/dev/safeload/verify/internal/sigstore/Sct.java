package dev.safeload.verify.internal.sigstore;

import dev.safeload.ReasonCode;
import dev.safeload.provenance.Sha256;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.x509.Keys;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;

/**
 * Embedded signed certificate timestamps (RFC 6962 §3.2): at least one SCT in the leaf must be
 * signed by a CT log from the trusted root that was valid at the SCT's time, over the
 * precertificate TBS (the leaf's TBSCertificate without the SCT extension) and the issuer's key
 * hash.
 */
final class Sct {
  static final ASN1ObjectIdentifier SCT_OID = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2");
  private static final int MAX_SCTS = 32;

  private Sct() {}

  static void verify(X509Certificate leaf, X509Certificate issuer, TrustedRoot root)
      throws SignatureVerificationException {
    ReasonCode r = VerifyReason.SIGSTORE_SCT_INVALID;
    byte[] ext = leaf.getExtensionValue(SCT_OID.getId());
    if (ext == null) {
      throw new SignatureVerificationException(r, "the signing certificate has no embedded SCT");
    }
    byte[] list;
    byte[] tbs;
    try {
      byte[] outer = ASN1OctetString.getInstance(ASN1Primitive.fromByteArray(ext)).getOctets();
      list = ASN1OctetString.getInstance(ASN1Primitive.fromByteArray(outer)).getOctets();
      tbs = precertTbs(leaf);
    } catch (IOException | RuntimeException | CertificateEncodingException e) {
      throw new SignatureVerificationException(r, "the SCT extension cannot be decoded");
    }
    byte[] issuerKeyHash = Sha256.newMessageDigest().digest(issuer.getPublicKey().getEncoded());
    List<String> problems = new ArrayList<>();
    try {
      ByteBuffer in = ByteBuffer.wrap(list);
      int total = Short.toUnsignedInt(in.getShort());
      if (total != in.remaining()) {
        throw new SignatureVerificationException(r, "SCT list length is inconsistent");
      }
      int count = 0;
      while (in.hasRemaining()) {
        if (++count > MAX_SCTS) {
          throw new SignatureVerificationException(r, "too many SCTs");
        }
        int len = Short.toUnsignedInt(in.getShort());
        ByteBuffer s = in.slice();
        s.limit(len);
        in.position(in.position() + len);
        int version = s.get();
        byte[] logId = new byte[32];
        s.get(logId);
        long ts = s.getLong();
        int extLen = Short.toUnsignedInt(s.getShort());
        byte[] sctExt = new byte[extLen];
        s.get(sctExt);
        int hashAlg = s.get();
        int sigAlg = s.get();
        int sigLen = Short.toUnsignedInt(s.getShort());
        byte[] sig = new byte[sigLen];
        s.get(sig);
        if (s.hasRemaining() || version != 0 || hashAlg != 4 || (sigAlg != 3 && sigAlg != 1)) {
          problems.add("unsupported or malformed SCT");
          continue;
        }
        Instant when = Instant.ofEpochMilli(ts);
        TrustedRoot.Log log =
            root.ctlogs().stream().filter(l -> l.hasId(logId)).findFirst().orElse(null);
        if (log == null || !log.validFor().contains(when)) {
          problems.add("SCT from a CT log not trusted at its time");
          continue;
        }
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        signed.write(0); // v1
        signed.write(0); // certificate_timestamp
        signed.write(ByteBuffer.allocate(8).putLong(ts).array());
        signed.write(0);
        signed.write(1); // precert_entry
        signed.write(issuerKeyHash);
        signed.write(tbs.length >>> 16);
        signed.write(tbs.length >>> 8);
        signed.write(tbs.length);
        signed.write(tbs);
        signed.write(extLen >>> 8);
        signed.write(extLen);
        signed.write(sctExt);
        if (Keys.verify(
            log.key(), "SHA256with" + (sigAlg == 3 ? "ECDSA" : "RSA"), signed.toByteArray(), sig)) {
          return;
        }
        problems.add("SCT signature does not verify");
      }
    } catch (BufferUnderflowException
        | IllegalArgumentException
        | IndexOutOfBoundsException
        | IOException e) {
      throw new SignatureVerificationException(r, "SCT list is truncated or malformed");
    }
    throw new SignatureVerificationException(r, "no valid SCT: " + problems);
  }

  /** The leaf's TBSCertificate re-encoded without the SCT list extension. */
  private static byte[] precertTbs(X509Certificate leaf)
      throws IOException, CertificateEncodingException {
    Certificate c = Certificate.getInstance(leaf.getEncoded());
    ASN1Sequence tbs = ASN1Sequence.getInstance(c.getTBSCertificate().toASN1Primitive());
    ASN1EncodableVector v = new ASN1EncodableVector();
    for (ASN1Encodable el : tbs) {
      if (el instanceof ASN1TaggedObject t
          && t.getTagClass() == BERTags.CONTEXT_SPECIFIC
          && t.getTagNo() == 3) {
        Extensions exts = Extensions.getInstance(t.getExplicitBaseObject());
        List<Extension> kept = new ArrayList<>();
        for (ASN1ObjectIdentifier oid : exts.getExtensionOIDs()) {
          if (!oid.equals(SCT_OID)) {
            kept.add(exts.getExtension(oid));
          }
        }
        v.add(new DERTaggedObject(true, 3, new Extensions(kept.toArray(new Extension[0]))));
      } else {
        v.add(el);
      }
    }
    return new DERSequence(v).getEncoded(ASN1Encoding.DER);
  }
}
