package dev.safeload.verify.signing;

import dev.safeload.provenance.Sha256;
import dev.safeload.verify.internal.intoto.OmsManifest;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model manifest whose signature has been verified: the signer and the signed per-file SHA-256
 * digests. In files mode its {@link #files()} can be used as digest pins.
 */
public final class SignedManifest {
  private final OmsManifest manifest;
  private final String signer;
  private final List<String> identities;
  private final Sha256 payloadSha256;

  /** Shards mode: signed path (a single-file manifest's {@code "."}) → how many shards it has. */
  private final Map<String, Integer> shardCounts = new HashMap<>();

  private final boolean singleFile;

  SignedManifest(
      OmsManifest manifest, String signer, List<String> identities, Sha256 payloadSha256) {
    this.manifest = manifest;
    this.signer = signer;
    this.identities = List.copyOf(identities);
    this.payloadSha256 = payloadSha256;
    this.singleFile = manifest.singleFile();
    if (manifest.shardSize > 0) {
      manifest.resources.forEach(r -> shardCounts.merge(r.path(), 1, Integer::sum));
    }
  }

  OmsManifest manifest() {
    return manifest;
  }

  /**
   * How many shards this manifest signs of the served file {@code name}: 0 in files mode or for a
   * file it does not list. A single-file manifest's shards belong to whatever one file is served
   * (the verifier refuses it for a directory).
   */
  int shardCount(String name) {
    return shardCounts.getOrDefault(singleFile ? "." : name, 0);
  }

  /** A short description of who signed. */
  public String signer() {
    return signer;
  }

  /**
   * The signer's identities as {@code kind:value} strings ({@code san:…}, {@code issuer:…}, {@code
   * subject:…}, {@code cert:sha256:…}, {@code key:sha256:…}), as matched by {@link RevocationList}.
   */
  public List<String> identities() {
    return identities;
  }

  /** SHA-256 of the signed DSSE payload: a single-string pin for the whole manifest. */
  public Sha256 payloadSha256() {
    return payloadSha256;
  }

  /**
   * Signed file name → SHA-256, in signed order, for SHA-256 files-mode manifests (a single-file
   * manifest is keyed {@code "."}). Empty for other serializations.
   */
  public Map<String, Sha256> files() {
    Map<String, Sha256> out = new LinkedHashMap<>();
    if (manifest.hashType.equals("sha256") && manifest.method.equals("files")) {
      manifest.resources.forEach(r -> out.put(r.path(), Sha256.of(r.digest())));
    }
    return out;
  }
}
