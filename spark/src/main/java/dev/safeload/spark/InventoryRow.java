package dev.safeload.spark;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.ScanReport;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.Sha256;
import dev.safeload.provenance.Signer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.jspecify.annotations.Nullable;

/** One inventory row as plain data (see {@link Inventory} for the columns). */
record InventoryRow(
    String model,
    @Nullable String file,
    @Nullable Long size,
    @Nullable String sha256,
    @Nullable String format,
    String verdict,
    List<FindingRow> findings,
    List<ProofRow> proofs)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  InventoryRow {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(verdict, "verdict");
    findings = List.copyOf(findings);
    proofs = List.copyOf(proofs);
  }

  record FindingRow(String code, String message, @Nullable Long offset) implements Serializable {
    private static final long serialVersionUID = 1L;

    static FindingRow of(Finding f) {
      return new FindingRow(
          f.reason().code(), f.message(), f.offset() == Finding.NO_OFFSET ? null : f.offset());
    }
  }

  record ProofRow(
      String verifier,
      String technique,
      @Nullable String signerKind,
      @Nullable String signer,
      @Nullable String issuer,
      @Nullable String source)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    static ProofRow of(Proof p) {
      Signer s = p.signer();
      return new ProofRow(
          p.verifier(),
          p.technique().name(),
          s == null ? null : s.kind().name(),
          s == null ? null : s.identity(),
          s == null ? null : s.issuer(),
          p.attribute(Proof.SOURCE));
    }

    /** The signer, rebuilt for a revocation check; null when the proof had none. */
    @Nullable Signer toSigner() {
      if (signerKind == null || signer == null) {
        return null;
      }
      return Signer.Kind.valueOf(signerKind) == Signer.Kind.PUBLIC_KEY
          ? Signer.publicKey(signer)
          : Signer.certificate(signer, issuer);
    }
  }

  /**
   * The rows of one scanned model: a row about the model as a whole if it has model-level findings,
   * then one per file in name order, then one per ignored file.
   */
  static List<InventoryRow> of(String model, ScanReport report) {
    List<InventoryRow> rows = new ArrayList<>();
    if (!report.modelFindings().isEmpty()) {
      rows.add(modelRow(model, report.modelFindings()));
    }
    for (FileReport f : report.files()) {
      Sha256 sha = f.sha256();
      rows.add(
          new InventoryRow(
              model,
              f.name(),
              f.size() < 0 ? null : f.size(),
              sha == null ? null : sha.hex(),
              f.format(),
              Inventory.verdict(f.findings()),
              f.findings().stream().map(FindingRow::of).toList(),
              f.proofs().stream().map(ProofRow::of).toList()));
    }
    for (String ignored : report.ignoredFiles()) {
      rows.add(
          new InventoryRow(
              model, ignored, null, null, null, Inventory.IGNORED, List.of(), List.of()));
    }
    return rows;
  }

  /** The single row of a model that could not be scanned. */
  static InventoryRow modelRow(String model, List<Finding> findings) {
    return new InventoryRow(
        model,
        null,
        null,
        null,
        null,
        Inventory.verdict(findings),
        findings.stream().map(FindingRow::of).toList(),
        List.of());
  }

  Row toRow() {
    List<Row> f = new ArrayList<>(findings.size());
    for (FindingRow x : findings) {
      f.add(RowFactory.create(x.code(), x.message(), x.offset()));
    }
    List<Row> p = new ArrayList<>(proofs.size());
    for (ProofRow x : proofs) {
      p.add(
          RowFactory.create(
              x.verifier(), x.technique(), x.signerKind(), x.signer(), x.issuer(), x.source()));
    }
    // Arrays, not java.util.List: Spark's row encoder takes a Scala Seq or a Java array.
    return RowFactory.create(
        model, file, size, sha256, format, verdict, f.toArray(new Row[0]), p.toArray(new Row[0]));
  }

  /** Reads a row of the inventory's schema back (for incident queries). */
  static InventoryRow fromRow(Row r) {
    List<FindingRow> f = new ArrayList<>();
    for (Row x : r.<Row>getList(r.fieldIndex("findings"))) {
      f.add(new FindingRow(x.getString(0), x.getString(1), x.isNullAt(2) ? null : x.getLong(2)));
    }
    List<ProofRow> p = new ArrayList<>();
    for (Row x : r.<Row>getList(r.fieldIndex("proofs"))) {
      p.add(
          new ProofRow(
              x.getString(0),
              x.getString(1),
              x.getString(2),
              x.getString(3),
              x.getString(4),
              x.getString(5)));
    }
    int size = r.fieldIndex("size");
    return new InventoryRow(
        r.getString(r.fieldIndex("model")),
        r.getString(r.fieldIndex("file")),
        r.isNullAt(size) ? null : r.getLong(size),
        r.getString(r.fieldIndex("sha256")),
        r.getString(r.fieldIndex("format")),
        r.getString(r.fieldIndex("verdict")),
        f,
        p);
  }
}
