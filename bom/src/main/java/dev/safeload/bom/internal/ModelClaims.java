package dev.safeload.bom.internal;

import dev.safeload.bom.internal.BomModel.BomFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;

/**
 * Model-card fields and base models that one file of a model declares in its metadata (GGUF {@code
 * general.*}, safetensors ModelSpec {@code modelspec.*}). They are claims: written only when a file
 * states them, and the model card names the file in {@code safeload:claimed-by}.
 */
final class ModelClaims {
  private final String file;
  private final @Nullable String architectureFamily;
  private final @Nullable String modelArchitecture;
  private final List<Map.Entry<String, String>> properties;
  private final List<Ancestor> ancestors;

  /** A base model a file declares, as the writers need it. */
  record Ancestor(String name, @Nullable String group, @Nullable String url) {}

  /** The file that made these claims. */
  String file() {
    return file;
  }

  /** The base models it declares, in its order. */
  List<Ancestor> ancestors() {
    return ancestors;
  }

  /** {@code general.architecture}, if declared. */
  @Nullable String architectureFamily() {
    return architectureFamily;
  }

  private ModelClaims(
      String file,
      @Nullable String architectureFamily,
      @Nullable String modelArchitecture,
      List<Map.Entry<String, String>> properties,
      List<Ancestor> ancestors) {
    this.file = file;
    this.architectureFamily = architectureFamily;
    this.modelArchitecture = modelArchitecture;
    this.properties = properties;
    this.ancestors = ancestors;
  }

  /** The claims of the first file (in name order) that makes any, or {@code null} if none does. */
  static @Nullable ModelClaims of(List<BomFile> files) {
    for (BomFile f : files) {
      ModelClaims c = of(f);
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  private static @Nullable ModelClaims of(BomFile f) {
    Map<String, String> m = f.metadata();
    String arch = value(m, "general.architecture");
    String modelArch = value(m, "modelspec.architecture");
    List<Map.Entry<String, String>> props = new ArrayList<>();
    // Registered names of the CycloneDX ai-ml property taxonomy, so other tools can read them.
    String size = value(m, "general.size_label");
    if (size != null) {
      props.add(Map.entry("cdx:ai-ml:model:parameter:count", size));
    }
    String context = arch == null ? null : value(m, arch + ".context_length");
    if (context != null) {
      props.add(Map.entry("cdx:ai-ml:model:hyperparameter:context_length", context));
    }
    List<Ancestor> ancestors = new ArrayList<>();
    String count = value(m, "general.base_model.count");
    int n =
        count == null || !count.matches("[0-9]{1,3}")
            ? 0
            : Math.min(Integer.parseInt(count), CycloneDxWriter.MAX_ANCESTORS);
    for (int i = 0; i < n; i++) {
      String prefix = "general.base_model." + i + ".";
      String url = value(m, prefix + "repo_url");
      String name = value(m, prefix + "name");
      if (name == null) {
        name = url; // the repository names a base model better than a title-cased guess would
      }
      if (name != null) {
        ancestors.add(
            new Ancestor(
                name,
                value(m, prefix + "organization"),
                url != null && url.startsWith("https://") && url.chars().noneMatch(c -> c <= ' ')
                    ? url
                    : null));
      }
    }
    if (arch == null && modelArch == null && props.isEmpty() && ancestors.isEmpty()) {
      return null;
    }
    return new ModelClaims(f.name(), arch, modelArch, props, ancestors);
  }

  private static @Nullable String value(Map<String, String> m, String key) {
    String v = m.get(key);
    return v != null && CycloneDxWriter.fits(v) ? v : null;
  }

  void writePedigree(JsonGenerator g) {
    if (ancestors.isEmpty()) {
      return;
    }
    g.writeName("pedigree");
    g.writeStartObject();
    g.writeName("ancestors");
    g.writeStartArray();
    for (Ancestor a : ancestors) {
      g.writeStartObject();
      g.writeStringProperty("type", "machine-learning-model");
      if (a.group() != null) {
        g.writeStringProperty("group", a.group());
      }
      g.writeStringProperty("name", a.name());
      if (a.url() != null) {
        g.writeName("externalReferences");
        g.writeStartArray();
        g.writeStartObject();
        g.writeStringProperty("type", "website");
        g.writeStringProperty("url", a.url());
        g.writeEndObject();
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeStringProperty("notes", "declared by " + file + " (general.base_model.*); not verified");
    g.writeEndObject();
  }

  void writeModelCard(JsonGenerator g) {
    g.writeName("modelCard");
    g.writeStartObject();
    if (architectureFamily != null || modelArchitecture != null) {
      g.writeName("modelParameters");
      g.writeStartObject();
      if (architectureFamily != null) {
        g.writeStringProperty("architectureFamily", architectureFamily);
      }
      if (modelArchitecture != null) {
        g.writeStringProperty("modelArchitecture", modelArchitecture);
      }
      g.writeEndObject();
    }
    List<Map.Entry<String, String>> all = new ArrayList<>(properties);
    all.add(
        Map.entry("safeload:claimed-by", file + " metadata; declared by the file, not verified"));
    CycloneDxWriter.writeProperties(g, all);
    g.writeEndObject();
  }
}
