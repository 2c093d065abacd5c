package dev.safeload.cli;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.ReasonCode;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;

/**
 * The {@code --format sarif} output of {@code scan} and {@code verify}: one SARIF 2.1.0 run for
 * code scanning services (GitHub code scanning and others).
 *
 * <ul>
 *   <li>{@code tool.driver.rules}: one rule per reason code, every built-in code ({@link
 *       ReasonCatalog}) in documentation order, then any code a plug-in handler reported; the
 *       rule's {@code id} is the code and its description the code's description. Every rule's
 *       level is {@code error}: safeload has no warnings, a finding is a rejection.
 *   <li>{@code results}: one per finding, with {@code ruleId}, {@code ruleIndex}, the message, and
 *       one location: the file as the report shows its path (a relative URI reference when the path
 *       was relative, a {@code file:} URI when absolute), and {@code region.byteOffset} when the
 *       finding has an offset. A model-level finding points at the file it names, or at the model.
 *   <li>{@code artifacts}: every file that was read, with its length and SHA-256.
 *   <li>{@code invocations}: the exit code; {@code executionSuccessful} is false when something
 *       could not be read (the verdict is then incomplete).
 *   <li>{@code properties}: the command, ignored files and proofs, as in the JSON report.
 * </ul>
 */
final class SarifReport {
  static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
          .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
          .build();

  private SarifReport() {}

  static void write(Report report, Writer out) {
    Map<String, Integer> ruleIndex = new LinkedHashMap<>();
    List<ReasonCode> rules = new ArrayList<>();
    for (ReasonCode c : ReasonCatalog.all()) {
      addRule(c, rules, ruleIndex);
    }
    for (Scanned s : report.results()) {
      for (Finding x : s.report().findings()) {
        addRule(x.reason(), rules, ruleIndex); // a plug-in's own codes
      }
    }
    try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
      g.writeStartObject();
      g.writeStringProperty("$schema", SCHEMA);
      g.writeStringProperty("version", "2.1.0");
      g.writeName("runs");
      g.writeStartArray();
      g.writeStartObject();
      writeTool(g, report, rules);
      writeArtifacts(g, report);
      g.writeName("results");
      g.writeStartArray();
      for (Scanned s : report.results()) {
        for (Finding x : s.report().modelFindings()) {
          writeResult(g, x, x.file() == null ? s.argument() : s.display(x.file()), ruleIndex);
        }
        for (FileReport f : s.report().files()) {
          for (Finding x : f.findings()) {
            writeResult(g, x, s.display(f), ruleIndex);
          }
        }
      }
      g.writeEndArray();
      g.writeName("invocations");
      g.writeStartArray();
      g.writeStartObject();
      g.writeBooleanProperty("executionSuccessful", !report.ioError());
      g.writeNumberProperty("exitCode", report.exitCode());
      g.writeEndObject();
      g.writeEndArray();
      writeProperties(g, report);
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
      g.writeRaw('\n');
    }
  }

  private static void addRule(ReasonCode c, List<ReasonCode> rules, Map<String, Integer> index) {
    if (!index.containsKey(c.code())) {
      index.put(c.code(), rules.size());
      rules.add(c);
    }
  }

  private static void writeTool(JsonGenerator g, Report report, List<ReasonCode> rules) {
    g.writeName("tool");
    g.writeStartObject();
    g.writeName("driver");
    g.writeStartObject();
    g.writeStringProperty("name", "safeload");
    g.writeStringProperty("version", report.toolVersion());
    g.writeName("rules");
    g.writeStartArray();
    for (ReasonCode c : rules) {
      g.writeStartObject();
      g.writeStringProperty("id", c.code());
      g.writeStringProperty("name", c.code());
      g.writeName("shortDescription");
      g.writeStartObject();
      g.writeStringProperty("text", c.description());
      g.writeEndObject();
      g.writeName("defaultConfiguration");
      g.writeStartObject();
      g.writeStringProperty("level", "error");
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeArtifacts(JsonGenerator g, Report report) {
    g.writeName("artifacts");
    g.writeStartArray();
    for (Scanned s : report.results()) {
      for (FileReport f : s.report().files()) {
        if (f.sha256() == null) {
          continue; // not read: no length or digest to state
        }
        g.writeStartObject();
        writeLocation(g, "location", s.display(f));
        g.writeNumberProperty("length", f.size());
        g.writeName("hashes");
        g.writeStartObject();
        g.writeStringProperty("sha-256", f.sha256().hex());
        g.writeEndObject();
        g.writeEndObject();
      }
    }
    g.writeEndArray();
  }

  private static void writeResult(
      JsonGenerator g, Finding x, String path, Map<String, Integer> ruleIndex) {
    g.writeStartObject();
    g.writeStringProperty("ruleId", x.reason().code());
    // Every finding's code was added to the index above.
    g.writeNumberProperty(
        "ruleIndex", Objects.requireNonNull(ruleIndex.get(x.reason().code())).intValue());
    g.writeStringProperty("level", "error");
    g.writeName("message");
    g.writeStartObject();
    g.writeStringProperty("text", x.message().isEmpty() ? x.reason().description() : x.message());
    g.writeEndObject();
    g.writeName("locations");
    g.writeStartArray();
    g.writeStartObject();
    g.writeName("physicalLocation");
    g.writeStartObject();
    writeLocation(g, "artifactLocation", path);
    if (x.offset() != Finding.NO_OFFSET) {
      g.writeName("region");
      g.writeStartObject();
      g.writeNumberProperty("byteOffset", x.offset());
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeLocation(JsonGenerator g, String name, String path) {
    g.writeName(name);
    g.writeStartObject();
    g.writeStringProperty("uri", uri(path));
    g.writeEndObject();
  }

  private static void writeProperties(JsonGenerator g, Report report) {
    g.writeName("properties");
    g.writeStartObject();
    g.writeStringProperty("command", report.command());
    g.writeName("ignoredFiles");
    g.writeStartArray();
    for (Scanned s : report.results()) {
      for (String name : s.ignored()) {
        g.writeString(s.display(name));
      }
    }
    g.writeEndArray();
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
  }

  /**
   * The path as SARIF wants it: a URI reference. A relative path stays relative (code scanning
   * resolves it against the checkout), with every character a URI cannot hold percent-encoded; an
   * absolute path becomes a {@code file:} URI.
   */
  static String uri(String path) {
    String p = path.replace('\\', '/');
    try {
      Path asPath = Path.of(path);
      if (asPath.isAbsolute()) {
        return asPath.toUri().toASCIIString();
      }
    } catch (InvalidPathException e) {
      // not a path of this file system: encode it as text below
    }
    // A colon in the first segment would read as a scheme; "./" keeps the reference relative.
    int slash = p.indexOf('/');
    if (p.indexOf(':') >= 0 && (slash < 0 || p.indexOf(':') < slash)) {
      p = "./" + p;
    }
    try {
      return new URI(null, null, p, null).toASCIIString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot encode " + p + " as a URI reference", e);
    }
  }
}
