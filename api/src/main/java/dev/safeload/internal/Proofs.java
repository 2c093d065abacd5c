package dev.safeload.internal;

import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.provenance.Sha256;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Stage 5: where the bytes came from. Every verifier (pins, signatures, revocations) reads the digests
 * of the single pass; the rule that every served file must be proven, when the policy requires it, is
 * decided here and nowhere else.
 */
final class Proofs {

  /** The files with the verifiers' findings added, and what the verifiers established. */
  record Result(List<CheckedFile> files, List<Finding> modelFindings, List<String> claims) {}

  private final List<ProvenanceVerifier> verifiers;

  Proofs(List<ProvenanceVerifier> verifiers) {
    this.verifiers = verifiers;
  }

  Result check(List<CheckedFile> files, ModelWalk.Result walk, boolean requireProof) {
    List<DigestedFile> digested = new ArrayList<>();
    Map<String, CheckedFile> byName = new HashMap<>();
    for (CheckedFile f : files) {
      byName.put(f.name(), f);
      if (f.read()) {
        digested.add(new DigestedFile(f.name(), f.readData().size(), f.readSha256()));
      }
    }
    DigestedModel model = new Digests(walk, List.copyOf(digested), byName);
    Map<String, List<Finding>> perFile = new HashMap<>();
    List<Finding> modelFindings = new ArrayList<>();
    List<String> claims = new ArrayList<>();
    Set<String> proven = new HashSet<>();
    for (ProvenanceVerifier v : verifiers) {
      ProvenanceResult r;
      try {
        r = v.verify(model);
      } catch (RuntimeException e) {
        modelFindings.add(new Finding(Reason.VERIFIER_ERROR, null, Finding.NO_OFFSET,
            "verifier " + v.id() + " failed: " + e));
        continue;
      }
      proven.addAll(r.proven());
      claims.addAll(r.claims());
      for (Finding finding : r.findings()) {
        if (finding.file() != null && byName.containsKey(finding.file())) {
          perFile.computeIfAbsent(finding.file(), k -> new ArrayList<>()).add(finding);
        } else {
          modelFindings.add(finding);
        }
      }
    }
    List<CheckedFile> out = new ArrayList<>();
    for (CheckedFile f : files) {
      List<Finding> more = new ArrayList<>(perFile.getOrDefault(f.name(), List.of()));
      if (requireProof && f.read() && !proven.contains(f.name())) {
        more.add(new Finding(Reason.UNPROVEN_FILE, f.name(), Finding.NO_OFFSET,
            verifiers.isEmpty()
                ? "no pins or signatures configured; the policy requires proof of provenance"
                : "no pin or signature covers this file"));
      }
      out.add(f.with(more));
    }
    return new Result(out, modelFindings, claims);
  }

  /** The digests of the single pass, as verifiers see them. */
  private record Digests(ModelWalk.Result walk, List<DigestedFile> files, Map<String, CheckedFile> byName)
      implements DigestedModel {
    @Override
    public boolean isDirectory() {
      return walk.directory();
    }

    @Override
    public Optional<DigestedFile> file(String name) {
      CheckedFile f = byName.get(name);
      return f == null || !f.read() ? Optional.empty()
          : Optional.of(new DigestedFile(name, f.readData().size(), f.readSha256()));
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
      // Present but refused before or while reading: a link, a device, a colliding name, an unreadable file.
      java.util.TreeSet<String> names = new java.util.TreeSet<>();
      byName.values().stream().filter(f -> !f.read()).forEach(f -> names.add(f.name()));
      walk.findings().stream().map(Finding::file).filter(java.util.Objects::nonNull).forEach(names::add);
      return List.copyOf(names);
    }

    @Override
    public Optional<Sha256> rangeSha256(String name, long start, long end) {
      CheckedFile f = byName.get(name);
      if (f == null || !f.read() || start < 0 || end < start || end > f.readData().size()) {
        return Optional.empty();
      }
      return Optional.of(dev.safeload.internal.Digests.sha256Range(f.readData(), start, end));
    }
  }
}
