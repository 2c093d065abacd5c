package dev.safeload.verify.internal.sigstore;

import dev.safeload.ReasonCode;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.json.Json;
import dev.safeload.verify.internal.json.JsonObject;
import dev.safeload.verify.internal.x509.Certs;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Sigstore bundle (v0.1–v0.3) as parsed from its proto3 JSON form. Parsing checks shape,
 * encodings and limits only; nothing here is trusted until {@link BundleVerifier} has checked it.
 */
public final class Bundle {
  /** Most tlog entries or timestamps we look at (sigstore-go and sigstore-python use 32). */
  public static final int MAX_ENTRIES = 32;

  /** Most certificates in a bundle's chain. */
  public static final int MAX_CERTS = 10;

  /** Most proof hashes (a tree of 2^64 leaves needs 64). */
  public static final int MAX_PROOF_HASHES = 64;

  /** Which kind of verification material the bundle carries. */
  public enum Material {
    PUBLIC_KEY,
    CERTIFICATE_CHAIN,
    CERTIFICATE
  }

  /** A DSSE envelope with exactly one signature. */
  public record Dsse(
      byte[] payload, String payloadType, byte[] signature, @Nullable String keyId) {}

  /** A plain message signature over an artifact. */
  public record MessageSignature(byte @Nullable [] sha256, byte[] signature) {}

  /** An inclusion proof; {@code logIndex} is the index within the tree the proof is for. */
  public record Proof(
      long logIndex,
      byte[] rootHash,
      long treeSize,
      List<byte[]> hashes,
      @Nullable String checkpoint) {}

  /** A transparency log entry. {@code integratedTime} 0 means absent (Rekor v2). */
  public record TlogEntry(
      long logIndex,
      byte[] logId,
      String kind,
      String version,
      long integratedTime,
      byte @Nullable [] signedEntryTimestamp,
      byte[] canonicalizedBody,
      @Nullable Proof proof) {}

  public final int minorVersion;
  public final Material material;
  public final @Nullable String keyHint;
  public final List<X509Certificate> certificates;
  public final List<TlogEntry> tlogEntries;
  public final List<byte[]> timestamps;
  public final @Nullable Dsse dsse;
  public final @Nullable MessageSignature messageSignature;

  private Bundle(
      int minorVersion,
      Material material,
      @Nullable String keyHint,
      List<X509Certificate> certificates,
      List<TlogEntry> tlogEntries,
      List<byte[]> timestamps,
      @Nullable Dsse dsse,
      @Nullable MessageSignature messageSignature) {
    this.minorVersion = minorVersion;
    this.material = material;
    this.keyHint = keyHint;
    this.certificates = certificates;
    this.tlogEntries = tlogEntries;
    this.timestamps = timestamps;
    this.dsse = dsse;
    this.messageSignature = messageSignature;
  }

  /** The signature bytes, from whichever content the bundle has. */
  public byte[] signature() {
    // parse() gives every bundle exactly one of the two.
    return dsse != null ? dsse.signature() : Objects.requireNonNull(messageSignature).signature();
  }

  public static Bundle parse(byte[] json) throws SignatureVerificationException {
    ReasonCode r = VerifyReason.SIGNATURE_BUNDLE_INVALID;
    JsonObject b = Json.parseObject(json, r, "bundle");
    String mt = b.str("mediaType");
    int minor =
        switch (mt) {
          case "application/vnd.dev.sigstore.bundle+json;version=0.1" -> 1;
          case "application/vnd.dev.sigstore.bundle+json;version=0.2" -> 2;
          case "application/vnd.dev.sigstore.bundle+json;version=0.3",
              "application/vnd.dev.sigstore.bundle.v0.3+json" ->
              3;
          default ->
              throw new SignatureVerificationException(
                  VerifyReason.SIGNATURE_BUNDLE_VERSION_UNSUPPORTED,
                  "unsupported bundle media type "
                      + (mt.length() > 100 ? mt.substring(0, 100) : mt));
        };
    JsonObject vm = b.obj("verificationMaterial");
    Material material;
    String hint = null;
    List<X509Certificate> certs = new ArrayList<>();
    int kinds =
        (vm.has("publicKey") ? 1 : 0)
            + (vm.has("x509CertificateChain") ? 1 : 0)
            + (vm.has("certificate") ? 1 : 0);
    if (kinds != 1) {
      throw new SignatureVerificationException(
          r,
          "verification material must hold exactly one of publicKey, "
              + "x509CertificateChain and certificate");
    }
    if (vm.has("publicKey")) {
      material = Material.PUBLIC_KEY;
      JsonObject pk = vm.obj("publicKey");
      hint = pk.optStr("hint");
      // Legacy OMS (v0.3.1–v1.0.x) writes rawBytes (PEM text) + keyDetails here. It is never
      // trusted:
      // only the configured key counts. We only check it decodes.
      if (pk.has("rawBytes")) {
        pk.base64("rawBytes");
      }
    } else if (vm.has("x509CertificateChain")) {
      material = Material.CERTIFICATE_CHAIN;
      for (JsonObject c : vm.obj("x509CertificateChain").objects("certificates", MAX_CERTS)) {
        certs.add(Certs.parse(c.base64("rawBytes"), r));
      }
      if (certs.isEmpty()) {
        throw new SignatureVerificationException(r, "empty certificate chain");
      }
    } else {
      material = Material.CERTIFICATE;
      certs.add(Certs.parse(vm.obj("certificate").base64("rawBytes"), r));
    }
    List<TlogEntry> entries = new ArrayList<>();
    for (JsonObject e : vm.objects("tlogEntries", MAX_ENTRIES)) {
      entries.add(entry(e));
    }
    List<byte[]> timestamps = new ArrayList<>();
    JsonObject tvd = vm.optObj("timestampVerificationData");
    if (tvd != null) {
      for (JsonObject t : tvd.objects("rfc3161Timestamps", MAX_ENTRIES)) {
        timestamps.add(t.base64("signedTimestamp"));
      }
    }
    Dsse dsse = null;
    MessageSignature ms = null;
    if (b.has("dsseEnvelope") == b.has("messageSignature")) {
      throw new SignatureVerificationException(
          r, "bundle must hold exactly one of dsseEnvelope and messageSignature");
    }
    if (b.has("dsseEnvelope")) {
      JsonObject env = b.obj("dsseEnvelope");
      byte[] payload = env.base64("payload");
      String type = env.str("payloadType");
      List<JsonObject> sigs = env.objects("signatures", MAX_ENTRIES);
      if (sigs.size() != 1) {
        throw new SignatureVerificationException(
            VerifyReason.SIGNATURE_ENVELOPE_INVALID,
            "a DSSE envelope must carry exactly one signature, found " + sigs.size());
      }
      byte[] sig = sigs.get(0).base64("sig");
      if (sig.length == 0) {
        throw new SignatureVerificationException(
            VerifyReason.SIGNATURE_ENVELOPE_INVALID, "empty DSSE signature");
      }
      dsse = new Dsse(payload, type, sig, sigs.get(0).optStr("keyid"));
    } else {
      JsonObject m = b.obj("messageSignature");
      byte[] digest = null;
      JsonObject md = m.optObj("messageDigest");
      if (md != null) {
        if (!"SHA2_256".equals(md.str("algorithm"))) {
          throw new SignatureVerificationException(r, "unsupported message digest algorithm");
        }
        digest = md.base64("digest");
        if (digest.length != 32) {
          throw new SignatureVerificationException(r, "message digest is not 32 bytes");
        }
      }
      byte[] sig = m.base64("signature");
      if (sig.length == 0) {
        throw new SignatureVerificationException(r, "empty message signature");
      }
      ms = new MessageSignature(digest, sig);
    }
    return new Bundle(
        minor,
        material,
        hint,
        List.copyOf(certs),
        List.copyOf(entries),
        List.copyOf(timestamps),
        dsse,
        ms);
  }

  private static TlogEntry entry(JsonObject e) throws SignatureVerificationException {
    long logIndex = e.nonNegativeLong("logIndex");
    byte[] logId = e.obj("logId").base64("keyId");
    JsonObject kv = e.obj("kindVersion");
    long integrated = e.optNonNegativeLong("integratedTime", 0);
    JsonObject ip = e.optObj("inclusionPromise");
    byte[] set = ip == null ? null : ip.base64("signedEntryTimestamp");
    byte[] body = e.base64("canonicalizedBody");
    Proof proof = null;
    JsonObject p = e.optObj("inclusionProof");
    if (p != null) {
      List<byte[]> hashes = new ArrayList<>();
      List<String> hs = p.strings("hashes", MAX_PROOF_HASHES);
      for (String h : hs) {
        byte[] d = p.decode(h, "hashes");
        if (d.length != 32) {
          throw new SignatureVerificationException(e.reason(), e + ": proof hash is not 32 bytes");
        }
        hashes.add(d);
      }
      JsonObject cp = p.optObj("checkpoint");
      String checkpoint = cp == null ? null : cp.str("envelope");
      byte[] root = p.base64("rootHash");
      if (root.length != 32) {
        throw new SignatureVerificationException(e.reason(), e + ": root hash is not 32 bytes");
      }
      proof =
          new Proof(
              p.nonNegativeLong("logIndex"),
              root,
              p.nonNegativeLong("treeSize"),
              List.copyOf(hashes),
              checkpoint);
    }
    return new TlogEntry(
        logIndex, logId, kv.str("kind"), kv.str("version"), integrated, set, body, proof);
  }
}
