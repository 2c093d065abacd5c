package dev.safeload.verify.internal.sigstore;

import dev.safeload.ReasonCode;
import dev.safeload.provenance.Sha256;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.json.Json;
import dev.safeload.verify.internal.json.JsonObject;
import dev.safeload.verify.internal.x509.Keys;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Verifies one Rekor entry offline: the log is in the trusted root, the entry body describes
 * exactly this artifact, signature and signer (cosign CVE-2022-36056/CVE-2026-22703, sigstore-java
 * CVE-2024-53267), the signed entry timestamp, the inclusion proof and the log-signed checkpoint.
 */
final class Rekor {
  private Rekor() {}

  /**
   * What the entry must be bound to.
   *
   * @param artifactSha256 the digest a hashedrekord entry must record (artifact, or SHA-256 of the
   *     DSSE PAE)
   * @param dsse the envelope for dsse/intoto entries, else null
   * @param signature the bundle's signature bytes
   * @param signerDer DER of the signing certificate, or SPKI DER of the signing key
   * @param signerIsCert whether {@code signerDer} is a certificate
   */
  record Binding(
      byte[] artifactSha256,
      Bundle.@Nullable Dsse dsse,
      byte[] signature,
      byte[] signerDer,
      boolean signerIsCert) {}

  /** Result: the SET-attested time, if the entry had a valid SET. */
  static @Nullable Instant verify(Bundle.TlogEntry e, TrustedRoot root, Binding b, int bundleMinor)
      throws SignatureVerificationException {
    TrustedRoot.Log log =
        root.tlogs().stream()
            .filter(l -> l.hasId(e.logId()))
            .findFirst()
            .orElseThrow(
                () ->
                    new SignatureVerificationException(
                        VerifyReason.SIGSTORE_TLOG_INVALID,
                        "the entry's log is not in the trusted root"));
    checkBody(e, b);
    Instant setTime = null;
    if (e.signedEntryTimestamp() != null) {
      String canonical =
          "{\"body\":\""
              + Base64.getEncoder().encodeToString(e.canonicalizedBody())
              + "\",\"integratedTime\":"
              + e.integratedTime()
              + ",\"logID\":\""
              + HexFormat.of().formatHex(e.logId())
              + "\",\"logIndex\":"
              + e.logIndex()
              + "}";
      if (!Keys.verify(
          log.key(),
          Keys.algorithmFor(log.key()),
          canonical.getBytes(StandardCharsets.UTF_8),
          e.signedEntryTimestamp())) {
        throw new SignatureVerificationException(
            VerifyReason.SIGSTORE_TLOG_INVALID, "the signed entry timestamp does not verify");
      }
      setTime = Instant.ofEpochSecond(e.integratedTime());
      if (!log.validFor().contains(setTime)) {
        throw new SignatureVerificationException(
            VerifyReason.SIGSTORE_TIME_OUTSIDE_VALIDITY,
            "the entry's integrated time is outside the log key's validity in the trusted root");
      }
    } else if (bundleMinor == 1) {
      throw new SignatureVerificationException(
          VerifyReason.SIGSTORE_TLOG_INVALID, "a v0.1 bundle entry needs a signed entry timestamp");
    }
    Bundle.Proof p = e.proof();
    if (p == null) {
      if (bundleMinor >= 2 || setTime == null) {
        throw new SignatureVerificationException(
            VerifyReason.SIGSTORE_INCLUSION_PROOF_INVALID, "the entry has no inclusion proof");
      }
    } else {
      Merkle.verifyInclusion(
          p.logIndex(),
          p.treeSize(),
          Merkle.leafHash(e.canonicalizedBody()),
          p.hashes(),
          p.rootHash());
      if (p.checkpoint() == null) {
        throw new SignatureVerificationException(
            VerifyReason.SIGSTORE_CHECKPOINT_INVALID,
            "the inclusion proof has no signed checkpoint");
      }
      Checkpoint.verify(p.checkpoint(), log, p.treeSize(), p.rootHash());
    }
    return setTime;
  }

  private static void checkBody(Bundle.TlogEntry e, Binding b)
      throws SignatureVerificationException {
    ReasonCode r = VerifyReason.SIGSTORE_TLOG_ENTRY_MISMATCH;
    JsonObject body = Json.parseObject(e.canonicalizedBody(), r, "log entry body");
    String kind = body.str("kind");
    String version = body.str("apiVersion");
    if (!kind.equals(e.kind()) || !version.equals(e.version())) {
      throw new SignatureVerificationException(
          r, "log entry kind/version disagrees with the bundle");
    }
    JsonObject spec = body.obj("spec");
    switch (kind + "/" + version) {
      case "hashedrekord/0.0.1" -> {
        JsonObject hash = spec.obj("data").obj("hash");
        if (!"sha256".equals(hash.str("algorithm"))
            || !eqHex(hash.str("value"), b.artifactSha256())) {
          throw new SignatureVerificationException(
              r, "log entry records a different artifact digest");
        }
        JsonObject sig = spec.obj("signature");
        requireEqual(sig.base64("content"), b.signature(), "signature");
        requireSigner(
            new String(sig.obj("publicKey").base64("content"), StandardCharsets.UTF_8), b);
      }
      case "hashedrekord/0.0.2" -> {
        JsonObject v2 = spec.obj("hashedRekordV002");
        JsonObject data = v2.obj("data");
        if (!"SHA2_256".equals(data.str("algorithm"))) {
          throw new SignatureVerificationException(
              r, "log entry uses an unexpected digest algorithm");
        }
        requireEqual(data.base64("digest"), b.artifactSha256(), "artifact digest");
        JsonObject sig = v2.obj("signature");
        requireEqual(sig.base64("content"), b.signature(), "signature");
        JsonObject verifier = sig.obj("verifier");
        byte[] der =
            verifier.has("x509Certificate")
                ? verifier.obj("x509Certificate").base64("rawBytes")
                : verifier.obj("publicKey").base64("rawBytes");
        if (verifier.has("x509Certificate") != b.signerIsCert()) {
          throw new SignatureVerificationException(
              r, "log entry records a different kind of signer");
        }
        requireEqual(der, b.signerDer(), "signer");
      }
      case "dsse/0.0.1" -> {
        if (b.dsse() == null) {
          throw new SignatureVerificationException(
              r, "a dsse log entry cannot attest a message signature");
        }
        JsonObject ph = spec.obj("payloadHash");
        if (!"sha256".equals(ph.str("algorithm"))
            || !eqHex(ph.str("value"), Sha256.newMessageDigest().digest(b.dsse().payload()))) {
          throw new SignatureVerificationException(r, "log entry records a different DSSE payload");
        }
        List<JsonObject> sigs = spec.objects("signatures", 1);
        if (sigs.size() != 1) {
          throw new SignatureVerificationException(
              r, "log entry must record exactly one signature");
        }
        requireEqual(sigs.get(0).base64("signature"), b.signature(), "signature");
        requireSigner(new String(sigs.get(0).base64("verifier"), StandardCharsets.UTF_8), b);
      }
      case "intoto/0.0.2" -> {
        if (b.dsse() == null) {
          throw new SignatureVerificationException(
              r, "an intoto log entry cannot attest a message signature");
        }
        JsonObject content = spec.obj("content");
        JsonObject ph = content.obj("payloadHash");
        if (!"sha256".equals(ph.str("algorithm"))
            || !eqHex(ph.str("value"), Sha256.newMessageDigest().digest(b.dsse().payload()))) {
          throw new SignatureVerificationException(r, "log entry records a different DSSE payload");
        }
        JsonObject env = content.obj("envelope");
        if (!b.dsse().payloadType().equals(env.str("payloadType"))) {
          throw new SignatureVerificationException(r, "log entry records a different payload type");
        }
        List<JsonObject> sigs = env.objects("signatures", 1);
        if (sigs.size() != 1) {
          throw new SignatureVerificationException(
              r, "log entry must record exactly one signature");
        }
        // intoto 0.0.2 stores the signature base64-encoded twice.
        byte[] once = sigs.get(0).base64("sig");
        requireEqual(
            sigs.get(0).decode(new String(once, StandardCharsets.US_ASCII), "sig"),
            b.signature(),
            "signature");
        requireSigner(new String(sigs.get(0).base64("publicKey"), StandardCharsets.UTF_8), b);
      }
      default ->
          throw new SignatureVerificationException(
              r, "unsupported log entry kind " + kind + " " + version);
    }
  }

  private static boolean eqHex(String hex, byte[] expected) {
    return hex.equalsIgnoreCase(HexFormat.of().formatHex(expected))
        && hex.length() == 2 * expected.length;
  }

  private static void requireEqual(byte[] a, byte[] b, String what)
      throws SignatureVerificationException {
    if (!MessageDigest.isEqual(a, b)) {
      throw new SignatureVerificationException(
          VerifyReason.SIGSTORE_TLOG_ENTRY_MISMATCH, "log entry records a different " + what);
    }
  }

  private static void requireSigner(String pem, Binding b) throws SignatureVerificationException {
    ReasonCode r = VerifyReason.SIGSTORE_TLOG_ENTRY_MISMATCH;
    List<byte[]> blocks = Keys.pemBlocks(pem, b.signerIsCert() ? "CERTIFICATE" : "PUBLIC KEY", r);
    if (blocks.size() != 1) {
      throw new SignatureVerificationException(r, "log entry records a different kind of signer");
    }
    requireEqual(blocks.get(0), b.signerDer(), "signer");
  }
}
