package dev.safeload.bom;

import dev.safeload.FileReport;
import dev.safeload.SafeloadVersion;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.bom.internal.BomModel;
import dev.safeload.bom.internal.BomModel.BomFile;
import dev.safeload.bom.internal.CycloneDxWriter;
import dev.safeload.bom.internal.SpdxWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A CycloneDX 1.6 "operations" ML-BOM of what safeload scanned or loaded: one {@code
 * machine-learning-model} component per model with a nested {@code file} component per file, each
 * carrying the SHA-256 of exactly the bytes safeload read, its format, size, verdict and findings,
 * and every proof of its provenance (technique, verifier, signer, and for an attestation the source
 * repository and commit) as {@code evidence.identity} and {@code safeload:proof:} properties.
 * Property names are documented in {@linkplain dev.safeload.bom the package}.
 *
 * <pre>{@code
 * AiBom bom = AiBom.builder()
 *     .add(verifiedModel)                      // or .add(loader.scan(path)), with findings
 *     .build();
 * bom.writeTo(out);                            // UTF-8 JSON, fields in a fixed order
 * }</pre>
 *
 * <p>Immutable and thread-safe; writing twice gives the same bytes. The serial number is random
 * unless {@link Builder#serialNumber set}, and the timestamp comes from the builder's clock.
 */
public final class AiBom {
  private final UUID serialNumber;
  private final Instant timestamp;
  private final List<BomModel> models;

  private AiBom(Builder b) {
    this.serialNumber = b.serialNumber == null ? UUID.randomUUID() : b.serialNumber;
    this.timestamp = b.clock.instant();
    this.models = List.copyOf(b.models);
  }

  /** A builder with the system UTC clock, a random serial number and no models. */
  public static Builder builder() {
    return new Builder();
  }

  /** The BOM's {@code serialNumber} without its {@code urn:uuid:} prefix. */
  public UUID serialNumber() {
    return serialNumber;
  }

  /** Whether every model and file in the BOM was accepted. */
  public boolean accepted() {
    return models.stream().allMatch(BomModel::accepted);
  }

  /** Writes the BOM as UTF-8 JSON followed by a newline. The stream is flushed, not closed. */
  public void writeTo(OutputStream out) throws IOException {
    CycloneDxWriter.write(out, serialNumber, timestamp, toolVersion(), models);
  }

  /** The BOM as UTF-8 JSON bytes. */
  public byte[] toByteArray() {
    return bytes(this::writeTo);
  }

  /**
   * Writes the same BOM as an SPDX 3.0.1 JSON-LD document (AI profile) followed by a newline: an
   * {@code ai_AIPackage} per model containing a {@code software_File} per file with its SHA-256,
   * declared licences as {@code hasDeclaredLicense} relationships commented with where each was
   * read, declared base models as {@code ancestorOf} relationships, and safeload's verdicts,
   * findings, proofs and signers as {@code Annotation}s ({@code safeload:NAME=VALUE}). Element ids
   * are {@code urn:uuid:SERIAL#...}. The stream is flushed, not closed.
   */
  public void writeSpdxTo(OutputStream out) throws IOException {
    SpdxWriter.write(out, serialNumber, timestamp, toolVersion(), models);
  }

  /** The SPDX 3.0.1 document ({@link #writeSpdxTo}) as UTF-8 JSON bytes. */
  public byte[] toSpdxByteArray() {
    return bytes(this::writeSpdxTo);
  }

  private interface Writing {
    void writeTo(OutputStream out) throws IOException;
  }

  private static byte[] bytes(Writing writing) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writing.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toByteArray();
  }

  private static String toolVersion() {
    return SafeloadVersion.get();
  }

  /** Collects the models of a BOM. Not thread-safe; {@link #build()} copies what it needs. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private @Nullable UUID serialNumber;
    private final List<BomModel> models = new ArrayList<>();

    private Builder() {}

    /** The clock for {@code metadata.timestamp}; a fixed clock makes the output reproducible. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * A fixed serial number instead of a random one (reproducible output, or a new version of a
     * BOM).
     */
    public Builder serialNumber(UUID serialNumber) {
      this.serialNumber = Objects.requireNonNull(serialNumber, "serialNumber");
      return this;
    }

    /**
     * Adds a scanned model: every file with its findings, accepted or not, and the proofs the
     * scan's verifiers made (a rejected file can still be proven: its bytes are the pinned ones and
     * its format is wrong; the BOM shows both). A scan does not keep what handlers read, so no
     * model card comes from it.
     */
    public Builder add(ScanReport report) {
      Objects.requireNonNull(report, "report");
      List<BomFile> files = new ArrayList<>();
      for (FileReport f : report.files()) {
        files.add(
            new BomFile(
                f.name(),
                f.size(),
                f.format(),
                f.sha256(),
                f.findings(),
                Map.of(),
                f.proofs(),
                f.licenses(),
                f.shards()));
      }
      models.add(
          new BomModel(
              name(report.source()),
              report.location(),
              files,
              report.modelFindings(),
              report.proofs()));
      return this;
    }

    /**
     * Adds a loaded model: every file passed, each file's metadata becomes claims (and, where the
     * keys are known, model-card fields), and each file's proofs become its evidence.
     *
     * @throws IllegalStateException if the model is closed
     */
    public Builder add(VerifiedModel model) {
      Objects.requireNonNull(model, "model");
      List<BomFile> files = new ArrayList<>();
      for (VerifiedModel.VerifiedFile f : model.files()) {
        files.add(
            new BomFile(
                f.name(),
                f.size(),
                f.format(),
                f.sha256(),
                List.of(),
                f.description().metadata(),
                f.proofs(),
                f.description().licenses(),
                f.shards()));
      }
      models.add(
          new BomModel(name(model.source()), model.location(), files, List.of(), model.proofs()));
      return this;
    }

    /** Builds the BOM; the timestamp is read from the clock now. */
    public AiBom build() {
      return new AiBom(this);
    }

    private static String name(Path source) {
      Path n = source.getFileName();
      return n == null ? source.toString() : n.toString();
    }
  }
}
