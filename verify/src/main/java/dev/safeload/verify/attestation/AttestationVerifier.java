package dev.safeload.verify.attestation;

import dev.safeload.Finding;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.provenance.Signer;
import dev.safeload.provenance.Technique;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.attestation.Attestations;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Proves model files by build-provenance attestations (GitHub artifact attestations: Sigstore
 * bundles whose DSSE envelope holds an in-toto statement with SLSA provenance v1), verified offline
 * against the policy's trusted root. A served file is proven when a verified attestation names its
 * digest as a subject: its SHA-256 from the loader's single pass, or, for subjects that give only a
 * SHA-512 (npm), the SHA-512 the loader computes on request over the same verified bytes ({@link
 * DigestedModel#sha512}). Subject names are informational and never matched.
 *
 * <pre>{@code
 * AttestationPolicy policy = AttestationPolicy.repository("acme/models", Path.of("trusted_root.json"))
 *     .denySelfHostedRunners().build();
 * SafeModelLoader loader = SafeModelLoader.builder()
 *     .verifier(AttestationVerifier.of(policy).withBundles(Path.of("model.intoto.jsonl")))
 *     .build();
 * }</pre>
 *
 * <p>Bundles come from files ({@link #withBundles(Path)}: JSON lines, one bundle a line, for a
 * {@code .jsonl} file, else one bundle a file) or bytes, any number, and are verified once, when
 * added; or from files inside the model directory ({@link #withSideFile}), which the loader reads
 * beside the model and never serves, verified with each model. Rules:
 *
 * <ul>
 *   <li>every given bundle must verify and satisfy the policy; one that does not rejects the model
 *       with its own reason (a bundle that fails is never silently skipped);
 *   <li>with a required policy (the default), every served file must be named by a verified
 *       attestation ({@link VerifyReason#ATTESTATION_SUBJECT_MISMATCH}) and at least one bundle
 *       must be given ({@link VerifyReason#ATTESTATION_MISSING});
 *   <li>with an optional policy, attestations prove the files they name and leave the others to
 *       other proofs.
 * </ul>
 *
 * Immutable and thread-safe; {@code with…} methods return new verifiers.
 */
public final class AttestationVerifier implements ProvenanceVerifier {
  /** Most bundles one verifier holds. */
  public static final int MAX_BUNDLES = 1024;

  /** Largest bundle file read. */
  public static final int MAX_FILE_BYTES = 64 << 20;

  /** One given bundle: where it came from, and either what it proved or why it failed. */
  private record Given(
      String source,
      @Nullable BuildProvenance verified,
      @Nullable SignatureVerificationException failure) {}

  /**
   * What the attestations establish for one model.
   *
   * @param files each proven file's name with the attestations that name it (in the order given)
   * @param findings problems; any finding rejects the model
   * @param unused verified attestations that name no served file
   */
  public record Outcome(
      Map<String, List<BuildProvenance>> files,
      List<Finding> findings,
      List<BuildProvenance> unused) {
    public Outcome {
      Map<String, List<BuildProvenance>> copy = new LinkedHashMap<>();
      files.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      files = java.util.Collections.unmodifiableMap(copy);
      findings = List.copyOf(findings);
      unused = List.copyOf(unused);
    }
  }

  private final AttestationPolicy policy;
  private final List<Given> given;

  /** Names of bundle files inside the model directory, read by the loader as side files. */
  private final Set<String> sideFiles;

  private AttestationVerifier(AttestationPolicy policy, List<Given> given, Set<String> sideFiles) {
    this.policy = policy;
    this.given = List.copyOf(given);
    this.sideFiles = Set.copyOf(sideFiles);
  }

  /** A verifier with no bundles yet: add them with {@link #withBundles} or {@link #withBundle}. */
  public static AttestationVerifier of(AttestationPolicy policy) {
    return new AttestationVerifier(Objects.requireNonNull(policy), List.of(), Set.of());
  }

  /**
   * Adds the bundles of a file: a {@code .jsonl} file holds one bundle a line (blank lines skipped,
   * as {@code gh attestation download} writes them), any other file exactly one bundle.
   *
   * @throws IOException if the file cannot be read, is not a regular file, or is larger than
   *     {@value #MAX_FILE_BYTES} bytes
   */
  public AttestationVerifier withBundles(Path file) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(file + ": not a regular file");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new IOException(file + ": larger than " + MAX_FILE_BYTES + " bytes");
    }
    String name = String.valueOf(file.getFileName());
    return name.endsWith(".jsonl") ? withJsonLines(bytes, name) : withBundle(bytes, name);
  }

  /** Adds one bundle (Sigstore bundle JSON); {@code source} names it in reports. */
  public AttestationVerifier withBundle(byte[] bundleJson, String source) {
    List<Given> all = new ArrayList<>(given);
    all.add(check(bundleJson.clone(), source));
    return grown(all);
  }

  /**
   * Adds the bundles of a JSON-lines text, one a line; {@code source} names the text in reports.
   */
  public AttestationVerifier withJsonLines(byte[] jsonl, String source) {
    List<Given> all = new ArrayList<>(given);
    int start = 0;
    int line = 0;
    while (start <= jsonl.length) {
      int end = start;
      while (end < jsonl.length && jsonl[end] != '\n') {
        end++;
      }
      line++;
      byte[] one =
          Arrays.copyOfRange(jsonl, start, end > start && jsonl[end - 1] == '\r' ? end - 1 : end);
      if (!blank(one)) {
        if (all.size() >= MAX_BUNDLES) {
          all.add(
              new Given(
                  source,
                  null,
                  new SignatureVerificationException(
                      VerifyReason.SIGNATURE_BUNDLE_INVALID,
                      "more than " + MAX_BUNDLES + " attestation bundles")));
          break;
        }
        all.add(check(one, source + " line " + line));
      }
      start = end + 1;
    }
    return grown(all);
  }

  private AttestationVerifier grown(List<Given> all) {
    if (all.size() > MAX_BUNDLES) {
      Given last =
          new Given(
              "attestations",
              null,
              new SignatureVerificationException(
                  VerifyReason.SIGNATURE_BUNDLE_INVALID,
                  "more than " + MAX_BUNDLES + " attestation bundles"));
      all = new ArrayList<>(all.subList(0, MAX_BUNDLES - 1));
      all.add(last);
    }
    return new AttestationVerifier(policy, all, sideFiles);
  }

  /**
   * Also reads bundles that ship inside the model directory: {@code name} (relative to the model
   * root, e.g. {@code model.intoto.jsonl}; {@code .jsonl} for one bundle a line) is read by the
   * loader as a side file, never served, and its bundles are verified when the model is. An absent
   * side file adds nothing (a required policy still needs some attestation).
   *
   * @throws IllegalArgumentException if {@code name} is not a plain relative path
   */
  public AttestationVerifier withSideFile(String name) {
    if (name.isEmpty()
        || name.startsWith("/")
        || name.contains("\\")
        || name.endsWith("/")
        || java.util.Arrays.stream(name.split("/", -1))
            .anyMatch(p -> p.isEmpty() || p.equals(".") || p.equals(".."))) {
      throw new IllegalArgumentException(
          "a side file is a relative path inside the model, got '" + name + "'");
    }
    Set<String> names = new LinkedHashSet<>(sideFiles);
    names.add(name);
    return new AttestationVerifier(policy, given, names);
  }

  @Override
  public Set<String> sideFiles() {
    return sideFiles;
  }

  private static boolean blank(byte[] b) {
    for (byte x : b) {
      if (x != ' ' && x != '\t' && x != '\r') {
        return false;
      }
    }
    return true;
  }

  private Given check(byte[] bundle, String source) {
    try {
      return new Given(source, Attestations.verify(bundle, policy.rules(), source), null);
    } catch (SignatureVerificationException e) {
      return new Given(source, null, e);
    } catch (RuntimeException e) {
      // Fail closed: an unexpected error in a parser is a rejection of this bundle, never a pass.
      return new Given(
          source,
          null,
          new SignatureVerificationException(
              VerifyReason.SIGNATURE_BUNDLE_INVALID, "the bundle could not be verified: " + e, e));
    }
  }

  /**
   * The attestations added with {@code with…} that verified and satisfy the policy, in the order
   * given (bundles in side files are verified with each model; see {@link #attest}).
   */
  public List<BuildProvenance> attestations() {
    return given.stream().map(Given::verified).filter(Objects::nonNull).toList();
  }

  /**
   * The first problem with the given bundles, if any: the reason a model would be rejected before
   * any file is looked at.
   */
  public Optional<SignatureVerificationException> failure() {
    return given.stream().map(Given::failure).filter(Objects::nonNull).findFirst();
  }

  @Override
  public String id() {
    return "slsa-attestation";
  }

  /**
   * One {@link Technique#ATTESTATION} proof per verified attestation that names a served file: its
   * signer is the certificate's identity and OIDC issuer, its attributes the build's source
   * repository, commit, ref, signing workflow and runner environment, as the certificate records
   * them. An attestation that names no served file proves nothing and is left out.
   */
  @Override
  public ProvenanceResult verify(DigestedModel model) {
    Outcome o = attest(model);
    if (!o.findings().isEmpty()) {
      return new ProvenanceResult(List.of(), o.findings());
    }
    // Identity, not equals: a record with many subjects is costly to hash, and each bundle counts
    // once.
    Map<BuildProvenance, List<DigestedFile>> proven = new IdentityHashMap<>();
    List<BuildProvenance> order = new ArrayList<>();
    for (Map.Entry<String, List<BuildProvenance>> e : o.files().entrySet()) {
      DigestedFile file = model.file(e.getKey()).orElseThrow();
      for (BuildProvenance p : e.getValue()) {
        proven
            .computeIfAbsent(
                p,
                k -> {
                  order.add(k);
                  return new ArrayList<>();
                })
            .add(file);
      }
    }
    List<Proof> proofs = new ArrayList<>();
    for (BuildProvenance p : order) {
      proofs.add(proof(p, Objects.requireNonNull(proven.get(p)))); // order lists proven's keys
    }
    return new ProvenanceResult(proofs, List.of());
  }

  private Proof proof(BuildProvenance p, List<DigestedFile> files) {
    Proof.Builder b =
        Proof.builder(id(), Technique.ATTESTATION)
            .signer(Signer.certificate(p.identity(), p.issuer()))
            .files(files)
            .source(p.source())
            .attribute(Proof.SOURCE_REPOSITORY, p.sourceRepositoryUri());
    optional(b, Proof.SOURCE_COMMIT, p.commit());
    optional(b, Proof.SOURCE_REF, p.ref());
    optional(b, Proof.SIGNER_WORKFLOW, p.signerWorkflow());
    optional(b, Proof.RUNNER_ENVIRONMENT, p.runnerEnvironment());
    return b.build();
  }

  private static void optional(Proof.Builder b, String key, @Nullable String value) {
    if (value != null) {
      b.attribute(key, value);
    }
  }

  /** Matches the model's served files against the verified attestations' subjects. */
  public Outcome attest(DigestedModel model) {
    List<Given> all = new ArrayList<>(given);
    for (String name : sideFiles) {
      Optional<java.nio.ByteBuffer> side = model.sideFile(name);
      if (side.isPresent()) {
        byte[] b = new byte[side.get().remaining()];
        side.get().get(b);
        AttestationVerifier more =
            name.endsWith(".jsonl")
                ? of(policy).withJsonLines(b, name)
                : of(policy).withBundle(b, name);
        all.addAll(more.given);
      }
    }
    List<Finding> findings = new ArrayList<>();
    for (Given g : all) {
      if (g.failure() != null) {
        findings.add(
            new Finding(
                g.failure().reason(),
                null,
                Finding.NO_OFFSET,
                "attestation " + g.source() + ": " + g.failure().getMessage()));
      }
    }
    if (!findings.isEmpty()) {
      return new Outcome(Map.of(), findings, List.of());
    }
    List<BuildProvenance> verified =
        all.stream().map(Given::verified).filter(Objects::nonNull).toList();
    if (verified.isEmpty()) {
      if (policy.required()) {
        findings.add(
            new Finding(
                VerifyReason.ATTESTATION_MISSING,
                null,
                Finding.NO_OFFSET,
                "no build-provenance attestation was given; the policy requires one from "
                    + policy.repository()));
      }
      return new Outcome(Map.of(), findings, List.of());
    }
    // Subject digests -> attestations, so each file is one lookup (linear in subjects plus files).
    Map<String, List<BuildProvenance>> bySha256 = new HashMap<>();
    Map<String, List<BuildProvenance>> bySha512 = new HashMap<>();
    for (BuildProvenance p : verified) {
      for (BuildProvenance.Subject s : p.subjects()) {
        if (s.sha256() != null) {
          addOnce(bySha256, s.sha256(), p);
        }
        if (s.sha512() != null) {
          addOnce(bySha512, s.sha512(), p);
        }
      }
    }
    Map<String, List<BuildProvenance>> files = new LinkedHashMap<>();
    Set<BuildProvenance> used = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    HexFormat hex = HexFormat.of();
    for (DigestedFile f : model.files()) {
      List<BuildProvenance> by =
          new ArrayList<>(bySha256.getOrDefault(f.requireSha256().hex(), List.of()));
      boolean sha512Known = false;
      if (!bySha512.isEmpty()) {
        Optional<byte[]> d = model.sha512(f.name());
        sha512Known = d.isPresent();
        if (d.isPresent()) {
          for (BuildProvenance p : bySha512.getOrDefault(hex.formatHex(d.get()), List.of())) {
            if (by.stream().noneMatch(q -> q == p)) {
              by.add(p);
            }
          }
        }
      }
      if (!by.isEmpty()) {
        files.put(f.name(), by);
        used.addAll(by);
      } else if (policy.required()) {
        findings.add(
            new Finding(
                VerifyReason.ATTESTATION_SUBJECT_MISMATCH,
                f.name(),
                Finding.NO_OFFSET,
                "no verified attestation names this file's digest (sha256:"
                    + f.requireSha256().hex()
                    + ")"
                    + (!bySha512.isEmpty() && !sha512Known
                        ? "; some subjects give only SHA-512, which this loader"
                            + " cannot compute for the file"
                        : "")));
      }
    }
    List<BuildProvenance> unused = verified.stream().filter(p -> !used.contains(p)).toList();
    return new Outcome(findings.isEmpty() ? files : Map.of(), findings, unused);
  }

  private static void addOnce(
      Map<String, List<BuildProvenance>> m, String digest, BuildProvenance p) {
    List<BuildProvenance> l = m.computeIfAbsent(digest, k -> new ArrayList<>(1));
    if (l.isEmpty() || l.get(l.size() - 1) != p) {
      l.add(p);
    }
  }

  @Override
  public String toString() {
    return "AttestationVerifier[" + policy + ", " + given.size() + " bundle(s)]";
  }
}
