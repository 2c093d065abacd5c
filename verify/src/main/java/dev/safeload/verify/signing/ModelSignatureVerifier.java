package dev.safeload.verify.signing;

import dev.safeload.FileGlob;
import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.provenance.Sha256;
import dev.safeload.provenance.Signer;
import dev.safeload.provenance.Technique;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.intoto.OmsManifest;
import dev.safeload.verify.internal.sigstore.Bundle;
import dev.safeload.verify.internal.sigstore.BundleVerifier;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Verifies an OpenSSF Model Signing (OMS) signature over the digests the loader computed in its
 * single pass: Sigstore bundle → DSSE envelope → in-toto statement → manifest, then every served
 * file must be listed with the same digest, every listed file must be present, and no unlisted file
 * may be served. A listed file that another verifier reads as a side file (an attestation bundle)
 * is not served but must still match its signed digest.
 *
 * <pre>{@code
 * SafeModelLoader loader = SafeModelLoader.builder()
 *     .verifier(TrustPolicy.publicKey(Path.of("signer.pem")).verifier())
 *     .build();
 * }</pre>
 *
 * <h2>Ignored and opaque files</h2>
 *
 * A signature records which files its signer left out: OMS {@code ignore_paths} (literal paths) and
 * safeload's own {@code ignore} patterns, and which signed files are opaque (served without a
 * format). The loader must know them before it walks the model, but the signature lives inside the
 * model. So {@link #forModel(Path)} reads the signature file first and returns a verifier bound to
 * those bytes: its {@link #ignoredFiles()} and {@link #opaqueFiles()} are what the verified
 * signature records, and at load time the side file the loader reads must be byte-for-byte the one
 * read first, else the model is refused with {@link Reason#SOURCE_CHANGED}. A verifier from {@link
 * #of(TrustPolicy)} alone records no patterns; a served file that the signature ignores is then
 * {@link VerifyReason#SIGNATURE_FILE_NOT_SIGNED} with a message saying so. A file the manifest
 * lists that is present but ignored by policy is not missing: it is reported as ignored by policy
 * and never served.
 *
 * <p>Thread-safe and immutable.
 */
public final class ModelSignatureVerifier implements ProvenanceVerifier {
  /**
   * The attribute of this verifier's {@link Proof}s holding the SHA-256 of the signed DSSE payload
   * (the manifest), in hex: one digest that names everything the signer signed.
   */
  public static final String PAYLOAD_SHA256 = "payload-sha256";

  /** Largest signature file {@link #forModel} reads: the loader's limit for side files. */
  public static final int MAX_SIGNATURE_BYTES = 16 << 20;

  private final TrustPolicy policy;

  /** The bundle read before the walk, or null if this verifier is not bound to one. */
  private final byte @Nullable [] bound;

  private final @Nullable SignedManifest boundManifest;
  private final @Nullable SignatureVerificationException boundFailure;

  private ModelSignatureVerifier(
      TrustPolicy policy,
      byte @Nullable [] bound,
      @Nullable SignedManifest boundManifest,
      @Nullable SignatureVerificationException boundFailure) {
    this.policy = policy;
    this.bound = bound;
    this.boundManifest = boundManifest;
    this.boundFailure = boundFailure;
  }

  public static ModelSignatureVerifier of(TrustPolicy policy) {
    return new ModelSignatureVerifier(Objects.requireNonNull(policy), null, null, null);
  }

  /**
   * A verifier bound to the signature of {@code model} (the policy's signature file inside a model
   * directory, or beside a single-file model), read now, so that the ignore and opaque patterns the
   * signature records take effect when the loader walks the model. If there is no signature file,
   * this verifier itself is returned (it then reports {@link VerifyReason#SIGNATURE_MISSING} as
   * usual). A signature that fails verification is not an exception here: the failure is reported
   * when the model is verified, and the signature's patterns are not used.
   *
   * @throws IOException if the signature file exists but cannot be read, is not a regular file or
   *     is larger than {@value #MAX_SIGNATURE_BYTES} bytes
   */
  public ModelSignatureVerifier forModel(Path model) throws IOException {
    Path m = model.toAbsolutePath().normalize();
    Path dir = Files.isDirectory(m, LinkOption.NOFOLLOW_LINKS) ? m : m.getParent();
    if (dir == null) {
      return this;
    }
    Path sig = dir.resolve(policy.signatureFile).normalize();
    if (!sig.startsWith(dir) || !Files.exists(sig, LinkOption.NOFOLLOW_LINKS)) {
      return this;
    }
    // A signature downloaded with the model into the Hugging Face cache is a link into its blobs,
    // followed as the loader follows it (which also reads it as a side file and checks the blob).
    Path file = dev.safeload.HuggingFaceCache.blobOf(sig).orElse(sig);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(sig + ": the signature is not a regular file");
    }
    byte[] bytes;
    try (java.io.InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(MAX_SIGNATURE_BYTES + 1);
    }
    if (bytes.length > MAX_SIGNATURE_BYTES) {
      throw new IOException(sig + ": signature larger than " + MAX_SIGNATURE_BYTES + " bytes");
    }
    return withBundle(bytes);
  }

  /**
   * A verifier bound to these signature bundle bytes (see {@link #forModel}): they are verified
   * now, the patterns they record become this verifier's, and the model's signature file must hold
   * exactly these bytes when the model is verified.
   */
  public ModelSignatureVerifier withBundle(byte[] bundle) {
    byte[] copy = bundle.clone();
    try {
      return new ModelSignatureVerifier(policy, copy, verifyBundle(copy), null);
    } catch (SignatureVerificationException e) {
      return new ModelSignatureVerifier(policy, copy, null, e);
    }
  }

  /**
   * The files the bound signature leaves out, as {@link dev.safeload.FileGlob} patterns: each
   * {@code ignore_paths} entry as an anchored literal (the signature file itself excepted: the
   * loader reads it as a side file) and safeload's recorded {@code ignore} patterns. Empty when not
   * bound to a verified signature.
   */
  @Override
  public Set<String> ignoredFiles() {
    if (boundManifest == null) {
      return Set.of();
    }
    Set<String> out = new LinkedHashSet<>();
    OmsManifest m = boundManifest.manifest();
    for (String p : m.ignorePaths) {
      if (!p.equals(policy.signatureFile)) {
        out.add(OmsManifest.literalGlob(p));
      }
    }
    out.addAll(m.ignorePatterns);
    return Collections.unmodifiableSet(out);
  }

  /** The opaque patterns the bound, verified signature records; empty otherwise. */
  @Override
  public Set<String> opaqueFiles() {
    return boundManifest == null
        ? Set.of()
        : Collections.unmodifiableSet(new LinkedHashSet<>(boundManifest.manifest().opaquePatterns));
  }

  /**
   * The shard size of the bound, verified signature's manifest (shards serialisation), so that the
   * loader hashes those ranges in its single pass and the shards are compared without hashing any
   * byte again; empty when the manifest signs whole files or this verifier is not bound to a
   * verified signature (ranges are then hashed on request).
   */
  @Override
  public Set<Long> shardSizes() {
    return boundManifest == null || boundManifest.manifest().shardSize <= 0
        ? Set.of()
        : Set.of(boundManifest.manifest().shardSize);
  }

  /**
   * No for a file the bound, verified manifest signs in two or more shards: the shards are compared
   * and the whole-file digest is not needed, so the loader hashes the file's shards in parallel.
   * Yes for every other file: whole-file manifests, a file signed as one shard (compared through
   * the whole-file digest), files the manifest does not list (the report shows their digest), and
   * any verifier not bound to a verified signature.
   */
  @Override
  public boolean needsSha256(String name) {
    return boundManifest == null || boundManifest.shardCount(name) < 2;
  }

  @Override
  public String id() {
    return "oms-signature";
  }

  @Override
  public Set<String> sideFiles() {
    return Set.of(policy.signatureFile);
  }

  @Override
  public ProvenanceResult verify(DigestedModel model) {
    Optional<ByteBuffer> side = model.sideFile(policy.signatureFile);
    if (side.isEmpty()) {
      if (!policy.required) {
        return ProvenanceResult.empty();
      }
      return reject(
          new Finding(
              VerifyReason.SIGNATURE_MISSING,
              null,
              Finding.NO_OFFSET,
              "no " + policy.signatureFile + " beside the model; the policy requires a signature"));
    }
    ByteBuffer buf = side.get();
    byte[] bundle = new byte[buf.remaining()];
    buf.get(bundle);
    SignedManifest signed;
    if (bound != null) {
      // The patterns in force came from the bytes read before the walk: they must be these bytes.
      if (!MessageDigest.isEqual(bound, bundle)) {
        return reject(
            new Finding(
                Reason.SOURCE_CHANGED,
                policy.signatureFile,
                Finding.NO_OFFSET,
                "the signature file changed after its ignore list was read"));
      }
      if (boundFailure != null) {
        return reject(
            new Finding(boundFailure.reason(), null, Finding.NO_OFFSET, boundFailure.getMessage()));
      }
      signed = Objects.requireNonNull(boundManifest);
    } else {
      try {
        signed = verifyBundle(bundle);
      } catch (SignatureVerificationException e) {
        return reject(new Finding(e.reason(), null, Finding.NO_OFFSET, e.getMessage()));
      }
    }
    List<Finding> findings = new ArrayList<>();
    List<String> ignoredSigned = new ArrayList<>();
    Set<String> proven = match(signed.manifest(), model, bound != null, findings, ignoredSigned);
    if (!findings.isEmpty() || proven.isEmpty()) {
      return new ProvenanceResult(List.of(), findings);
    }
    Proof.Builder proof =
        Proof.builder(id(), Technique.SIGNATURE)
            .signer(signerOf(signed.identities(), policy.identity))
            .source(policy.signatureFile)
            .attribute(PAYLOAD_SHA256, signed.payloadSha256().hex());
    for (DigestedFile f : model.files()) {
      if (proven.contains(f.name())) {
        proof.file(f);
      }
    }
    if (!ignoredSigned.isEmpty()) {
      proof.attribute(
          Proof.IGNORED_FILES, dev.safeload.verify.internal.pins.PinNames.summary(ignoredSigned));
    }
    return ProvenanceResult.of(proof.build());
  }

  /**
   * Verifies a signature bundle on its own (no files): the signature, the trust policy, revocation
   * of the signer, and the manifest's consistency. The result's file digests can serve as pins.
   *
   * @throws SignatureVerificationException with the reason code if anything fails
   */
  public SignedManifest verifySignature(byte[] bundle) throws SignatureVerificationException {
    return verifyBundle(bundle);
  }

  private SignedManifest verifyBundle(byte[] bundleBytes) throws SignatureVerificationException {
    try {
      return verifyBundleOrThrow(bundleBytes);
    } catch (RuntimeException e) {
      // Fail closed with a reason: the bundle is the model's, and forModel must not throw an
      // unchecked exception at its caller for one (the attestation verifier does the same).
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_BUNDLE_INVALID, "the bundle could not be verified: " + e, e);
    }
  }

  private SignedManifest verifyBundleOrThrow(byte[] bundleBytes)
      throws SignatureVerificationException {
    Bundle b = Bundle.parse(bundleBytes);
    BundleVerifier.Options o =
        new BundleVerifier.Options(
            policy.keys,
            policy.anchors,
            policy.trustedRoot,
            policy.validationTime,
            policy.identity,
            policy.issuer,
            policy.subject,
            policy.fingerprint,
            policy.allowLegacyV02);
    BundleVerifier.Verified v = BundleVerifier.verifyDsse(b, o);
    byte[] payload = Objects.requireNonNull(v.payload()); // a verified DSSE bundle has its payload
    Sha256 payloadSha = Sha256.hash(payload);
    if (policy.revocations != null) {
      Optional<String> why = policy.revocations.revokedSigner(v.identities());
      if (why.isPresent()) {
        throw new SignatureVerificationException(
            VerifyReason.REVOKED_SIGNER, "signer " + v.signer() + " is revoked: " + why.get());
      }
    }
    OmsManifest m = OmsManifest.parse(payload, policy.allowLegacyV02);
    return new SignedManifest(m, v.signer(), v.identities(), payloadSha);
  }

  /** Compares the manifest with the served files; returns the proven names or adds findings. */
  private static Set<String> match(
      OmsManifest m,
      DigestedModel model,
      boolean patternsApplied,
      List<Finding> findings,
      List<String> ignoredSigned) {
    Set<String> proven = new HashSet<>();
    List<DigestedFile> files = model.files();
    if (!m.hashType.equals("sha256")) {
      findings.add(
          new Finding(
              VerifyReason.SIGNATURE_SERIALIZATION_UNSUPPORTED,
              null,
              Finding.NO_OFFSET,
              "the manifest uses " + m.hashType + "; the loader proves files with SHA-256 only"));
      return proven;
    }
    Map<String, List<OmsManifest.Resource>> byPath = new LinkedHashMap<>();
    if (m.singleFile()) {
      // "." is the model itself: valid only when the model is one file.
      if (model.isDirectory() || files.size() != 1) {
        findings.add(
            new Finding(
                VerifyReason.SIGNATURE_FILE_MISMATCH,
                null,
                Finding.NO_OFFSET,
                "the signature covers a single file but the model is a directory"));
        return proven;
      }
      byPath.put(files.get(0).name(), m.resources);
    } else {
      for (OmsManifest.Resource r : m.resources) {
        byPath.computeIfAbsent(r.path(), k -> new ArrayList<>()).add(r);
      }
    }
    List<RangeCheck> ranges = new ArrayList<>();
    @Nullable SignatureIgnores hint = patternsApplied ? null : new SignatureIgnores(m);
    for (DigestedFile f : files) {
      List<OmsManifest.Resource> rs = byPath.get(f.name());
      if (rs == null) {
        findings.add(
            new Finding(
                VerifyReason.SIGNATURE_FILE_NOT_SIGNED,
                f.name(),
                Finding.NO_OFFSET,
                hint != null && hint.covers(f.name())
                    ? "the signature ignores this file, but the loader read it: build the verifier with"
                        + " forModel(path) (the CLI does) so the signature's ignore list applies"
                    : "the file is not listed in the signed manifest and will not be served"));
        continue;
      }
      if (rs.get(0).start() < 0) { // files mode: one whole-file digest
        checkWholeFile(f, rs.get(0), "signed digest", proven, findings);
        continue;
      }
      // Shards mode: the shards must tile [0, size) exactly, in any listed order.
      List<OmsManifest.Resource> sorted = new ArrayList<>(rs);
      sorted.sort(java.util.Comparator.comparingLong(OmsManifest.Resource::start));
      long next = 0;
      boolean tiled = true;
      for (OmsManifest.Resource r : sorted) {
        tiled &= r.start() == next;
        next = r.end();
      }
      if (!tiled || next != f.size()) {
        findings.add(
            new Finding(
                VerifyReason.SIGNATURE_FILE_MISMATCH,
                f.name(),
                Finding.NO_OFFSET,
                "the signed shards do not cover the file's " + f.size() + " bytes exactly"));
        continue;
      }
      if (sorted.size() == 1) { // one shard is the whole file: the loader's digest decides
        checkWholeFile(f, sorted.get(0), "signed shard digest", proven, findings);
        continue;
      }
      sorted.forEach(r -> ranges.add(new RangeCheck(f.name(), r)));
    }
    if (!ranges.isEmpty()) {
      checkRanges(model, ranges, proven, findings);
    }
    Set<String> ignored = new HashSet<>(model.ignoredFiles());
    Set<String> refused = new HashSet<>(model.unservedFiles());
    for (Map.Entry<String, List<OmsManifest.Resource>> e : byPath.entrySet()) {
      String path = e.getKey();
      if (model.file(path).isPresent()) {
        continue;
      }
      Optional<ByteBuffer> side = model.sideFile(path);
      if (side.isPresent()) {
        // Read for another verifier and never served, but present: it must be what was signed,
        // as a pinned side file must match its pin.
        if (!sideFileMatches(e.getValue(), side.get())) {
          findings.add(
              new Finding(
                  VerifyReason.SIGNATURE_FILE_MISMATCH,
                  path,
                  Finding.NO_OFFSET,
                  "this side file (read by another verifier) differs from its signed digest"));
        }
      } else if (ignored.contains(path)) {
        ignoredSigned.add(path); // present, left out on purpose, never served: nothing to prove
      } else if (!refused.contains(path)) { // a refused (e.g. unreadable) file has its own finding
        findings.add(
            new Finding(
                VerifyReason.SIGNATURE_FILE_MISSING,
                path,
                Finding.NO_OFFSET,
                "the signed manifest lists this file but the model lacks it"));
      }
    }
    return proven;
  }

  /**
   * The manifest's own ignore list (paths and safeload patterns), only to explain a rejection: when
   * the loader did not apply it, a file it covers is unsigned for a reason worth naming. Patterns
   * are compiled once, and only the first {@value #MAX_HINTS} names are looked at, so a model of
   * many unsigned files costs no more than its findings.
   */
  private static final class SignatureIgnores {
    static final int MAX_HINTS = 100;
    final List<String> paths;
    final List<FileGlob> globs = new ArrayList<>();
    int asked;

    SignatureIgnores(OmsManifest m) {
      paths = m.ignorePaths;
      m.ignorePatterns.forEach(
          p -> globs.add(FileGlob.of(p))); // validated when the manifest was parsed
    }

    boolean covers(String name) {
      if (++asked > MAX_HINTS) {
        return false;
      }
      for (String p : paths) {
        if (name.equals(p) || name.startsWith(p + "/")) {
          return true;
        }
      }
      return globs.stream().anyMatch(g -> g.matches(name));
    }
  }

  /**
   * Whether a side file's bytes (at most the loader's side-file limit) are what its resources sign:
   * one whole-file digest, or shards that tile the bytes exactly, each hashed here.
   */
  private static boolean sideFileMatches(List<OmsManifest.Resource> rs, ByteBuffer bytes) {
    List<OmsManifest.Resource> sorted = new ArrayList<>(rs);
    sorted.sort(java.util.Comparator.comparingLong(OmsManifest.Resource::start));
    long next = 0;
    for (OmsManifest.Resource r : sorted) {
      boolean whole = r.start() < 0;
      if (!whole && r.start() != next) {
        return false;
      }
      long end = whole ? bytes.remaining() : r.end();
      if (end > bytes.remaining()) {
        return false;
      }
      MessageDigest md = Sha256.newMessageDigest();
      md.update(
          bytes
              .duplicate()
              .position(bytes.position() + (int) Math.max(0, r.start()))
              .limit(bytes.position() + (int) end));
      if (!MessageDigest.isEqual(md.digest(), r.digest())) {
        return false;
      }
      next = end;
    }
    return next == bytes.remaining();
  }

  /** One digest covers the whole file: the loader's own digest of the verified bytes decides. */
  private static void checkWholeFile(
      DigestedFile f,
      OmsManifest.Resource signed,
      String what,
      Set<String> proven,
      List<Finding> findings) {
    if (f.requireSha256().equals(Sha256.of(signed.digest()))) {
      proven.add(f.name());
    } else {
      findings.add(
          new Finding(
              VerifyReason.SIGNATURE_FILE_MISMATCH,
              f.name(),
              Finding.NO_OFFSET,
              "the file's SHA-256 differs from the " + what));
    }
  }

  private record RangeCheck(String file, OmsManifest.Resource shard) {}

  /**
   * Compares shard ranges of the verified bytes with their signed digests. The loader runs
   * verifiers on its own threads and provides the range digests; this verifier starts no threads of
   * its own.
   */
  private static void checkRanges(
      DigestedModel model, List<RangeCheck> ranges, Set<String> proven, List<Finding> findings) {
    Map<String, ReasonCode> failed = new LinkedHashMap<>();
    for (RangeCheck c : ranges) {
      if (failed.get(c.file()) == VerifyReason.SIGNATURE_FILE_MISMATCH) {
        continue; // one wrong shard settles the file
      }
      Optional<Sha256> got = model.rangeSha256(c.file(), c.shard().start(), c.shard().end());
      if (got.isEmpty()) {
        failed.putIfAbsent(c.file(), VerifyReason.SIGNATURE_SERIALIZATION_UNSUPPORTED);
      } else if (!got.get().equals(Sha256.of(c.shard().digest()))) {
        failed.put(c.file(), VerifyReason.SIGNATURE_FILE_MISMATCH);
      }
    }
    Set<String> reported = new HashSet<>();
    findings.forEach(f -> reported.add(f.file()));
    for (RangeCheck c : ranges) {
      ReasonCode r = failed.get(c.file());
      if (r == null) {
        proven.add(c.file());
      } else if (reported.add(c.file())) {
        findings.add(
            new Finding(
                r,
                c.file(),
                Finding.NO_OFFSET,
                r == VerifyReason.SIGNATURE_FILE_MISMATCH
                    ? "a signed shard's SHA-256 differs from the file's bytes"
                    : "the loader cannot provide digests of byte ranges of this file"));
      }
    }
  }

  /**
   * The signer as a {@link Signer}, from the {@code kind:value} identities bundle verification
   * found: a key by its fingerprint; a certificate by the subject alternative name the policy
   * required (else its first one, else its subject) and, for a Sigstore certificate, its OpenID
   * Connect issuer.
   */
  static Signer signerOf(List<String> identities, @Nullable String required) {
    String san = null;
    String subject = null;
    String issuer = null;
    for (String id : identities) {
      if (id.startsWith("key:")) {
        return Signer.publicKey(id.substring("key:".length()));
      } else if (id.startsWith("san:") && (san == null || id.substring(4).equals(required))) {
        san = id.substring(4);
      } else if (id.startsWith("subject:") && subject == null) {
        subject = id.substring("subject:".length());
      } else if (id.startsWith("issuer:") && issuer == null) {
        issuer = id.substring("issuer:".length());
      }
    }
    String name = san != null && !san.isEmpty() ? san : subject;
    if (name == null || name.isEmpty()) {
      throw new IllegalStateException(
          "a verified signature without a signer identity: " + identities);
    }
    return Signer.certificate(name, issuer == null || issuer.isEmpty() ? null : issuer);
  }

  private static ProvenanceResult reject(Finding f) {
    return ProvenanceResult.rejected(f);
  }

  @Override
  public String toString() {
    return "ModelSignatureVerifier[" + policy + "]";
  }
}
