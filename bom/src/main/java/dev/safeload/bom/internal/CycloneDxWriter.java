package dev.safeload.bom.internal;

import dev.safeload.Finding;
import dev.safeload.bom.internal.BomModel.BomFile;
import dev.safeload.provenance.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.core.JsonGenerator;

/**
 * Writes {@link BomModel}s as CycloneDX 1.6 JSON with jackson-core's streaming generator. Every
 * object's fields are written in a fixed order and every list in input order, so equal input gives
 * equal bytes. Only fields the 1.6 schema defines are written (it forbids any other), and only
 * values safeload knows: no guessed licenses, versions or purls.
 */
public final class CycloneDxWriter {
  /** The CycloneDX version written; the tests validate against exactly this schema. */
  public static final String SPEC_VERSION = "1.6";

  /** Metadata entries of one file copied as claims; the rest are counted, not written. */
  static final int MAX_CLAIMS_PER_FILE = 512;

  /**
   * Longest metadata key or value copied as a claim (a GGUF vocabulary or chat template is not).
   */
  static final int MAX_CLAIM_CHARS = 1024;

  /**
   * Base models taken from GGUF {@code general.base_model.*}; more are not credible for one file.
   */
  static final int MAX_ANCESTORS = 16;

  private CycloneDxWriter() {}

  /** Writes one BOM; {@code toolVersion} is left out when empty. */
  public static void write(
      OutputStream out, UUID serial, Instant timestamp, String toolVersion, List<BomModel> models)
      throws IOException {
    BomJsonWriter.write(
        out,
        g -> {
          g.writeStartObject();
          g.writeStringProperty("bomFormat", "CycloneDX");
          g.writeStringProperty("specVersion", SPEC_VERSION);
          g.writeStringProperty("serialNumber", "urn:uuid:" + serial);
          g.writeNumberProperty("version", 1);
          writeMetadata(g, timestamp, toolVersion);
          g.writeName("components");
          g.writeStartArray();
          BomRefs refs = new BomRefs();
          for (int i = 0; i < models.size(); i++) {
            writeModel(g, models.get(i), i + 1, refs);
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private static void writeMetadata(JsonGenerator g, Instant timestamp, String toolVersion) {
    g.writeName("metadata");
    g.writeStartObject();
    g.writeStringProperty("timestamp", timestamp.truncatedTo(ChronoUnit.SECONDS).toString());
    g.writeName("lifecycles");
    g.writeStartArray();
    g.writeStartObject();
    g.writeStringProperty("phase", "operations"); // what ran, not what a repository declared
    g.writeEndObject();
    g.writeEndArray();
    g.writeName("tools");
    g.writeStartObject();
    g.writeName("components");
    g.writeStartArray();
    g.writeStartObject();
    g.writeStringProperty("type", "application");
    g.writeStringProperty("group", "dev.safeload");
    g.writeStringProperty("name", "safeload");
    if (!toolVersion.isEmpty()) {
      g.writeStringProperty("version", toolVersion);
    }
    g.writeEndObject();
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeModel(JsonGenerator g, BomModel m, int index, BomRefs refs) {
    g.writeStartObject();
    g.writeStringProperty("type", "machine-learning-model");
    g.writeStringProperty("bom-ref", refs.unique("model:" + index + ":" + m.name()));
    g.writeStringProperty("name", m.name());
    ModelClaims claims = ModelClaims.of(m.files());
    if (claims != null) {
      claims.writePedigree(g);
      claims.writeModelCard(g);
    }
    List<Map.Entry<String, String>> props = new ArrayList<>();
    props.add(Map.entry("safeload:verdict", m.accepted() ? "accepted" : "rejected"));
    props.add(Map.entry("safeload:source", m.source()));
    m.modelFindings().forEach(f -> props.add(Map.entry("safeload:finding", finding(f, true))));
    m.proofs()
        .forEach(p -> props.add(Map.entry("safeload:provenance", ProofEvidence.statement(p))));
    writeProperties(g, props);
    g.writeName("components");
    g.writeStartArray();
    for (BomFile f : m.files()) {
      writeFile(g, f, index, refs);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeFile(JsonGenerator g, BomFile f, int modelIndex, BomRefs refs) {
    g.writeStartObject();
    g.writeStringProperty("type", "file");
    // The digest is the key responders query on; a file read twice in one BOM keeps it with a
    // suffix.
    g.writeStringProperty(
        "bom-ref",
        refs.unique(
            f.sha256() != null
                ? "file:sha256:" + f.sha256().hex()
                : "file:" + modelIndex + ":" + f.name()));
    g.writeStringProperty("name", f.name());
    if (f.sha256() != null) {
      g.writeName("hashes");
      g.writeStartArray();
      g.writeStartObject();
      g.writeStringProperty("alg", "SHA-256");
      g.writeStringProperty("content", f.sha256().hex());
      g.writeEndObject();
      g.writeEndArray();
    }
    writeLicenses(g, f);
    Sha256 sha256 = f.sha256();
    if (sha256 != null && !f.proofs().isEmpty()) {
      writeEvidence(g, f, sha256);
    }
    List<Map.Entry<String, String>> props = new ArrayList<>();
    if (f.format() != null) {
      props.add(Map.entry("safeload:format", f.format()));
    }
    if (f.size() >= 0) { // -1: the file could not be read, and its hash is absent too
      props.add(Map.entry("safeload:size", Long.toString(f.size())));
    }
    props.add(Map.entry("safeload:verdict", f.findings().isEmpty() ? "accepted" : "rejected"));
    f.findings().forEach(x -> props.add(Map.entry("safeload:finding", finding(x, false))));
    // Shard digests of the pass; without a whole-file hash above they are the only ones computed,
    // and nothing here claims a whole-file digest that was not.
    f.shardLines().forEach(s -> props.add(Map.entry("safeload:shard-sha256", s)));
    if (f.read()) { // a proof is of the digests: an unread file has neither
      ProofEvidence.addProperties(props, f.proofs());
    }
    f.signers().forEach(s -> props.add(Map.entry("safeload:signer", s)));
    int copied = 0;
    int omitted = 0;
    for (Map.Entry<String, String> e : f.metadata().entrySet()) {
      // An empty value is a statement too (ONNX lists opset domains that way); an empty key is not.
      if (copied < MAX_CLAIMS_PER_FILE
          && fits(e.getKey())
          && e.getValue().length() <= MAX_CLAIM_CHARS) {
        props.add(Map.entry("safeload:claim:" + e.getKey(), e.getValue()));
        copied++;
      } else {
        omitted++;
      }
    }
    if (omitted > 0) {
      props.add(Map.entry("safeload:claims-omitted", Integer.toString(omitted)));
    }
    writeProperties(g, props);
    g.writeEndObject();
  }

  /**
   * What the file declares about its licence: a {@code name} (the declared text need not be an SPDX
   * id, which {@code id} would require), acknowledged as {@code declared}, with where it was read.
   */
  private static void writeLicenses(JsonGenerator g, BomFile f) {
    if (f.licenses().isEmpty()) {
      return;
    }
    g.writeName("licenses");
    g.writeStartArray();
    for (dev.safeload.DeclaredLicense l : f.licenses()) {
      g.writeStartObject();
      g.writeName("license");
      g.writeStartObject();
      g.writeStringProperty("name", l.expression().isEmpty() ? "(empty)" : l.expression());
      g.writeStringProperty("acknowledgement", "declared");
      writeProperties(g, List.of(Map.entry("safeload:declared-in", l.file() + ": " + l.field())));
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /** A proven file: its hash is the identity, established by each proof's technique. */
  private static void writeEvidence(JsonGenerator g, BomFile f, Sha256 sha256) {
    g.writeName("evidence");
    g.writeStartObject();
    g.writeName("identity");
    g.writeStartArray();
    g.writeStartObject();
    g.writeStringProperty("field", "hash");
    g.writeNumberProperty("confidence", 1.0);
    g.writeStringProperty("concludedValue", sha256.hex());
    g.writeName("methods");
    g.writeStartArray();
    for (dev.safeload.provenance.Proof p : f.proofs()) {
      g.writeStartObject();
      g.writeStringProperty("technique", ProofEvidence.cyclonedxTechnique(p));
      g.writeNumberProperty("confidence", 1.0);
      g.writeStringProperty("value", ProofEvidence.statement(p));
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndArray();
    g.writeEndObject();
  }

  static void writeProperties(JsonGenerator g, List<Map.Entry<String, String>> props) {
    if (props.isEmpty()) {
      return;
    }
    g.writeName("properties");
    g.writeStartArray();
    for (Map.Entry<String, String> p : props) {
      g.writeStartObject();
      g.writeStringProperty("name", p.getKey());
      g.writeStringProperty("value", p.getValue());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /**
   * {@code CODE[@offset]: message}. A file's findings sit on its component; a model-level finding
   * that names a file (a symbolic link, say) keeps the name: {@code CODE: name: message}.
   */
  static String finding(Finding f, boolean modelLevel) {
    String where = f.offset() == Finding.NO_OFFSET ? "" : "@" + f.offset();
    String file = modelLevel && f.file() != null ? f.file() + ": " : "";
    return f.reason().code() + where + ": " + file + f.message();
  }

  static boolean fits(String claim) {
    return !claim.isEmpty() && claim.length() <= MAX_CLAIM_CHARS;
  }
}
