package dev.safeload.bom.internal;

import dev.safeload.DeclaredLicense;
import dev.safeload.Finding;
import dev.safeload.bom.internal.BomModel.BomFile;
import dev.safeload.provenance.Proof;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;

/**
 * Writes {@link BomModel}s as an SPDX 3.0.1 JSON-LD document (core, software, AI and
 * simple-licensing profiles) with jackson-core's streaming generator: a flat {@code @graph} in
 * which every element is a top-level node referenced by its IRI ({@code urn:uuid:SERIAL#...}), in a
 * fixed order, so that equal input gives equal bytes.
 *
 * <p>What is written, per model: an {@code ai_AIPackage} ({@code software_primaryPurpose: model});
 * a {@code software_File} per file with its SHA-256 in {@code verifiedUsing}; a {@code contains}
 * relationship from the package to its files; per declared licence a {@code
 * simplelicensing_LicenseExpression} and {@code hasDeclaredLicense} relationships from the
 * declaring file and from the package, whose {@code comment} says where it was read and that it is
 * a claim (with no declaration, and always for the concluded licence, {@code NoAssertionLicense}:
 * safeload concludes nothing); declared base models as {@code ai_AIPackage}s with {@code
 * ancestorOf} relationships, also commented as claims; and safeload's facts as {@code Annotation}s
 * whose {@code statement} is {@code NAME=VALUE} with the names of the CycloneDX writer's properties
 * ({@code safeload:verdict}, {@code safeload:source}, {@code safeload:finding}, {@code
 * safeload:provenance}, {@code safeload:format}, {@code safeload:size}, {@code safeload:proof},
 * {@code safeload:signer}).
 */
public final class SpdxWriter {
  /** The JSON-LD context of SPDX 3.0.1; the reader accepts exactly this one. */
  public static final String CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld";

  private static final String CREATION = "_:creationinfo";

  /**
   * The SPDX individual for "no statement is made" (a named individual, not a node of the graph).
   */
  static final String NO_ASSERTION =
      "https://spdx.org/rdf/3.0.1/terms/Expanded" + "Licensing/NoAssertionLicense";

  private final JsonGenerator g;
  private final String ns;
  private int annotations;

  private SpdxWriter(JsonGenerator g, UUID serial) {
    this.g = g;
    this.ns = "urn:uuid:" + serial + "#";
  }

  /** Writes one document; {@code toolVersion} is left out of the tool's name when empty. */
  public static void write(
      OutputStream out, UUID serial, Instant timestamp, String toolVersion, List<BomModel> models)
      throws IOException {
    BomJsonWriter.write(
        out, g -> new SpdxWriter(g, serial).document(timestamp, toolVersion, models));
  }

  private void document(Instant timestamp, String toolVersion, List<BomModel> models) {
    g.writeStartObject();
    g.writeStringProperty("@context", CONTEXT);
    g.writeName("@graph");
    g.writeStartArray();

    g.writeStartObject();
    g.writeStringProperty("@id", CREATION);
    g.writeStringProperty("type", "CreationInfo");
    g.writeStringProperty("specVersion", "3.0.1");
    g.writeStringProperty("created", timestamp.truncatedTo(ChronoUnit.SECONDS).toString());
    array("createdBy", List.of(ns + "agent"));
    array("createdUsing", List.of(ns + "tool"));
    g.writeEndObject();

    element("SoftwareAgent", ns + "agent");
    g.writeStringProperty("name", "safeload");
    g.writeEndObject();

    element("Tool", ns + "tool");
    g.writeStringProperty("name", toolVersion.isEmpty() ? "safeload" : "safeload " + toolVersion);
    g.writeEndObject();

    element("SpdxDocument", ns + "document");
    g.writeStringProperty("name", "safeload AI-BOM");
    array("profileConformance", List.of("core", "software", "ai", "simpleLicensing"));
    array("rootElement", List.of(ns + "sbom"));
    g.writeEndObject();

    List<String> roots = new ArrayList<>();
    for (int i = 0; i < models.size(); i++) {
      roots.add(modelId(i));
    }
    element("software_Sbom", ns + "sbom");
    array("software_sbomType", List.of("analyzed")); // what safeload read and judged, not a build
    if (!roots.isEmpty()) {
      array("rootElement", roots);
    }
    g.writeEndObject();

    Map<String, String> licenseIds = new LinkedHashMap<>();
    for (int i = 0; i < models.size(); i++) {
      model(models.get(i), i, licenseIds);
    }
    for (Map.Entry<String, String> l : licenseIds.entrySet()) {
      element("simplelicensing_LicenseExpression", l.getValue());
      // As declared: the text may be a Hugging Face key rather than an SPDX expression.
      g.writeStringProperty("simplelicensing_licenseExpression", l.getKey());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private String modelId(int i) {
    return ns + "model-" + (i + 1);
  }

  private void model(BomModel m, int index, Map<String, String> licenseIds) {
    String id = modelId(index);
    element("ai_AIPackage", id);
    g.writeStringProperty("name", m.name());
    g.writeStringProperty("software_primaryPurpose", "model");
    g.writeEndObject();

    List<String> fileIds = new ArrayList<>();
    for (int j = 0; j < m.files().size(); j++) {
      fileIds.add(id + "/file-" + (j + 1));
    }
    for (int j = 0; j < m.files().size(); j++) {
      file(m.files().get(j), fileIds.get(j));
    }
    if (!fileIds.isEmpty()) {
      relationship(id + "/contains", id, "contains", fileIds, null);
    }

    List<String> modelLicenses = new ArrayList<>();
    for (int j = 0; j < m.files().size(); j++) {
      BomFile f = m.files().get(j);
      for (int k = 0; k < f.licenses().size(); k++) {
        DeclaredLicense l = f.licenses().get(k);
        String text = l.expression().isEmpty() ? "NOASSERTION" : l.expression();
        String lid =
            licenseIds.computeIfAbsent(text, t -> ns + "license-" + (licenseIds.size() + 1));
        if (!modelLicenses.contains(lid)) {
          modelLicenses.add(lid);
        }
        relationship(
            fileIds.get(j) + "/declared-license-" + (k + 1),
            fileIds.get(j),
            "hasDeclaredLicense",
            List.of(lid),
            "declared by "
                + l.file()
                + " in "
                + l.field()
                + "; a claim the file makes, not verified by safeload");
      }
    }
    if (!modelLicenses.isEmpty()) {
      relationship(
          id + "/declared-license",
          id,
          "hasDeclaredLicense",
          modelLicenses,
          "declared by the model's files (each file's hasDeclaredLicense says where); claims, not verified by safeload");
    } else {
      relationship(
          id + "/declared-license",
          id,
          "hasDeclaredLicense",
          List.of(NO_ASSERTION),
          "no file of the model declares a licence");
    }
    // The AI profile asks for both licence relationships; safeload reports claims and concludes
    // nothing.
    relationship(
        id + "/concluded-license",
        id,
        "hasConcludedLicense",
        List.of(NO_ASSERTION),
        "safeload does not conclude licences; see hasDeclaredLicense for what the files claim");

    ModelClaims claims = ModelClaims.of(m.files());
    if (claims != null) {
      List<ModelClaims.Ancestor> bases = claims.ancestors();
      for (int k = 0; k < bases.size(); k++) {
        ModelClaims.Ancestor a = bases.get(k);
        String bid = id + "/base-" + (k + 1);
        element("ai_AIPackage", bid);
        g.writeStringProperty("name", a.group() == null ? a.name() : a.group() + "/" + a.name());
        if (a.url() != null) {
          g.writeStringProperty("software_downloadLocation", a.url());
        }
        g.writeStringProperty("software_primaryPurpose", "model");
        g.writeEndObject();
        relationship(
            bid + "/ancestor-of",
            bid,
            "ancestorOf",
            List.of(id),
            "declared by "
                + claims.file()
                + " (general.base_model."
                + k
                + ".*); a claim, not verified by safeload");
      }
    }

    annotate(id, "review", "safeload:verdict", m.accepted() ? "accepted" : "rejected");
    annotate(id, "other", "safeload:source", m.source());
    for (Finding f : m.modelFindings()) {
      annotate(id, "review", "safeload:finding", CycloneDxWriter.finding(f, true));
    }
    for (String p : m.proofs().stream().map(ProofEvidence::statement).toList()) {
      annotate(id, "other", "safeload:provenance", p);
    }
    for (int j = 0; j < m.files().size(); j++) {
      fileAnnotations(m.files().get(j), fileIds.get(j));
    }
  }

  private void file(BomFile f, String id) {
    element("software_File", id);
    g.writeStringProperty("name", f.name());
    if (f.sha256() != null) {
      g.writeName("verifiedUsing");
      g.writeStartArray();
      g.writeStartObject();
      g.writeStringProperty("type", "Hash");
      g.writeStringProperty("algorithm", "sha256");
      g.writeStringProperty("hashValue", f.sha256().hex());
      g.writeEndObject();
      g.writeEndArray();
    }
    g.writeStringProperty("software_fileKind", "file");
    g.writeEndObject();
  }

  private void fileAnnotations(BomFile f, String id) {
    if (f.format() != null) {
      annotate(id, "other", "safeload:format", f.format());
    }
    if (f.size() >= 0) {
      annotate(id, "other", "safeload:size", Long.toString(f.size()));
    }
    annotate(id, "review", "safeload:verdict", f.findings().isEmpty() ? "accepted" : "rejected");
    for (Finding x : f.findings()) {
      annotate(id, "review", "safeload:finding", CycloneDxWriter.finding(x, false));
    }
    for (String s : f.shardLines()) { // the only digests of a file hashed in shards alone
      annotate(id, "other", "safeload:shard-sha256", s);
    }
    if (f.read()) { // a proof is of the digests: an unread file has neither
      // The same facts as CycloneDX's properties: a statement for people, then every part for
      // tools.
      for (Proof p : f.proofs()) {
        annotate(id, "other", "safeload:proof", ProofEvidence.statement(p));
      }
      List<Map.Entry<String, String>> parts = new ArrayList<>();
      ProofEvidence.addProperties(parts, f.proofs());
      for (Map.Entry<String, String> e : parts) {
        annotate(id, "other", e.getKey(), e.getValue());
      }
    }
    for (String s : f.signers()) {
      annotate(id, "other", "safeload:signer", s);
    }
  }

  private void annotate(String subject, String type, String name, String value) {
    element("Annotation", ns + "annotation-" + (++annotations));
    g.writeStringProperty("annotationType", type);
    g.writeStringProperty("subject", subject);
    g.writeStringProperty("statement", name + "=" + value);
    g.writeEndObject();
  }

  private void relationship(
      String id, String from, String type, List<String> to, @Nullable String comment) {
    element("Relationship", id);
    if (comment != null) {
      g.writeStringProperty("comment", comment);
    }
    g.writeStringProperty("from", from);
    g.writeStringProperty("relationshipType", type);
    array("to", to);
    g.writeEndObject();
  }

  /** Opens an element node: its type, IRI and the shared creation info. */
  private void element(String type, String id) {
    g.writeStartObject();
    g.writeStringProperty("type", type);
    g.writeStringProperty("spdxId", id);
    g.writeStringProperty("creationInfo", CREATION);
  }

  private void array(String name, List<String> values) {
    g.writeName(name);
    g.writeStartArray();
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }
}
