package dev.safeload.cli;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.SafeloadVersion;
import dev.safeload.provenance.Proof;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code scan} or {@code verify} found, as data: the one model the table, JSON and SARIF
 * renderers read ({@link TableReport}, {@link JsonReport}, {@link SarifReport}), so they cannot
 * disagree.
 *
 * @param command the subcommand that ran ({@code scan} or {@code verify})
 * @param results one entry per command-line argument, with its scan report
 * @param proofs how the files' provenance was proven (empty for {@code scan})
 */
record Report(String command, List<Scanned> results, List<ProofEntry> proofs) {

  Report {
    results = List.copyOf(results);
    proofs = List.copyOf(proofs);
  }

  /**
   * A report whose proofs are the ones the loader kept ({@link dev.safeload.ScanReport#proofs()}),
   * one entry per proof, stated in words; nothing is recomputed here.
   */
  static Report withProofs(String command, List<Scanned> results) {
    List<ProofEntry> proofs = new java.util.ArrayList<>();
    for (Scanned sc : results) {
      for (Proof p : sc.report().proofs()) {
        proofs.add(
            new ProofEntry(
                p.technique().name().toLowerCase(java.util.Locale.ROOT),
                VerifyCommand.statement(p, sc.report()),
                p.fileNames().stream().map(sc::display).toList()));
      }
    }
    return new Report(command, results, proofs);
  }

  /** A report without proofs. */
  Report(String command, List<Scanned> results) {
    this(command, results, List.of());
  }

  /**
   * One proof of provenance.
   *
   * @param technique how it was proven: {@code pin}, {@code signature} or {@code attestation}
   * @param claim what the verifier stated
   * @param files the proven files, as the report shows their paths, sorted
   */
  record ProofEntry(String technique, String claim, List<String> files) {
    ProofEntry {
      files = files.stream().sorted().toList();
    }
  }

  /**
   * Counts over the whole report.
   *
   * @param files files reported (read or not)
   * @param accepted files accepted
   * @param rejected files rejected
   * @param modelFindings findings about a model as a whole
   * @param ignored files left out by an ignore pattern
   * @param findings findings of every kind
   * @param byReason how many findings each reason code has, sorted by code
   */
  record Summary(
      int files,
      int accepted,
      int rejected,
      int modelFindings,
      int ignored,
      int findings,
      Map<String, Integer> byReason) {}

  /** The tool's version, as {@code --version} prints it. */
  String toolVersion() {
    return SafeloadVersion.get();
  }

  /** The exit code this report calls for ({@link Scans#exitCode(List)}). */
  int exitCode() {
    return Scans.exitCode(results);
  }

  /** Whether something could not be read. */
  boolean ioError() {
    return Scans.ioErrors(results) > 0;
  }

  /** Whether every file and every model was accepted. */
  boolean accepted() {
    return results.stream().allMatch(s -> s.report().accepted());
  }

  Summary summary() {
    int accepted = 0;
    int rejected = 0;
    int model = 0;
    int ignored = 0;
    int findings = 0;
    Map<String, Integer> byReason = new TreeMap<>();
    for (Scanned s : results) {
      for (FileReport f : s.report().files()) {
        if (f.accepted()) {
          accepted++;
        } else {
          rejected++;
        }
      }
      model += s.report().modelFindings().size();
      ignored += s.ignored().size();
      for (Finding x : s.report().findings()) {
        findings++;
        byReason.merge(x.reason().code(), 1, Integer::sum);
      }
    }
    return new Summary(accepted + rejected, accepted, rejected, model, ignored, findings, byReason);
  }
}
