package dev.safeload.bom.internal;

import dev.safeload.bom.BomFormatException;
import dev.safeload.bom.CycloneDxBom.Component;
import dev.safeload.provenance.Sha256;
import dev.safeload.provenance.Signer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * A single-pass pull parser over a CycloneDX JSON document that keeps only components and their
 * hashes. Strict JSON within limits as {@link BomJsonReader} reads it. Recursion follows JSON
 * nesting, so it is bounded by {@link #MAX_DEPTH}.
 */
public final class CycloneDxReader extends BomJsonReader {
  /** Largest document (a fleet BOM with thousands of components is a few MiB). */
  public static final int MAX_BYTES = BomJsonReader.MAX_BYTES;

  /** Deepest JSON nesting; components nest a few levels in practice. */
  public static final int MAX_DEPTH = BomJsonReader.MAX_DEPTH;

  /** Most components kept. */
  public static final int MAX_COMPONENTS = 200_000;

  private static final Set<String> SPEC_VERSIONS = Set.of("1.2", "1.3", "1.4", "1.5", "1.6", "1.7");

  /** What {@link #read} found. */
  public record Result(
      String specVersion, @Nullable String serialNumber, List<Component> components) {}

  private final List<Entry> entries = new ArrayList<>();

  /** A component as read; {@code parent} is the index of the enclosing one, or -1. */
  private record Entry(
      String type,
      String name,
      @Nullable String ref,
      int parent,
      List<Sha256> sha256,
      List<Signer> signers,
      @Nullable String source) {}

  private CycloneDxReader(JsonParser p) {
    super(p);
  }

  /**
   * Parses a whole document.
   *
   * @throws BomFormatException for anything that is not a CycloneDX JSON BOM within the limits
   */
  public static Result read(byte[] json) throws BomFormatException {
    return read(json, p -> new CycloneDxReader(p).document());
  }

  private Result document() throws BomFormatException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new BomFormatException("the top level is not a JSON object");
    }
    String format = null;
    String spec = null;
    String serial = null;
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "bomFormat" -> format = string(t, "bomFormat");
        case "specVersion" -> spec = string(t, "specVersion");
        case "serialNumber" -> serial = string(t, "serialNumber");
        case "metadata" -> metadata(t);
        case "components" -> componentList(t, "components", -1);
        default -> p.skipChildren();
      }
    }
    if (p.nextToken() != null) {
      throw new BomFormatException("data after the top-level object");
    }
    if (!"CycloneDX".equals(format)) {
      throw new BomFormatException(format == null ? "no bomFormat" : "bomFormat is not CycloneDX");
    }
    if (spec == null || !SPEC_VERSIONS.contains(spec)) {
      throw new BomFormatException(
          spec == null
              ? "no specVersion"
              : "specVersion "
                  + printable(spec, 16)
                  + " is not one of "
                  + String.join(", ", SPEC_VERSIONS.stream().sorted().toList()));
    }
    return new Result(spec, serial, components());
  }

  private void metadata(JsonToken t) throws BomFormatException {
    expect(t, JsonToken.START_OBJECT, "metadata");
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (name.equals("component")) {
        component(v, "metadata.component", -1);
      } else {
        p.skipChildren();
      }
    }
  }

  private void componentList(JsonToken t, String where, int parent) throws BomFormatException {
    expect(t, JsonToken.START_ARRAY, where);
    int i = 0;
    for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken(), i++) {
      component(v, where + "[" + i + "]", parent);
    }
  }

  /**
   * Reads one component and those nested in it. Its slot is taken before the nested ones are read,
   * so that an enclosing component comes first; its name may follow its nested components in the
   * JSON, so paths are put together from the parent links once the whole document has been read.
   */
  private void component(JsonToken t, String where, int parent) throws BomFormatException {
    expect(t, JsonToken.START_OBJECT, where);
    if (entries.size() >= MAX_COMPONENTS) {
      throw new BomFormatException("more than " + MAX_COMPONENTS + " components");
    }
    int slot = entries.size();
    entries.add(null);
    String type = null;
    String name = null;
    String ref = null;
    List<Sha256> sha256 = new ArrayList<>();
    ProofSigners signers = new ProofSigners();
    List<String> sources = new ArrayList<>();
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "type" -> type = string(v, where + ".type");
        case "name" -> name = string(v, where + ".name");
        case "bom-ref" -> ref = string(v, where + ".bom-ref");
        case "hashes" -> hashes(v, where + ".hashes", sha256);
        case "externalReferences" -> externalReferences(v, where + ".externalReferences", sha256);
        case "components" -> componentList(v, where + ".components", slot);
        case "properties" -> properties(v, where + ".properties", signers, sources);
        default -> p.skipChildren();
      }
    }
    if (type == null || name == null) {
      throw new BomFormatException(where + " has no " + (type == null ? "type" : "name"));
    }
    if (sources.size() > 1) {
      throw new BomFormatException(where + " has more than one safeload:source");
    }
    entries.set(
        slot,
        new Entry(
            type,
            name,
            ref,
            parent,
            sha256,
            signers.signers(where),
            sources.isEmpty() ? null : sources.get(0)));
  }

  private List<Component> components() {
    List<Component> out = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      List<String> path = new ArrayList<>();
      for (Entry a = e; a != null; a = a.parent < 0 ? null : entries.get(a.parent)) {
        path.add(
            0, a.name); // at most MAX_DEPTH / 2 levels: each component nests in two JSON levels
      }
      String source = null;
      for (Entry a = e;
          a != null && source == null;
          a = a.parent < 0 ? null : entries.get(a.parent)) {
        source = a.source;
      }
      out.add(new Component(e.type, e.name, e.ref, path, e.sha256, e.signers, source));
    }
    return out;
  }

  /**
   * The SHA-256 hashes of a component's external references, added to its own: a BOM written by
   * another tool may give a model's digest only on the reference to where it was downloaded from (a
   * {@code distribution} with {@code hashes}), and that BOM names the file as much as one whose
   * component carries the hash. Missing it would answer "not ours" for a revoked model we load.
   */
  private void externalReferences(JsonToken t, String where, List<Sha256> out)
      throws BomFormatException {
    expect(t, JsonToken.START_ARRAY, where);
    int i = 0;
    for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken(), i++) {
      String at = where + "[" + i + "]";
      expect(v, JsonToken.START_OBJECT, at);
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String field = p.currentName();
        JsonToken f = p.nextToken();
        if (field.equals("hashes")) {
          hashes(f, at + ".hashes", out);
        } else {
          p.skipChildren();
        }
      }
    }
  }

  private void hashes(JsonToken t, String where, List<Sha256> out) throws BomFormatException {
    expect(t, JsonToken.START_ARRAY, where);
    int i = 0;
    for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken(), i++) {
      String at = where + "[" + i + "]";
      expect(v, JsonToken.START_OBJECT, at);
      String alg = null;
      String content = null;
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String field = p.currentName();
        JsonToken f = p.nextToken();
        switch (field) {
          case "alg" -> alg = string(f, at + ".alg");
          case "content" -> content = string(f, at + ".content");
          default -> p.skipChildren();
        }
      }
      if (alg == null || content == null) {
        throw new BomFormatException(at + " has no " + (alg == null ? "alg" : "content"));
      }
      if (alg.equals("SHA-256")) {
        out.add(sha256(content, at + ".content"));
      }
    }
  }

  /** The proofs' signers and the {@code safeload:source} values among a component's properties. */
  private void properties(JsonToken t, String where, ProofSigners signers, List<String> sources)
      throws BomFormatException {
    expect(t, JsonToken.START_ARRAY, where);
    int i = 0;
    for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken(), i++) {
      String at = where + "[" + i + "]";
      expect(v, JsonToken.START_OBJECT, at);
      String name = null;
      String value = null;
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String field = p.currentName();
        JsonToken f = p.nextToken();
        switch (field) {
          case "name" -> name = string(f, at + ".name");
          case "value" -> value = string(f, at + ".value");
          default -> p.skipChildren();
        }
      }
      if ("safeload:source".equals(name)) {
        if (value == null) {
          throw new BomFormatException(at + " has no value");
        }
        sources.add(value);
      } else if (name != null) {
        signers.accept(name, value, at);
      }
    }
  }
}
