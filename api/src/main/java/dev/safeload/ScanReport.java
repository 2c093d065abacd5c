package dev.safeload;

import dev.safeload.provenance.Proof;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The findings of {@link SafeModelLoader#scan}: what {@code load} would have found, as data rather
 * than an exception, for reports, CI gates and the CLI.
 *
 * @param source the scanned path; for a model read from class-path resources or streams, a relative
 *     path naming the model (the last segment of {@code location})
 * @param files one report per file found, sorted by name
 * @param modelFindings findings about the model as a whole (missing pinned files, shard index
 *     mismatch)
 * @param ignoredFiles names of files present but left out by an ignore pattern (the policy's or one
 *     a pin file or signature recorded), sorted: neither read nor served
 * @param proofs every proof the verifiers made, in verifier order; each file's report lists those
 *     that cover it. Whether that is enough is already decided: a file that falls short of the
 *     policy's {@link LoadPolicy#requiredProof()} carries {@link Reason#UNPROVEN_FILE} when the
 *     scan applied it ({@link LoadPolicy#scansRequireProof()})
 * @param location where the model was read from, as reports and BOMs show it ({@link
 *     ModelSource#location()}; for a local model, its absolute path)
 */
public record ScanReport(
    Path source,
    List<FileReport> files,
    List<Finding> modelFindings,
    List<String> ignoredFiles,
    List<Proof> proofs,
    String location) {

  public ScanReport {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(location, "location");
    files = List.copyOf(files);
    modelFindings = List.copyOf(modelFindings);
    ignoredFiles = List.copyOf(ignoredFiles);
    proofs = List.copyOf(proofs);
  }

  /** A report of a local model, located at {@code source}. */
  public ScanReport(
      Path source,
      List<FileReport> files,
      List<Finding> modelFindings,
      List<String> ignoredFiles,
      List<Proof> proofs) {
    this(source, files, modelFindings, ignoredFiles, proofs, source.toString());
  }

  /** A report with no proofs. */
  public ScanReport(
      Path source, List<FileReport> files, List<Finding> modelFindings, List<String> ignoredFiles) {
    this(source, files, modelFindings, ignoredFiles, List.of());
  }

  /** A report with no ignored files. */
  public ScanReport(Path source, List<FileReport> files, List<Finding> modelFindings) {
    this(source, files, modelFindings, List.of(), List.of());
  }

  /** Whether every file and the model as a whole passed. */
  public boolean accepted() {
    return modelFindings.isEmpty() && files.stream().allMatch(FileReport::accepted);
  }

  /** Every finding: model-level ones first, then each file's in name order. */
  public List<Finding> findings() {
    List<Finding> all = new ArrayList<>(modelFindings);
    files.forEach(f -> all.addAll(f.findings()));
    return List.copyOf(all);
  }
}
