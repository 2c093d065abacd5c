package dev.safeload.bom.internal;

import dev.safeload.bom.BomFormatException;
import dev.safeload.bom.SpdxBom.Element;
import dev.safeload.provenance.Sha256;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * A single-pass pull parser over an SPDX 3.0.1 JSON-LD document that keeps what incident response
 * needs: packages and files with their SHA-256 hashes, the {@code contains} relationships that
 * place files in packages, and safeload's {@code safeload:proof:ID:signer*} / {@code
 * safeload:source} annotations.
 *
 * <p>In check order: strict JSON (duplicate keys refused: two readers would see different hashes),
 * within {@link #MAX_BYTES}, {@link #MAX_DEPTH} and {@link #MAX_NODES}; a top-level object whose
 * {@code @context} is the SPDX 3.0.1 context and whose {@code @graph} is an array of objects; each
 * node has a string {@code type}; a package's or file's {@code spdxId} names no other node; a
 * {@code Hash} has string {@code algorithm} and {@code hashValue}, and a {@code sha256} value is 64
 * hex digits; a relationship has a string {@code from}, {@code relationshipType} and an array
 * {@code to} of strings; containment, through any element, has no cycle and nests at most {@link
 * #MAX_NESTING} deep. Anything else is a {@link BomFormatException}, never a partial answer. Paths
 * are built once per element (memoised).
 */
public final class SpdxReader extends BomJsonReader {
  /** Largest document. */
  public static final int MAX_BYTES = BomJsonReader.MAX_BYTES;

  /** Deepest JSON nesting (a flat graph needs five or six). */
  public static final int MAX_DEPTH = BomJsonReader.MAX_DEPTH;

  /** Most graph nodes. */
  public static final int MAX_NODES = 1_000_000;

  /** Deepest chain of {@code contains}. */
  public static final int MAX_NESTING = 32;

  /** Element types kept: the artifacts a BOM inventories. */
  private static final Set<String> KEPT =
      Set.of(
          "software_Package",
          "ai_AIPackage",
          "dataset_DatasetPackage",
          "software_File",
          "software_Snippet");

  /** What {@link #read} found: the context and the kept elements in document order. */
  public record Result(String context, List<Element> elements) {}

  private record Node(String type, String id, @Nullable String name, List<Sha256> sha256) {}

  private final List<Node> kept = new ArrayList<>();
  private final Map<String, String> ids = new HashMap<>(); // spdxId -> type of its first node
  private final Map<String, String> container =
      new HashMap<>(); // element id -> first containing id
  private final Map<String, ProofSigners> signers = new HashMap<>();
  private final Map<String, String> sources = new HashMap<>();
  private int nodes;

  private SpdxReader(JsonParser p) {
    super(p);
  }

  /**
   * Parses a whole document.
   *
   * @throws BomFormatException for anything that is not an SPDX 3.0.1 JSON-LD document within
   *     limits
   */
  public static Result read(byte[] json) throws BomFormatException {
    return read(json, p -> new SpdxReader(p).document());
  }

  private Result document() throws BomFormatException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new BomFormatException("the top level is not a JSON object");
    }
    String context = null;
    boolean graph = false;
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "@context" -> context = string(t, "@context");
        case "@graph" -> {
          graph(t);
          graph = true;
        }
        default -> p.skipChildren();
      }
    }
    if (p.nextToken() != null) {
      throw new BomFormatException("data after the top-level object");
    }
    if (context == null) {
      throw new BomFormatException("no @context");
    }
    if (!SpdxWriter.CONTEXT.equals(context)) {
      throw new BomFormatException("@context is not " + SpdxWriter.CONTEXT);
    }
    if (!graph) {
      throw new BomFormatException("no @graph");
    }
    return new Result(context, elements());
  }

  private void graph(JsonToken t) throws BomFormatException {
    expect(t, JsonToken.START_ARRAY, "@graph");
    for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
      if (++nodes > MAX_NODES) {
        throw new BomFormatException("more than " + MAX_NODES + " graph nodes");
      }
      node(v, "@graph[" + (nodes - 1) + "]");
    }
  }

  private void node(JsonToken t, String where) throws BomFormatException {
    expect(t, JsonToken.START_OBJECT, where);
    String type = null;
    String id = null;
    String name = null;
    String from = null;
    String relType = null;
    List<String> to = null;
    String subject = null;
    String statement = null;
    List<Sha256> sha256 = new ArrayList<>();
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "type", "@type" -> type = once(type, string(v, where + "." + field), where + ".type");
        case "spdxId", "@id" -> id = once(id, string(v, where + "." + field), where + ".spdxId");
        case "name" -> name = string(v, where + ".name");
        case "verifiedUsing" -> hashes(v, where + ".verifiedUsing", sha256);
        case "from" -> from = string(v, where + ".from");
        case "relationshipType" -> relType = string(v, where + ".relationshipType");
        case "to" -> to = strings(v, where + ".to");
        case "subject" -> subject = string(v, where + ".subject");
        case "statement" -> statement = string(v, where + ".statement");
        default -> p.skipChildren();
      }
    }
    if (type == null) {
      throw new BomFormatException(where + " has no type");
    }
    if (id != null && !id.startsWith("_:")) {
      // JSON-LD merges nodes that share an id. For a package or file that could give one element
      // two
      // names or hashes, so it is refused; relationships and annotations that repeat an id (the
      // official AI example 01 does) merge harmlessly: each still adds its own edges.
      String first = ids.putIfAbsent(id, type);
      if (first != null && (KEPT.contains(first) || KEPT.contains(type))) {
        throw new BomFormatException(where + ": spdxId " + printable(id) + " is used twice");
      }
    }
    if (type.equals("Relationship") || type.equals("LifecycleScopedRelationship")) {
      if (from == null || relType == null || to == null) {
        throw new BomFormatException(where + " lacks from, relationshipType or to");
      }
      if (relType.equals("contains")) {
        for (String x : to) {
          container.putIfAbsent(x, from); // the first container in document order places it
        }
      }
    } else if (type.equals("Annotation") && subject != null && statement != null) {
      int eq = statement.indexOf('=');
      if (statement.startsWith("safeload:proof:") && eq > 0) {
        signers
            .computeIfAbsent(subject, k -> new ProofSigners())
            .accept(statement.substring(0, eq), statement.substring(eq + 1), where);
      } else if (statement.startsWith("safeload:source=")
          && sources.putIfAbsent(subject, statement.substring("safeload:source=".length()))
              != null) {
        throw new BomFormatException(
            where + ": a second safeload:source for " + printable(subject));
      }
    }
    if (KEPT.contains(type)) {
      if (id == null) {
        throw new BomFormatException(where + ": a " + type + " has no spdxId");
      }
      kept.add(new Node(type, id, name, sha256));
    }
  }

  private List<Element> elements() throws BomFormatException {
    Map<String, List<String>> paths = new HashMap<>();
    List<Element> out = new ArrayList<>(kept.size());
    Map<String, Node> byId = new HashMap<>();
    kept.forEach(n -> byId.put(n.id(), n));
    Map<String, Integer> depths = new HashMap<>();
    for (Node n : kept) {
      depth(n.id(), depths, 0); // every walk up from n below is bounded from here on
      List<String> path = path(n.id(), byId, paths);
      String source = null;
      for (String a = n.id(); a != null && source == null; a = container.get(a)) {
        source = sources.get(a);
      }
      out.add(
          new Element(
              n.type(),
              label(n),
              n.id(),
              path,
              n.sha256(),
              signers.containsKey(n.id())
                  ? signers.get(n.id()).signers(printable(n.id()))
                  : List.of(),
              source));
    }
    return out;
  }

  /**
   * How many containers enclose {@code id}, following {@code contains} relationships through every
   * element, kept or not, declared or not (memoised). The one place where a cycle or a chain deeper
   * than {@link #MAX_NESTING} is refused, so that every walk up a chain afterwards (paths, sources)
   * is bounded: the source lookup once followed an undeclared {@code x} and {@code y} that contain
   * each other for ever.
   */
  private int depth(String id, Map<String, Integer> memo, int level) throws BomFormatException {
    Integer known = memo.get(id);
    if (known != null) {
      if (known < 0) {
        throw new BomFormatException(
            "contains relationships form a cycle through " + printable(id));
      }
      return known;
    }
    if (level >= MAX_NESTING) {
      throw new BomFormatException("contains relationships nest deeper than " + MAX_NESTING);
    }
    memo.put(id, -1); // in progress
    String parent = container.get(id);
    int d = parent == null ? 0 : depth(parent, memo, level + 1) + 1;
    if (d >= MAX_NESTING) { // whatever the order elements are met in
      throw new BomFormatException("contains relationships nest deeper than " + MAX_NESTING);
    }
    memo.put(id, d);
    return d;
  }

  /**
   * Names of the kept elements from the outermost container down to {@code id}, up to the first
   * container that is not kept; memoised. {@link #depth} has checked the chain.
   */
  private List<String> path(String id, Map<String, Node> byId, Map<String, List<String>> memo) {
    List<String> known = memo.get(id);
    if (known != null) {
      return known;
    }
    String parent = container.get(id);
    List<String> path = new ArrayList<>();
    if (parent != null && byId.containsKey(parent)) {
      path.addAll(path(parent, byId, memo));
    }
    Node self = byId.get(id);
    path.add(self == null ? id : label(self));
    List<String> done = List.copyOf(path);
    memo.put(id, done);
    return done;
  }

  private static String label(Node n) {
    return n.name() == null ? n.id() : n.name();
  }

  private void hashes(JsonToken t, String where, List<Sha256> out) throws BomFormatException {
    expect(t, JsonToken.START_ARRAY, where);
    int i = 0;
    for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken(), i++) {
      String at = where + "[" + i + "]";
      expect(v, JsonToken.START_OBJECT, at);
      String type = null;
      String alg = null;
      String value = null;
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String field = p.currentName();
        JsonToken f = p.nextToken();
        switch (field) {
          case "type", "@type" -> type = string(f, at + ".type");
          case "algorithm" -> alg = string(f, at + ".algorithm");
          case "hashValue" -> value = string(f, at + ".hashValue");
          default -> p.skipChildren();
        }
      }
      if (!"Hash".equals(type)) {
        continue; // another integrity method (a package verification code): not a file digest
      }
      if (alg == null || value == null) {
        throw new BomFormatException(at + " has no " + (alg == null ? "algorithm" : "hashValue"));
      }
      if (alg.equals("sha256")) {
        out.add(sha256(value, at + ".hashValue"));
      }
    }
  }

  private List<String> strings(JsonToken t, String where) throws BomFormatException {
    expect(t, JsonToken.START_ARRAY, where);
    List<String> out = new ArrayList<>();
    for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
      out.add(string(v, where + "[" + out.size() + "]"));
    }
    return out;
  }

  private static String once(@Nullable String previous, String value, String where)
      throws BomFormatException {
    if (previous != null) {
      throw new BomFormatException(where + " is given twice");
    }
    return value;
  }

  private static String printable(String s) {
    return printable(s, 64);
  }
}
