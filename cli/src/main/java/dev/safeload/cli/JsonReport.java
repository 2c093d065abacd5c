package dev.safeload.cli;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.Signer;
import java.io.Writer;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;

/**
 * The {@code --json} output of {@code scan} and {@code verify}. <b>This shape is stable</b>: fields
 * are never renamed or removed and never change type; new fields may be added.
 *
 * <pre>{@code
 * {"files": [
 *    {"path": "models/llama/model.safetensors",   // argument, plus "/name" for files in a directory
 *     "verdict": "accepted" | "rejected",
 *     "format": "safetensors" | null,              // handler id; null if no format was detected
 *     "sha256": "<64 lower-case hex>" | null,      // null if the file could not be read
 *     "findings": [{"reason": "PIN_DIGEST_MISMATCH", "offset": 1234 | null, "message": "..."}],
 *     "proofs": [                                  // what proved this file's bytes (may be empty)
 *       {"verifier": "pins" | "oms-signature" | ..., // the verifier's id
 *        "technique": "pin" | "signature" | "attestation",
 *        "signer": null | {"kind": "public-key" | "certificate",
 *                          "identity": "sha256:<hex>" | "<subject alternative name>",
 *                          "issuer": "<OIDC issuer>" | null},
 *        "attributes": {"source": "model.pins.json", ...}}],  // e.g. source-repository, source-commit
 *     "licenses": [{"expression": "Apache-2.0",    // what the file declares (a claim), and where:
 *                   "field": "__metadata__.license"}]}  // general.license, front matter license, ...
 *  ],
 *  "modelFindings": [                              // about a model as a whole, not one served file
 *    {"path": "models/llama" | "models/llama/x", "reason": "PIN_FILE_MISSING", "offset": null,
 *     "message": "..."}
 *  ],
 *  "ignoredFiles": [                               // present, left out by an ignore pattern: not read
 *    {"path": "models/llama/README.md"}            // (the options', the pin file's or the signature's)
 *  ],
 *  "ioError": true | false,                         // something could not be read (an IO_ERROR finding)
 *  "exitCode": 0 | 1 | 2,                           // the exit code of this run's verdict
 *  "tool": {"name": "safeload", "version": "0.2.0"},
 *  "command": "scan" | "verify",
 *  "summary": {"files": 3, "accepted": 2, "rejected": 1,    // files reported, by verdict
 *              "modelFindings": 0, "ignored": 1,            // model-level findings, ignored files
 *              "findings": 1,                               // findings of every kind
 *              "byReason": {"SAFETENSORS_OVERLAP": 1}},     // per reason code, sorted by code
 *  "proofs": [                                      // how provenance was proven (verify only)
 *    {"technique": "hash-comparison" | "attestation", "claim": "...",
 *     "files": ["models/llama/model.safetensors"]}  // paths as in "files", sorted
 *  ]}
 * }</pre>
 *
 * <p>A file is {@code rejected} exactly when its {@code findings} are non-empty. Model findings (a
 * pinned file that is missing, a symbolic link, too many files) have their own list because they
 * belong to no served file; {@code path} is the model, or the model joined with the name the
 * finding gives. The output is accepted as a whole only when every verdict is {@code accepted} and
 * {@code modelFindings} is empty, which is also when the exit code is 0. {@code offset} is a byte
 * offset in the file, or {@code null} when the problem has no single position. A file served
 * without a format claim because an opaque pattern names it has format {@code "opaque"}. When a
 * rejection and an I/O error meet, both are listed (the rejected file's findings, the {@code
 * IO_ERROR} finding), {@code ioError} is true and {@code exitCode} is 2: the I/O error wins,
 * because the verdict is incomplete.
 */
final class JsonReport {
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET) // the writer is the command's stdout
          .enable(JsonWriteFeature.ESCAPE_NON_ASCII) // ASCII output survives any console charset
          .build();

  private JsonReport() {}

  static void write(Report report, Writer out) {
    List<Scanned> scans = report.results();
    try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
      g.writeStartObject();
      g.writeName("files");
      g.writeStartArray();
      for (Scanned s : scans) {
        for (FileReport f : s.report().files()) {
          g.writeStartObject();
          g.writeStringProperty("path", s.display(f));
          g.writeStringProperty("verdict", f.accepted() ? "accepted" : "rejected");
          g.writeStringProperty("format", f.format());
          g.writeStringProperty("sha256", f.sha256() == null ? null : f.sha256().hex());
          if (!f.shards().isEmpty()) {
            // Shard digests of the pass; with "sha256": null they are the only digests computed.
            g.writeName("shards");
            g.writeStartArray();
            for (var e : f.shards().entrySet()) {
              g.writeStartObject();
              g.writeNumberProperty("size", e.getKey());
              g.writeName("sha256");
              g.writeStartArray();
              for (var d : e.getValue()) {
                g.writeString(d.hex());
              }
              g.writeEndArray();
              g.writeEndObject();
            }
            g.writeEndArray();
          }
          g.writeName("findings");
          g.writeStartArray();
          for (Finding x : f.findings()) {
            g.writeStartObject();
            writeFinding(g, x);
            g.writeEndObject();
          }
          g.writeEndArray();
          writeProofs(g, f.proofs());
          g.writeName("licenses");
          g.writeStartArray();
          for (dev.safeload.DeclaredLicense l : f.licenses()) {
            g.writeStartObject();
            g.writeStringProperty("expression", l.expression());
            g.writeStringProperty("field", l.field());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        }
      }
      g.writeEndArray();
      g.writeName("modelFindings");
      g.writeStartArray();
      for (Scanned s : scans) {
        for (Finding x : s.report().modelFindings()) {
          g.writeStartObject();
          g.writeStringProperty("path", x.file() == null ? s.argument() : s.display(x.file()));
          writeFinding(g, x);
          g.writeEndObject();
        }
      }
      g.writeEndArray();
      g.writeName("ignoredFiles");
      g.writeStartArray();
      for (Scanned s : scans) {
        for (String name : s.ignored()) {
          g.writeStartObject();
          g.writeStringProperty("path", s.display(name));
          g.writeEndObject();
        }
      }
      g.writeEndArray();
      g.writeBooleanProperty("ioError", report.ioError());
      g.writeNumberProperty("exitCode", report.exitCode());
      // Fields added in 0.2.0, after the original ones.
      g.writeName("tool");
      g.writeStartObject();
      g.writeStringProperty("name", "safeload");
      g.writeStringProperty("version", report.toolVersion());
      g.writeEndObject();
      g.writeStringProperty("command", report.command());
      writeSummary(g, report.summary());
      g.writeName("proofs");
      g.writeStartArray();
      for (Report.ProofEntry p : report.proofs()) {
        g.writeStartObject();
        g.writeStringProperty("technique", p.technique());
        g.writeStringProperty("claim", p.claim());
        g.writeName("files");
        g.writeStartArray();
        for (String f : p.files()) {
          g.writeString(f);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeRaw('\n');
    }
  }

  private static void writeSummary(JsonGenerator g, Report.Summary s) {
    g.writeName("summary");
    g.writeStartObject();
    g.writeNumberProperty("files", s.files());
    g.writeNumberProperty("accepted", s.accepted());
    g.writeNumberProperty("rejected", s.rejected());
    g.writeNumberProperty("modelFindings", s.modelFindings());
    g.writeNumberProperty("ignored", s.ignored());
    g.writeNumberProperty("findings", s.findings());
    g.writeName("byReason");
    g.writeStartObject();
    for (var e : s.byReason().entrySet()) {
      g.writeNumberProperty(e.getKey(), e.getValue());
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  /** The proofs as the loader kept them; nothing here is recomputed. */
  private static void writeProofs(JsonGenerator g, List<Proof> proofs) {
    g.writeName("proofs");
    g.writeStartArray();
    for (Proof p : proofs) {
      g.writeStartObject();
      g.writeStringProperty("verifier", p.verifier());
      g.writeStringProperty("technique", p.technique().name().toLowerCase(Locale.ROOT));
      Signer signer = p.signer();
      if (signer == null) {
        g.writeNullProperty("signer");
      } else {
        g.writeName("signer");
        g.writeStartObject();
        g.writeStringProperty(
            "kind", signer.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        g.writeStringProperty("identity", signer.identity());
        g.writeStringProperty("issuer", signer.issuer());
        g.writeEndObject();
      }
      g.writeName("attributes");
      g.writeStartObject();
      p.attributes().forEach(g::writeStringProperty);
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void writeFinding(JsonGenerator g, Finding x) {
    g.writeStringProperty("reason", x.reason().code());
    if (x.offset() == Finding.NO_OFFSET) {
      g.writeNullProperty("offset");
    } else {
      g.writeNumberProperty("offset", x.offset());
    }
    g.writeStringProperty("message", x.message());
  }
}
