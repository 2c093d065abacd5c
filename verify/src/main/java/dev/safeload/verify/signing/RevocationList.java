package dev.safeload.verify.signing;

import dev.safeload.Finding;
import dev.safeload.ReasonCode;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.provenance.Sha256;
import dev.safeload.provenance.Signer;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.json.Json;
import dev.safeload.verify.internal.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A local revocation feed: file digests and signers that must never be loaded again. As a {@link
 * ProvenanceVerifier} it rejects any model serving a revoked file; given to {@link
 * TrustPolicy.Builder#revocations} it also rejects signatures by revoked signers.
 *
 * <p>Format (strict JSON, unknown fields rejected):
 *
 * <pre>{@code
 * {"version": 1,
 *  "revoked": [
 *    {"sha256": "<64 hex>", "reason": "poisoned weights, incident 42"},
 *    {"identity": "alice@example.com", "issuer": "https://accounts.google.com", "reason": "key compromise"},
 *    {"keySha256": "<SHA-256 of SPKI DER, 64 hex>", "reason": "..."},
 *    {"certSha256": "<SHA-256 of certificate DER, 64 hex>", "reason": "..."}]}
 * }</pre>
 */
public final class RevocationList implements ProvenanceVerifier {
  private static final int MAX_ENTRIES = 1_000_000;

  private final Map<Sha256, String> digests;
  private final Map<String, String> signers;
  private final List<String[]> identities; // {san, issuer-or-null, reason}

  private RevocationList(
      Map<Sha256, String> digests, Map<String, String> signers, List<String[]> identities) {
    this.digests = Map.copyOf(digests);
    this.signers = Map.copyOf(signers);
    this.identities = List.copyOf(identities);
  }

  /** Reads a feed file. */
  public static RevocationList load(Path feed) throws IOException, SignatureVerificationException {
    if (Files.size(feed) > Json.MAX_DOCUMENT_BYTES) {
      throw new SignatureVerificationException(
          VerifyReason.REVOKED_FEED_INVALID, "revocation feed is too large");
    }
    return parse(Files.readAllBytes(feed));
  }

  /** Parses a feed. */
  public static RevocationList parse(byte[] json) throws SignatureVerificationException {
    ReasonCode r = VerifyReason.REVOKED_FEED_INVALID;
    JsonObject root = Json.parseObject(json, r, "revocation feed");
    root.onlyKeys("version", "revoked");
    if (root.nonNegativeLong("version") != 1) {
      throw new SignatureVerificationException(r, "unsupported revocation feed version");
    }
    Map<Sha256, String> digests = new HashMap<>();
    Map<String, String> signers = new HashMap<>();
    List<String[]> ids = new ArrayList<>();
    for (JsonObject e : root.objects("revoked", MAX_ENTRIES)) {
      e.onlyKeys("sha256", "identity", "issuer", "keySha256", "certSha256", "reason");
      String reason = e.str("reason");
      int kinds =
          (e.has("sha256") ? 1 : 0)
              + (e.has("identity") ? 1 : 0)
              + (e.has("keySha256") ? 1 : 0)
              + (e.has("certSha256") ? 1 : 0);
      if (kinds != 1 || (e.has("issuer") && !e.has("identity"))) {
        throw new SignatureVerificationException(
            r, e + ": exactly one of sha256, identity, keySha256, certSha256");
      }
      if (e.has("sha256")) {
        digests.put(sha(e.str("sha256"), r), reason);
      } else if (e.has("keySha256")) {
        signers.put("key:sha256:" + sha(e.str("keySha256"), r).hex(), reason);
      } else if (e.has("certSha256")) {
        signers.put("cert:sha256:" + sha(e.str("certSha256"), r).hex(), reason);
      } else {
        ids.add(new String[] {e.str("identity"), e.optStr("issuer"), reason});
      }
    }
    return new RevocationList(digests, signers, ids);
  }

  private static Sha256 sha(String hex, ReasonCode r) throws SignatureVerificationException {
    try {
      return Sha256.ofHex(hex);
    } catch (IllegalArgumentException e) {
      throw new SignatureVerificationException(r, "not a SHA-256 hex digest: " + hex);
    }
  }

  /** Why a file digest is revoked, if it is. */
  public Optional<String> revokedDigest(Sha256 digest) {
    return Optional.ofNullable(digests.get(digest));
  }

  /** Why a signer (given as {@link SignedManifest#identities()}) is revoked, if it is. */
  public Optional<String> revokedSigner(List<String> signerIdentities) {
    for (String id : signerIdentities) {
      String why = signers.get(id);
      if (why != null) {
        return Optional.of(why);
      }
    }
    for (String[] rule : identities) {
      if (signerIdentities.contains("san:" + rule[0])
          && (rule[1] == null || signerIdentities.contains("issuer:" + rule[1]))) {
        return Optional.of(rule[2]);
      }
    }
    return Optional.empty();
  }

  /**
   * Why a signer recorded in a proof is revoked, if it is: a public key by its {@code keySha256}, a
   * certificate by its identity (and issuer, where the entry names one). A {@code certSha256} entry
   * needs the certificate itself, which a proof does not keep, so it never matches here.
   */
  public Optional<String> revokedSigner(Signer signer) {
    if (signer.kind() == Signer.Kind.PUBLIC_KEY) {
      return Optional.ofNullable(signers.get("key:" + signer.identity()));
    }
    for (String[] rule : identities) {
      if (rule[0].equals(signer.identity())
          && (rule[1] == null || rule[1].equals(signer.issuer()))) {
        return Optional.of(rule[2]);
      }
    }
    return Optional.empty();
  }

  @Override
  public String id() {
    return "revocation";
  }

  @Override
  public Set<String> sideFiles() {
    return Set.of();
  }

  @Override
  public ProvenanceResult verify(DigestedModel model) {
    List<Finding> findings = new ArrayList<>();
    for (DigestedFile f : model.files()) {
      String why = digests.get(f.requireSha256()); // never skipped: a missing digest fails
      if (why != null) {
        findings.add(
            new Finding(
                VerifyReason.REVOKED_DIGEST,
                f.name(),
                Finding.NO_OFFSET,
                "revoked " + f.sha256() + ": " + why));
      }
    }
    return new ProvenanceResult(List.of(), findings);
  }
}
