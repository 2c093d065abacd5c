package dev.safeload.verify.internal.sigstore;

import dev.safeload.ReasonCode;
import dev.safeload.provenance.Sha256;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.json.Json;
import dev.safeload.verify.internal.json.JsonObject;
import dev.safeload.verify.internal.x509.Certs;
import dev.safeload.verify.internal.x509.Keys;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A parsed Sigstore {@code trusted_root.json} (or the trusted root inside a ClientTrustConfig):
 * transparency logs, certificate authorities, CT logs and timestamp authorities, each with its
 * validity window. The only source of trust for keyless verification; nothing in a bundle is ever
 * trusted as a root.
 */
public final class TrustedRoot {
  private static final int MAX_ENTRIES = 64;

  /** A closed time interval; {@code end} null means open-ended. */
  public record Validity(Instant start, @Nullable Instant end) {
    public boolean contains(Instant t) {
      return !t.isBefore(start) && (end == null || !t.isAfter(end));
    }
  }

  /** A transparency or CT log. */
  public record Log(
      String baseUrl,
      String name,
      PublicKey key,
      byte[] logId,
      byte @Nullable [] checkpointKeyId,
      Validity validFor) {
    public boolean hasId(byte[] id) {
      return Arrays.equals(logId, id);
    }
  }

  /** A CA or TSA: its chain (first entry issued by the next, last is the root) and validity. */
  public record Authority(String uri, List<X509Certificate> chain, Validity validFor) {}

  private final List<Log> tlogs;
  private final List<Log> ctlogs;
  private final List<Authority> cas;
  private final List<Authority> tsas;
  private final byte[] sha256;

  private TrustedRoot(
      List<Log> tlogs, List<Log> ctlogs, List<Authority> cas, List<Authority> tsas, byte[] sha256) {
    this.tlogs = tlogs;
    this.ctlogs = ctlogs;
    this.cas = cas;
    this.tsas = tsas;
    this.sha256 = sha256;
  }

  public List<Log> tlogs() {
    return tlogs;
  }

  public List<Log> ctlogs() {
    return ctlogs;
  }

  public List<Authority> certificateAuthorities() {
    return cas;
  }

  public List<Authority> timestampAuthorities() {
    return tsas;
  }

  /** SHA-256 of the JSON bytes, for reports. */
  public byte[] sha256() {
    return sha256.clone();
  }

  public static TrustedRoot parse(byte[] json) throws SignatureVerificationException {
    ReasonCode r = VerifyReason.SIGSTORE_TRUSTED_ROOT_INVALID;
    JsonObject root = Json.parseObject(json, r, "trusted root");
    if (root.str("mediaType").startsWith("application/vnd.dev.sigstore.clienttrustconfig")) {
      // A ClientTrustConfig (model_signing's --trust_config, sigstore-python's --trust-config)
      // holds the trusted root beside a signing config, which verification does not use.
      root = root.obj("trustedRoot");
    }
    String mt = root.str("mediaType");
    if (!mt.startsWith("application/vnd.dev.sigstore.trustedroot")) {
      throw new SignatureVerificationException(r, "unsupported trusted root media type " + mt);
    }
    List<Log> tlogs = new ArrayList<>();
    for (JsonObject o : root.objects("tlogs", MAX_ENTRIES)) {
      tlogs.add(log(o));
    }
    List<Log> ctlogs = new ArrayList<>();
    for (JsonObject o : root.objects("ctlogs", MAX_ENTRIES)) {
      ctlogs.add(log(o));
    }
    List<Authority> cas = new ArrayList<>();
    for (JsonObject o : root.objects("certificateAuthorities", MAX_ENTRIES)) {
      cas.add(authority(o));
    }
    List<Authority> tsas = new ArrayList<>();
    for (JsonObject o : root.objects("timestampAuthorities", MAX_ENTRIES)) {
      tsas.add(authority(o));
    }
    return new TrustedRoot(
        List.copyOf(tlogs),
        List.copyOf(ctlogs),
        List.copyOf(cas),
        List.copyOf(tsas),
        Sha256.newMessageDigest().digest(json));
  }

  private static Log log(JsonObject o) throws SignatureVerificationException {
    String baseUrl = o.str("baseUrl");
    String hashAlg = o.optStr("hashAlgorithm");
    if (hashAlg != null && !hashAlg.equals("SHA2_256")) {
      throw new SignatureVerificationException(
          o.reason(), o + ": unsupported log hash algorithm " + hashAlg);
    }
    JsonObject pk = o.obj("publicKey");
    byte[] raw = pk.base64("rawBytes");
    String details = pk.optStr("keyDetails");
    if (details != null && details.startsWith("PKCS1_RSA")) {
      // A bare PKCS#1 RSAPublicKey: wrap it in an SPKI so the one key parser handles it.
      try {
        raw =
            new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(
                    new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                        org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption,
                        org.bouncycastle.asn1.DERNull.INSTANCE),
                    raw)
                .getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER);
      } catch (java.io.IOException e) {
        throw new SignatureVerificationException(o.reason(), o + ": RSA key cannot be encoded");
      }
    }
    PublicKey key = Keys.publicKey(raw, o.reason());
    Validity v = validity(pk.obj("validFor"));
    byte[] logId = o.obj("logId").base64("keyId");
    JsonObject ck = o.optObj("checkpointKeyId");
    byte[] checkpointKeyId = ck == null ? null : ck.base64("keyId");
    return new Log(baseUrl, hostOf(baseUrl, o), key, logId, checkpointKeyId, v);
  }

  private static String hostOf(String baseUrl, JsonObject o) throws SignatureVerificationException {
    try {
      URI u = new URI(baseUrl);
      if (u.getHost() == null) {
        throw new SignatureVerificationException(o.reason(), o + ": baseUrl has no host");
      }
      return u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
    } catch (URISyntaxException e) {
      throw new SignatureVerificationException(o.reason(), o + ": baseUrl is not a URL");
    }
  }

  private static Authority authority(JsonObject o) throws SignatureVerificationException {
    List<X509Certificate> chain = new ArrayList<>();
    for (JsonObject c : o.obj("certChain").objects("certificates", 8)) {
      chain.add(Certs.parse(c.base64("rawBytes"), o.reason()));
    }
    if (chain.isEmpty()) {
      throw new SignatureVerificationException(o.reason(), o + ": empty certificate chain");
    }
    return new Authority(
        o.optStr("uri") == null ? "" : o.str("uri"),
        List.copyOf(chain),
        validity(o.obj("validFor")));
  }

  private static Validity validity(JsonObject v) throws SignatureVerificationException {
    // A missing start is malformed, not "since forever" (conformance:
    // trust-root-tlog-missing-validity-start).
    Instant start = instant(v, "start");
    Instant end = v.has("end") ? instant(v, "end") : null;
    if (end != null && end.isBefore(start)) {
      throw new SignatureVerificationException(v.reason(), v + ": validity ends before it starts");
    }
    return new Validity(start, end);
  }

  private static Instant instant(JsonObject v, String key) throws SignatureVerificationException {
    try {
      return Instant.parse(v.str(key));
    } catch (DateTimeParseException e) {
      throw new SignatureVerificationException(
          v.reason(), v + ": '" + key + "' is not an RFC 3339 time");
    }
  }
}
