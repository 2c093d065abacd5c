package dev.safeload.maven.internal;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.ReasonCode;
import dev.safeload.ScanReport;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonEncoding;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * Writes scan reports as one SARIF 2.1.0 run: one rule per reason code that occurs (its description
 * as the rule's text), one {@code error} result per finding with the file (relative to the {@code
 * PROJECTROOT} base) and the byte offset where known. Model-level findings without a file point at
 * the model itself.
 *
 * <p>The plugin's own writer, kept behind this one class so that a shared SARIF writer can replace
 * it.
 */
public final class SarifWriter {
  /** The schema this output follows. */
  public static final String SCHEMA =
      "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

  private static final JsonFactory JSON =
      JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

  private SarifWriter() {}

  /** One finding located in a file relative to the root. */
  private record Located(Finding finding, String uri) {}

  /**
   * Writes the SARIF log (UTF-8 JSON and a newline) for {@code reports}, with locations relative to
   * {@code root}. The stream is not closed.
   *
   * @param toolVersion the plugin's version, or null when unknown
   */
  public static void write(
      OutputStream out,
      Path root,
      List<ScanReport> reports,
      @org.jspecify.annotations.Nullable String toolVersion) {
    Path base = root.toAbsolutePath().normalize();
    List<Located> results = new ArrayList<>();
    Map<String, ReasonCode> rules = new LinkedHashMap<>();
    for (ScanReport r : reports) {
      for (FileReport f : r.files()) {
        for (Finding x : f.findings()) {
          results.add(
              new Located(x, uri(base, r.source(), x.file() == null ? f.name() : x.file())));
        }
      }
      for (Finding x : r.modelFindings()) {
        results.add(new Located(x, uri(base, r.source(), x.file())));
      }
    }
    for (Located l : results) {
      rules.putIfAbsent(l.finding().reason().code(), l.finding().reason());
    }
    List<String> ruleIds = new ArrayList<>(rules.keySet());
    try (JsonGenerator g =
        JSON.createGenerator(ObjectWriteContext.empty(), out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringProperty("$schema", SCHEMA);
      g.writeStringProperty("version", "2.1.0");
      g.writeName("runs");
      g.writeStartArray();
      g.writeStartObject();
      g.writeName("tool");
      g.writeStartObject();
      g.writeName("driver");
      g.writeStartObject();
      g.writeStringProperty("name", "safeload");
      if (toolVersion != null) {
        g.writeStringProperty("version", toolVersion);
      }
      g.writeName("rules");
      g.writeStartArray();
      for (ReasonCode c : rules.values()) {
        g.writeStartObject();
        g.writeStringProperty("id", c.code());
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
      g.writeName("originalUriBaseIds");
      g.writeStartObject();
      g.writeName("PROJECTROOT");
      g.writeStartObject();
      g.writeStringProperty("uri", base.toUri().toString());
      g.writeEndObject();
      g.writeEndObject();
      g.writeName("results");
      g.writeStartArray();
      for (Located l : results) {
        Finding x = l.finding();
        g.writeStartObject();
        g.writeStringProperty("ruleId", x.reason().code());
        g.writeNumberProperty("ruleIndex", ruleIds.indexOf(x.reason().code()));
        g.writeStringProperty("level", "error");
        g.writeName("message");
        g.writeStartObject();
        g.writeStringProperty("text", x.reason().code() + ": " + x.message());
        g.writeEndObject();
        g.writeName("locations");
        g.writeStartArray();
        g.writeStartObject();
        g.writeName("physicalLocation");
        g.writeStartObject();
        g.writeName("artifactLocation");
        g.writeStartObject();
        g.writeStringProperty("uri", l.uri());
        g.writeStringProperty("uriBaseId", "PROJECTROOT");
        g.writeEndObject();
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
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
      g.writeRaw('\n');
    }
  }

  /**
   * The finding's file as a relative URI: the model directory's file, or the model file itself.
   * Names are relative with '/' separators; each segment is percent-encoded by {@link
   * Path#toUri()}.
   */
  static String uri(Path base, Path source, @org.jspecify.annotations.Nullable String file) {
    Path src = source.toAbsolutePath().normalize();
    Path p = src;
    if (file != null && Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
      p = src.resolve(file).normalize();
    }
    String abs = p.toUri().getRawPath();
    String root = base.toUri().getRawPath();
    if (!root.endsWith("/")) {
      root += "/";
    }
    return abs.startsWith(root) ? abs.substring(root.length()) : p.toUri().toString();
  }
}
