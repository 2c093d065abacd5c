package dev.safeload.bom.sarif;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.ReasonCode;
import dev.safeload.ScanReport;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonEncoding;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;

/**
 * A SARIF 2.1.0 log of safeload scans: the one writer behind {@code safeload scan --format sarif}
 * and the Maven plugin's {@code target/safeload.sarif}, for code scanning services (GitHub code
 * scanning and others).
 *
 * <ul>
 *   <li>{@code tool.driver.rules}: one rule per reason code: the catalog given to {@link
 *       Builder#rules} in its order, then any other code a finding carries (a plug-in handler's);
 *       the rule's {@code id} is the code, its description the code's description. Every level is
 *       {@code error}: safeload has no warnings, a finding is a rejection.
 *   <li>{@code results}: one per finding, with {@code ruleId}, {@code ruleIndex}, the message (the
 *       code's description when the finding has none) and one location: the file's path as a URI
 *       reference, and {@code region.byteOffset} when the finding has an offset. A model-level
 *       finding points at the file it names, or at the model.
 *   <li>{@code artifacts}: every file that was read, with its length and SHA-256.
 *   <li>{@code originalUriBaseIds}: with {@link Builder#projectRoot}, {@code PROJECTROOT}; paths
 *       under it are relative to it and carry {@code uriBaseId}.
 *   <li>{@code invocations} and {@code properties} when the caller gives them.
 * </ul>
 *
 * <p>Paths become URI references: a relative path stays relative with every character a URI cannot
 * hold percent-encoded; an absolute path becomes a {@code file:} URI unless it lies under the
 * project root.
 */
public final class SarifLog {
  /** The {@code $schema} the log names. */
  public static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

  /** The base id of {@link Builder#projectRoot}. */
  public static final String PROJECT_ROOT = "PROJECTROOT";

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
          .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
          .build();

  private record Model(ScanReport report, Function<String, String> path, String self) {}

  private final @Nullable String toolVersion;
  private final List<ReasonCode> rules;
  private final Map<String, Integer> ruleIndex;
  private final List<Model> models;
  private final @Nullable Path projectRoot;
  private final @Nullable Boolean executionSuccessful;
  private final int exitCode;
  private final Map<String, Object> properties;

  private SarifLog(Builder b) {
    this.toolVersion = b.toolVersion;
    this.models = List.copyOf(b.models);
    this.projectRoot = b.projectRoot;
    this.executionSuccessful = b.executionSuccessful;
    this.exitCode = b.exitCode;
    this.properties = new LinkedHashMap<>(b.properties);
    Map<String, Integer> index = new LinkedHashMap<>();
    List<ReasonCode> all = new ArrayList<>();
    for (ReasonCode c : b.rules) {
      addRule(c, all, index);
    }
    for (Model m : models) {
      for (Finding x : m.report().findings()) {
        addRule(x.reason(), all, index); // a plug-in's own codes
      }
    }
    this.rules = List.copyOf(all);
    this.ruleIndex = Map.copyOf(index);
  }

  /** A log for the tool at {@code toolVersion} (null: unknown, left out). */
  public static Builder builder(@Nullable String toolVersion) {
    return new Builder(toolVersion);
  }

  /** Builds a {@link SarifLog}. */
  public static final class Builder {
    private final @Nullable String toolVersion;
    private final List<ReasonCode> rules = new ArrayList<>();
    private final List<Model> models = new ArrayList<>();
    private @Nullable Path projectRoot;
    private @Nullable Boolean executionSuccessful;
    private int exitCode;
    private final Map<String, Object> properties = new LinkedHashMap<>();

    private Builder(@Nullable String toolVersion) {
      this.toolVersion = toolVersion;
    }

    /** The reason codes listed as rules, in this order (docs/REASONS.md order for safeload's). */
    public Builder rules(List<? extends ReasonCode> catalog) {
      rules.addAll(catalog);
      return this;
    }

    /**
     * One scanned model.
     *
     * @param path the path to show for a file of the model, given its name relative to the model
     * @param self the path to show for the model itself
     */
    public Builder model(ScanReport report, Function<String, String> path, String self) {
      models.add(
          new Model(
              Objects.requireNonNull(report, "report"),
              Objects.requireNonNull(path, "path"),
              Objects.requireNonNull(self, "self")));
      return this;
    }

    /**
     * One scanned model whose files are shown by their absolute paths: {@code source/name} for a
     * model directory, {@code source} for a model file (use with {@link #projectRoot}).
     */
    public Builder model(ScanReport report) {
      Path src = report.source().toAbsolutePath().normalize();
      boolean dir = java.nio.file.Files.isDirectory(src, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      return model(
          report,
          name -> dir ? src.resolve(name).normalize().toString() : src.toString(),
          src.toString());
    }

    /** Makes paths under {@code root} relative to it, with the base id {@code PROJECTROOT}. */
    public Builder projectRoot(Path root) {
      this.projectRoot = root.toAbsolutePath().normalize();
      return this;
    }

    /** Adds the {@code invocations} entry: whether every file could be read, and the exit code. */
    public Builder invocation(boolean executionSuccessful, int exitCode) {
      this.executionSuccessful = executionSuccessful;
      this.exitCode = exitCode;
      return this;
    }

    /**
     * A run property: a String, Number, Boolean, or a List or Map of those (nested as deep as
     * given).
     */
    public Builder property(String name, Object value) {
      properties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, name));
      return this;
    }

    public SarifLog build() {
      return new SarifLog(this);
    }
  }

  /** The rules in the order written ({@code ruleIndex} counts in this list). */
  public List<ReasonCode> rules() {
    return rules;
  }

  /** Writes the log as UTF-8 JSON and a newline; the stream is not closed. */
  public void writeTo(OutputStream out) {
    try (JsonGenerator g =
        JSON.createGenerator(ObjectWriteContext.empty(), out, JsonEncoding.UTF8)) {
      write(g);
    }
  }

  /** Writes the log as JSON and a newline; the writer is not closed. */
  public void writeTo(java.io.Writer out) {
    try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
      write(g);
    }
  }

  private void write(JsonGenerator g) {
    g.writeStartObject();
    g.writeStringProperty("$schema", SCHEMA);
    g.writeStringProperty("version", "2.1.0");
    g.writeName("runs");
    g.writeStartArray();
    g.writeStartObject();
    writeTool(g);
    if (projectRoot != null) {
      g.writeName("originalUriBaseIds");
      g.writeStartObject();
      g.writeName(PROJECT_ROOT);
      g.writeStartObject();
      String root = projectRoot.toUri().toASCIIString();
      g.writeStringProperty("uri", root.endsWith("/") ? root : root + "/");
      g.writeEndObject();
      g.writeEndObject();
    }
    writeArtifacts(g);
    g.writeName("results");
    g.writeStartArray();
    for (Model m : models) {
      for (Finding x : m.report().modelFindings()) {
        writeResult(g, x, x.file() == null ? m.self() : m.path().apply(x.file()));
      }
      for (FileReport f : m.report().files()) {
        for (Finding x : f.findings()) {
          writeResult(g, x, m.path().apply(x.file() == null ? f.name() : x.file()));
        }
      }
    }
    g.writeEndArray();
    if (executionSuccessful != null) {
      g.writeName("invocations");
      g.writeStartArray();
      g.writeStartObject();
      g.writeBooleanProperty("executionSuccessful", executionSuccessful);
      g.writeNumberProperty("exitCode", exitCode);
      g.writeEndObject();
      g.writeEndArray();
    }
    if (!properties.isEmpty()) {
      g.writeName("properties");
      writeValue(g, properties);
    }
    g.writeEndObject();
    g.writeEndArray();
    g.writeEndObject();
    g.writeRaw('\n');
  }

  private static void addRule(ReasonCode c, List<ReasonCode> rules, Map<String, Integer> index) {
    if (!index.containsKey(c.code())) {
      index.put(c.code(), rules.size());
      rules.add(c);
    }
  }

  private void writeTool(JsonGenerator g) {
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

  private void writeArtifacts(JsonGenerator g) {
    g.writeName("artifacts");
    g.writeStartArray();
    for (Model m : models) {
      for (FileReport f : m.report().files()) {
        if (f.sha256() == null) {
          continue; // not read: no length or digest to state
        }
        g.writeStartObject();
        writeLocation(g, "location", m.path().apply(f.name()));
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

  private void writeResult(JsonGenerator g, Finding x, String path) {
    g.writeStartObject();
    g.writeStringProperty("ruleId", x.reason().code());
    // Every finding's code was added to the index in the constructor.
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

  private void writeLocation(JsonGenerator g, String name, String path) {
    g.writeName(name);
    g.writeStartObject();
    String relative = underProjectRoot(path);
    if (relative != null) {
      g.writeStringProperty("uri", uri(relative));
      g.writeStringProperty("uriBaseId", PROJECT_ROOT);
    } else {
      g.writeStringProperty("uri", uri(path));
    }
    g.writeEndObject();
  }

  /** {@code path} relative to the project root with '/' separators, or null when not under it. */
  private @Nullable String underProjectRoot(String path) {
    if (projectRoot == null) {
      return null;
    }
    Path p;
    try {
      p = Path.of(path).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      return null;
    }
    if (!p.startsWith(projectRoot) || p.equals(projectRoot)) {
      return null;
    }
    return projectRoot.relativize(p).toString().replace('\\', '/');
  }

  private static void writeValue(JsonGenerator g, @Nullable Object v) {
    if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Long || v instanceof Integer) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof List<?> l) {
      g.writeStartArray();
      for (Object e : l) {
        writeValue(g, e);
      }
      g.writeEndArray();
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeName(String.valueOf(e.getKey()));
        writeValue(g, e.getValue());
      }
      g.writeEndObject();
    } else {
      throw new IllegalArgumentException("not a SARIF property value: " + v);
    }
  }

  /**
   * The path as SARIF wants it: a URI reference. A relative path stays relative (code scanning
   * resolves it against the checkout), with every character a URI cannot hold percent-encoded; an
   * absolute path becomes a {@code file:} URI.
   */
  public static String uri(String path) {
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
