package dev.safeload.internal;

import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.ProofRequirement;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.provenance.Sha256;
import dev.safeload.provenance.Technique;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * Stage 5: where the bytes came from. Every verifier (pins, signatures, attestations, revocations)
 * reads the digests of the single pass, on the loader's threads; their proofs are kept whole. The
 * rule that every served file must be proven as the policy's {@link ProofRequirement} says, with
 * {@link Reason#UNPROVEN_FILE} when it is not, is decided here and nowhere else.
 */
final class Proofs {

  /**
   * The files with the verifiers' findings (and the requirement's) added, findings about the model
   * as a whole, and every proof, checked against the digests it claims.
   */
  record Result(List<CheckedFile> files, List<Finding> modelFindings, List<Proof> proofs) {
    /** The proofs that cover the file with this name, in verifier order. */
    List<Proof> covering(String name) {
      return Proof.covering(proofs, name);
    }
  }

  /** Ranges hashed after the pass because no verifier declared their shard size: a test hook. */
  static final java.util.concurrent.atomic.AtomicLong RANGES_HASHED =
      new java.util.concurrent.atomic.AtomicLong();

  private final List<ProvenanceVerifier> verifiers;
  private final ProofRequirement requirement;
  private final @Nullable ExecutorService pool;

  /**
   * @param requirement what each served file needs; {@link ProofRequirement#none()} when this run
   *     does not apply it (a scan that did not ask)
   * @param pool the loader's threads, or null to run the verifiers one after another here
   */
  Proofs(
      List<ProvenanceVerifier> verifiers,
      ProofRequirement requirement,
      @Nullable ExecutorService pool) {
    this.verifiers = List.copyOf(verifiers);
    this.requirement = requirement;
    this.pool = pool;
  }

  Result check(List<CheckedFile> files, ModelWalk.Result walk) {
    List<DigestedFile> digested = new ArrayList<>();
    Map<String, CheckedFile> byName = new HashMap<>();
    for (CheckedFile f : files) {
      byName.put(f.name(), f);
      if (f.read()) {
        digested.add(new DigestedFile(f.name(), f.readData().size(), f.sha256(), f.shards()));
      }
    }
    DigestedModel model = new Digests(walk, List.copyOf(digested), byName);
    Map<String, List<Finding>> perFile = new HashMap<>();
    List<Finding> modelFindings = new ArrayList<>();
    List<Proof> proofs = new ArrayList<>();
    List<Outcome> outcomes = runAll(model);
    for (int i = 0; i < verifiers.size(); i++) {
      ProvenanceVerifier v = verifiers.get(i);
      Outcome o = outcomes.get(i);
      if (o.failure() != null) {
        modelFindings.add(
            new Finding(
                Reason.VERIFIER_ERROR,
                null,
                Finding.NO_OFFSET,
                "verifier " + v.id() + " failed: " + o.failure()));
        continue;
      }
      ProvenanceResult r = Objects.requireNonNull(o.result());
      for (Proof p : r.proofs()) {
        String wrong = misstated(p, v, model);
        if (wrong == null) {
          proofs.add(p);
        } else {
          // A proof of other bytes than the ones served proves nothing; the verifier is broken.
          modelFindings.add(
              new Finding(
                  Reason.VERIFIER_ERROR,
                  null,
                  Finding.NO_OFFSET,
                  "verifier " + v.id() + " returned a proof that " + wrong));
        }
      }
      for (Finding finding : r.findings()) {
        if (finding.file() != null && byName.containsKey(finding.file())) {
          perFile.computeIfAbsent(finding.file(), k -> new ArrayList<>()).add(finding);
        } else {
          modelFindings.add(finding);
        }
      }
    }
    Map<String, List<Proof>> coverage = new HashMap<>();
    for (Proof p : proofs) {
      p.fileNames().forEach(n -> coverage.computeIfAbsent(n, k -> new ArrayList<>()).add(p));
    }
    List<CheckedFile> out = new ArrayList<>();
    for (CheckedFile f : files) {
      List<Finding> more = new ArrayList<>(perFile.getOrDefault(f.name(), List.of()));
      if (f.read()) {
        Set<Technique> missing = requirement.missing(coverage.getOrDefault(f.name(), List.of()));
        if (!missing.isEmpty()) {
          more.add(
              new Finding(Reason.UNPROVEN_FILE, f.name(), Finding.NO_OFFSET, unproven(missing)));
        }
      }
      out.add(f.with(more));
    }
    return new Result(out, modelFindings, proofs);
  }

  /** Why the requirement is not met, in words: which techniques are missing. */
  private String unproven(Set<Technique> missing) {
    if (verifiers.isEmpty()) {
      return "no pins or signatures configured; the policy requires proof of provenance";
    }
    if (requirement.techniques().isEmpty()) {
      return "no pin, signature or attestation covers this file";
    }
    return "no "
        + words(missing, " or ")
        + " covers this file; the policy requires "
        + words(requirement.techniques(), " and ");
  }

  private static String words(Set<Technique> ts, String joiner) {
    return String.join(joiner, ts.stream().map(t -> t.name().toLowerCase(Locale.ROOT)).toList());
  }

  /**
   * Why a proof cannot stand, or null if it can: it must come from the verifier that returned it
   * and name only served files with exactly the size and digest the single pass computed.
   */
  private static @Nullable String misstated(Proof p, ProvenanceVerifier v, DigestedModel model) {
    if (!p.verifier().equals(v.id())) {
      return "names another verifier, " + p.verifier();
    }
    for (DigestedFile f : p.files()) {
      Optional<DigestedFile> served = model.file(f.name());
      if (served.isEmpty()) {
        return "covers " + f.name() + ", which is not served";
      }
      if (!served.get().equals(f)) {
        return "covers other bytes than the served " + f.name();
      }
    }
    return null;
  }

  /** A verifier's result, or what it threw. */
  private record Outcome(@Nullable ProvenanceResult result, @Nullable RuntimeException failure) {}

  /**
   * Runs every verifier, on the loader's threads when there are some; results in verifier order.
   */
  private List<Outcome> runAll(DigestedModel model) {
    List<Outcome> out = new ArrayList<>();
    if (pool == null || verifiers.size() < 2) {
      verifiers.forEach(v -> out.add(run(v, model)));
      return out;
    }
    List<Future<Outcome>> futures = new ArrayList<>();
    for (ProvenanceVerifier v : verifiers) {
      futures.add(pool.submit(() -> run(v, model)));
    }
    for (Future<Outcome> f : futures) {
      try {
        out.add(f.get());
      } catch (ExecutionException e) {
        // run() catches what a verifier throws, so only an Error gets here: it is not a finding.
        if (e.getCause() instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        futures.forEach(x -> x.cancel(true));
        throw new IllegalStateException("interrupted while verifying provenance", e);
      }
    }
    return out;
  }

  private static Outcome run(ProvenanceVerifier v, DigestedModel model) {
    try {
      return new Outcome(Objects.requireNonNull(v.verify(model), "result"), null);
    } catch (RuntimeException e) {
      return new Outcome(null, e);
    }
  }

  /** The digests of the single pass, as verifiers see them. */
  private record Digests(
      ModelWalk.Result walk, List<DigestedFile> files, Map<String, CheckedFile> byName)
      implements DigestedModel {
    @Override
    public boolean isDirectory() {
      return walk.directory();
    }

    @Override
    public Optional<DigestedFile> file(String name) {
      CheckedFile f = byName.get(name);
      return f == null || !f.read()
          ? Optional.empty()
          : Optional.of(new DigestedFile(name, f.readData().size(), f.sha256(), f.shards()));
    }

    @Override
    public Optional<ByteBuffer> sideFile(String name) {
      ByteBuffer b = walk.sideFiles().get(name);
      return b == null ? Optional.empty() : Optional.of(b.duplicate());
    }

    @Override
    public List<String> ignoredFiles() {
      return walk.ignored();
    }

    @Override
    public List<String> unservedFiles() {
      // Present but refused before or while reading: a link, a device, a colliding name, an
      // unreadable file.
      TreeSet<String> names = new TreeSet<>();
      byName.values().stream().filter(f -> !f.read()).forEach(f -> names.add(f.name()));
      walk.findings().stream().map(Finding::file).filter(Objects::nonNull).forEach(names::add);
      return List.copyOf(names);
    }

    @Override
    public Optional<byte[]> sha512(String name) {
      // Over the verified copy, as rangeSha256: the source is never opened again.
      CheckedFile f = byName.get(name);
      return f == null || !f.read()
          ? Optional.empty()
          : Optional.of(dev.safeload.internal.Digests.sha512(f.readData()));
    }

    @Override
    public Optional<Sha256> rangeSha256(String name, long start, long end) {
      CheckedFile f = byName.get(name);
      if (f == null || !f.read() || start < 0 || end < start || end > f.readData().size()) {
        return Optional.empty();
      }
      // A shard computed in the single pass is not hashed again.
      for (Map.Entry<Long, List<Sha256>> e : f.shards().entrySet()) {
        long s = e.getKey();
        if (start % s == 0
            && (end - start == s
                || (end == f.readData().size() && end - start < s && end > start))) {
          return Optional.of(e.getValue().get((int) (start / s)));
        }
      }
      RANGES_HASHED.incrementAndGet();
      return Optional.of(dev.safeload.internal.Digests.sha256Range(f.readData(), start, end));
    }
  }
}
