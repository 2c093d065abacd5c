package dev.safeload.formats.internal.onnx;

import static dev.safeload.formats.internal.protobuf.ProtoReader.I32;
import static dev.safeload.formats.internal.protobuf.ProtoReader.I64;
import static dev.safeload.formats.internal.protobuf.ProtoReader.LEN;
import static dev.safeload.formats.internal.protobuf.ProtoReader.VARINT;

import dev.safeload.Reason;
import dev.safeload.formats.internal.protobuf.ProtoReader;
import dev.safeload.formats.internal.text.Utf8;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.TensorInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Walks an ONNX ModelProto on the wire, schema-driven and without generated code: every field of
 * every message must be known with its wire type (unknown fields are rejected), singular fields may
 * appear once, nesting is bounded, strings are UTF-8. Tensors are checked where they are: initializers,
 * attribute tensors, sparse tensors, in the main graph, subgraphs, functions and training graphs.
 * Nothing is copied except names the checks need.
 */
public final class OnnxWalker {

  /** Limits from the policy. */
  public record Limits(long maxDepth, long maxNodes, long maxTensors, long maxFunctions,
      long maxMetadataEntries, long maxRank) {}

  /** One external-data reference: a byte range of a file next to the model. */
  public record External(String tensor, String dtype, List<Long> shape, String location, long offset,
      long length, long at) {}

  /** What a valid model holds. */
  public record Result(Map<String, String> metadata, List<TensorInfo> tensors, List<External> externals,
      Set<String> nodeDomains) {}

  /** Newest IR version whose schema this walker knows. */
  public static final long MAX_IR_VERSION = 14;
  private static final int MAX_DESCRIBED = 4096;

  private final ProtoReader r;
  private final Limits limits;
  private final Predicate<String> domainAllowed;
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private final List<TensorInfo> tensors = new ArrayList<>();
  private final List<External> externals = new ArrayList<>();
  private final Set<String> nodeDomains = new HashSet<>();
  private final Set<String> modelOpsets = new HashSet<>();
  private final List<String[]> pendingNodeDomains = new ArrayList<>(); // {domain, op, scope-imports-key}
  private long nodes;
  private long tensorCount;
  private long functions;
  private long metadataEntries;

  private OnnxWalker(ModelBytes b, Limits limits, Predicate<String> domainAllowed) {
    this.r = new ProtoReader(b, 0, b.size());
    this.limits = limits;
    this.domainAllowed = domainAllowed;
  }

  /**
   * Validates a whole model.
   *
   * @param domainAllowed whether a node's operator domain (normalised: {@code ai.onnx} for "") is allowed
   */
  public static Result walk(ModelBytes b, Limits limits, Predicate<String> domainAllowed) {
    OnnxWalker w = new OnnxWalker(b, limits, domainAllowed);
    w.model();
    return new Result(w.metadata, w.tensors, w.externals, w.nodeDomains);
  }

  // ------------------------------------------------------------------ messages

  private void model() {
    long seen = 0;
    long irVersion = -1;
    boolean hasGraph = false;
    Set<String> metaKeys = new HashSet<>();
    while (!r.atEnd()) {
      long tagAt = r.position();
      long tag = r.readTag();
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      switch (f) {
        case 1 -> {
          seen = once(seen, f, wt, VARINT, tagAt);
          irVersion = r.readVarint();
          metadata.put("ir_version", Long.toString(irVersion));
        }
        case 2, 3, 4, 6 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          String s = string(true);
          String key = f == 2 ? "producer_name" : f == 3 ? "producer_version" : "domain";
          if (f != 6 && s != null) {
            metadata.put(key, s);
          }
        }
        case 5 -> {
          seen = once(seen, f, wt, VARINT, tagAt);
          metadata.put("model_version", Long.toString(r.readVarint()));
        }
        case 7 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          hasGraph = true;
          nested(1, () -> graph(1, modelOpsets));
        }
        case 8 -> {
          expect(f, wt, LEN, tagAt);
          nested(1, () -> opset(modelOpsets, tagAt));
        }
        case 14 -> {
          expect(f, wt, LEN, tagAt);
          String[] kv = entry(1);
          metadataEntry(tagAt);
          if (!metaKeys.add(kv[0])) {
            throw new FormatException(Reason.ONNX_DUPLICATE_NAME, tagAt, "duplicate metadata_props key " + kv[0]);
          }
          if (kv[0].length() <= MAX_DESCRIBED && kv[1].length() <= MAX_DESCRIBED) {
            metadata.put("metadata_props." + kv[0], kv[1]);
          }
        }
        case 20 -> {
          expect(f, wt, LEN, tagAt);
          nested(1, () -> trainingInfo(1));
        }
        case 25 -> {
          expect(f, wt, LEN, tagAt);
          if (++functions > limits.maxFunctions()) {
            throw new FormatException(Reason.ONNX_LIMIT_EXCEEDED, tagAt, "more than " + limits.maxFunctions() + " functions");
          }
          nested(1, () -> function(1));
        }
        case 26 -> {
          // DeviceConfigurationProto (IR 11+): names and counts only, no tensors or graphs inside.
          expect(f, wt, LEN, tagAt);
          r.skip(LEN);
        }
        default -> throw unknown("ModelProto", f, tagAt);
      }
    }
    if (irVersion < 3 || irVersion > MAX_IR_VERSION) {
      throw new FormatException(Reason.ONNX_NOT_A_MODEL, 0, irVersion < 0 ? "no ir_version"
          : "ir_version " + irVersion + " is outside [3, " + MAX_IR_VERSION + "]");
    }
    if (!hasGraph) {
      throw new FormatException(Reason.ONNX_NOT_A_MODEL, 0, "no graph");
    }
    if (modelOpsets.isEmpty()) {
      throw new FormatException(Reason.ONNX_OPSET_MISSING, 0, "no opset_import");
    }
    checkNodeDomains();
    checkFunctionCalls();
  }

  /** Node domains are checked once all opset imports of their scope are known (imports may follow graphs). */
  private final Map<String, Set<String>> scopes = new HashMap<>();

  private void checkNodeDomains() {
    for (String[] n : pendingNodeDomains) {
      Set<String> imports = n[2].equals("model") ? modelOpsets : scopes.get(n[2]);
      if (imports == null || !imports.contains(n[0])) {
        throw new FormatException(Reason.ONNX_OPSET_MISSING, Long.parseLong(n[3]),
            "node " + n[1] + " uses domain '" + n[0] + "', which has no opset_import");
      }
    }
  }

  private void opset(Set<String> imports, long at) {
    long seen = 0;
    String domain = "";
    while (!r.atEnd()) {
      long tagAt = r.position();
      long tag = r.readTag();
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      switch (f) {
        case 1 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          domain = nonNullString();
        }
        case 2 -> {
          seen = once(seen, f, wt, VARINT, tagAt);
          long v = r.readVarint();
          if (v < 1 || v > Integer.MAX_VALUE) {
            throw new FormatException(Reason.ONNX_OPSET_MISSING, tagAt, "opset version " + v);
          }
        }
        default -> throw unknown("OperatorSetIdProto", f, tagAt);
      }
    }
    String d = normaliseDomain(domain);
    if (!imports.add(d)) {
      throw new FormatException(Reason.ONNX_DUPLICATE_NAME, at, "opset_import names domain '" + d + "' twice");
    }
    if (imports == modelOpsets && metadataEntries < limits.maxMetadataEntries()) {
      metadata.put("opset_import." + d, "");
    }
  }

  private void graph(int depth, Set<String> imports) {
    String scope = scopeKey(imports);
    long seen = 0;
    Set<String> initNames = new HashSet<>();
    while (!r.atEnd()) {
      long tagAt = r.position();
      long tag = r.readTag();
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      switch (f) {
        case 1 -> {
          expect(f, wt, LEN, tagAt);
          if (++nodes > limits.maxNodes()) {
            throw new FormatException(Reason.ONNX_LIMIT_EXCEEDED, tagAt, "more than " + limits.maxNodes() + " nodes");
          }
          nested(depth + 1, () -> node(depth + 1, imports, scope));
        }
        case 2, 10 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          string(false);
        }
        case 5 -> {
          expect(f, wt, LEN, tagAt);
          Tensor t = nestedTensor(depth + 1);
          if (t.name.isEmpty() || !initNames.add(t.name)) {
            throw new FormatException(Reason.ONNX_DUPLICATE_NAME, tagAt,
                "initializer name '" + t.name + "' is empty or used twice in one graph");
          }
          if (depth == 1 && t.rawLength >= 0) {
            tensors.add(new TensorInfo(t.name, DataTypes.name(t.dataType), t.dims, t.rawOffset, t.rawLength));
          }
        }
        case 15 -> {
          expect(f, wt, LEN, tagAt);
          String name = nestedSparse(depth + 1);
          if (name.isEmpty() || !initNames.add(name)) {
            throw new FormatException(Reason.ONNX_DUPLICATE_NAME, tagAt,
                "sparse initializer name '" + name + "' is empty or used twice in one graph");
          }
        }
        case 11, 12, 13 -> {
          expect(f, wt, LEN, tagAt);
          nested(depth + 1, () -> valueInfo(depth + 1));
        }
        case 14 -> {
          expect(f, wt, LEN, tagAt);
          nested(depth + 1, this::tensorAnnotation);
        }
        case 16 -> {
          expect(f, wt, LEN, tagAt);
          entry(depth + 1);
        }
        default -> throw unknown("GraphProto", f, tagAt);
      }
    }
  }

  private void node(int depth, Set<String> imports, String scope) {
    long seen = 0;
    String op = "";
    String domain = "";
    String overload = "";
    long at = r.position();
    while (!r.atEnd()) {
      long tagAt = r.position();
      long tag = r.readTag();
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      switch (f) {
        case 1, 2 -> {
          expect(f, wt, LEN, tagAt);
          string(false);
        }
        case 3, 6 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          string(false);
        }
        case 8 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          overload = nonNullString();
        }
        case 4 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          op = nonNullString();
        }
        case 7 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          domain = nonNullString();
        }
        case 5 -> {
          expect(f, wt, LEN, tagAt);
          nested(depth + 1, () -> attribute(depth + 1, imports));
        }
        case 9 -> {
          expect(f, wt, LEN, tagAt);
          entry(depth + 1);
        }
        case 10 -> {
          // NodeDeviceConfigurationProto (IR 11+): sharding annotations, no tensors or graphs inside.
          expect(f, wt, LEN, tagAt);
          r.skip(LEN);
        }
        default -> throw unknown("NodeProto", f, tagAt);
      }
    }
    if (op.isEmpty()) {
      throw new FormatException(Reason.ONNX_NOT_A_MODEL, at, "node without op_type");
    }
    String d = normaliseDomain(domain);
    if (!domainAllowed.test(d)) {
      throw new FormatException(Reason.ONNX_DOMAIN_NOT_ALLOWED, at,
          "node " + op + " uses operator domain '" + d + "', which the policy does not allow");
    }
    nodeDomains.add(d);
    pendingNodeDomains.add(new String[] {d, op, scope, Long.toString(at), overload});
  }

  private void attribute(int depth, Set<String> imports) {
    long seen = 0;
    while (!r.atEnd()) {
      long tagAt = r.position();
      long tag = r.readTag();
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      switch (f) {
        case 1, 21, 13 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          string(false);
        }
        case 20 -> {
          seen = once(seen, f, wt, VARINT, tagAt);
          r.readVarint();
        }
        case 2 -> {
          seen = once(seen, f, wt, I32, tagAt);
          r.skip(I32);
        }
        case 3 -> {
          seen = once(seen, f, wt, VARINT, tagAt);
          r.readVarint();
        }
        case 4 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          r.skip(LEN); // bytes: UTF-8 by convention only
        }
        case 5 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          nestedTensor(depth + 1);
        }
        case 6 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          nested(depth + 1, () -> graph(depth + 1, imports));
        }
        case 22 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          nestedSparse(depth + 1);
        }
        case 14 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          nested(depth + 1, () -> typeProto(depth + 1));
        }
        case 7 -> repeatedScalar(f, wt, I32, tagAt);
        case 8 -> repeatedScalar(f, wt, VARINT, tagAt);
        case 9 -> {
          expect(f, wt, LEN, tagAt);
          r.skip(LEN);
        }
        case 10 -> {
          expect(f, wt, LEN, tagAt);
          nestedTensor(depth + 1);
        }
        case 11 -> {
          expect(f, wt, LEN, tagAt);
          nested(depth + 1, () -> graph(depth + 1, imports));
        }
        case 23 -> {
          expect(f, wt, LEN, tagAt);
          nestedSparse(depth + 1);
        }
        case 15 -> {
          expect(f, wt, LEN, tagAt);
          nested(depth + 1, () -> typeProto(depth + 1));
        }
        default -> throw unknown("AttributeProto", f, tagAt);
      }
    }
  }

  private void valueInfo(int depth) {
    long seen = 0;
    while (!r.atEnd()) {
      long tagAt = r.position();
      long tag = r.readTag();
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      switch (f) {
        case 1, 3 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          string(false);
        }
        case 2 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          nested(depth + 1, () -> typeProto(depth + 1));
        }
        case 4 -> {
          expect(f, wt, LEN, tagAt);
          entry(depth + 1);
        }
        default -> throw unknown("ValueInfoProto", f, tagAt);
      }
    }
  }

  private void typeProto(int depth) {
    long seen = 0;
    boolean value = false;
    while (!r.atEnd()) {
      long tagAt = r.position();
      long tag = r.readTag();
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      if (f == 6) {
        seen = once(seen, f, wt, LEN, tagAt);
        string(false);
        continue;
      }
      if (f != 1 && f != 4 && f != 5 && f != 7 && f != 8 && f != 9) {
        throw unknown("TypeProto", f, tagAt);
      }
      expect(f, wt, LEN, tagAt);
      if (value) {
        throw new FormatException(Reason.ONNX_DUPLICATE_FIELD, tagAt, "TypeProto sets its oneof value twice");
      }
      value = true;
      switch (f) {
        case 1, 8 -> nested(depth + 1, () -> tensorType(depth + 1));
        case 4, 9 -> nested(depth + 1, () -> singleType(depth + 1, "TypeProto.Sequence/Optional"));
        case 5 -> nested(depth + 1, () -> mapType(depth + 1));
        default -> nested(depth + 1, this::opaqueType);
      }
    }
  }

  private void tensorType(int depth) {
    long seen = 0;
    while (!r.atEnd()) {
      long tagAt = r.position();
      long tag = r.readTag();
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      switch (f) {
        case 1 -> {
          seen = once(seen, f, wt, VARINT, tagAt);
          r.readVarint();
        }
        case 2 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          nested(depth + 1, () -> shape(depth + 1));
        }
        default -> throw unknown("TypeProto.Tensor", f, tagAt);
      }
    }
  }

  private void singleType(int depth, String what) {
    long seen = 0;
    while (!r.atEnd()) {
      long tagAt = r.position();
      long tag = r.readTag();
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      if (f != 1) {
        throw unknown(what, f, tagAt);
      }
      seen = once(seen, f, wt, LEN, tagAt);
      nested(depth + 1, () -> typeProto(depth + 1));
    }
  }

  private void mapType(int depth) {
    long seen = 0;
    while (!r.atEnd()) {
      long tagAt = r.position();
      long tag = r.readTag();
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      switch (f) {
        case 1 -> {
          seen = once(seen, f, wt, VARINT, tagAt);
          r.readVarint();
        }
        case 2 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          nested(depth + 1, () -> typeProto(depth + 1));
        }
        default -> throw unknown("TypeProto.Map", f, tagAt);
      }
    }
  }

  private void opaqueType() {
    long seen = 0;
    while (!r.atEnd()) {
      long tagAt = r.position();
      long tag = r.readTag();
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      if (f != 1 && f != 2) {
        throw unknown("TypeProto.Opaque", f, tagAt);
      }
      seen = once(seen, f, wt, LEN, tagAt);
      string(false);
    }
  }

  private void shape(int depth) {
    while (!r.atEnd()) {
      long tagAt = r.position();
      long tag = r.readTag();
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      if (f != 1) {
        throw unknown("TensorShapeProto", f, tagAt);
      }
      expect(f, wt, LEN, tagAt);
      nested(depth + 1, this::dimension);
    }
  }

  private void dimension() {
    long seen = 0;
    boolean value = false;
    while (!r.atEnd()) {
      long tagAt = r.position();
      long tag = r.readTag();
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      switch (f) {
        case 1, 2 -> {
          seen = once(seen, f, wt, f == 1 ? VARINT : LEN, tagAt);
          if (value) {
            throw new FormatException(Reason.ONNX_DUPLICATE_FIELD, tagAt, "dimension has both dim_value and dim_param");
          }
          value = true;
          if (f == 1) {
            r.readVarint();
          } else {
            string(false);
          }
        }
        case 3 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          string(false);
        }
        default -> throw unknown("TensorShapeProto.Dimension", f, tagAt);
      }
    }
  }

  private void tensorAnnotation() {
    long seen = 0;
    while (!r.atEnd()) {
      long tagAt = r.position();
      long tag = r.readTag();
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      switch (f) {
        case 1 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          string(false);
        }
        case 2 -> {
          expect(f, wt, LEN, tagAt);
          entry(2);
        }
        default -> throw unknown("TensorAnnotation", f, tagAt);
      }
    }
  }

  private void trainingInfo(int depth) {
    long seen = 0;
    while (!r.atEnd()) {
      long tagAt = r.position();
      long tag = r.readTag();
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      switch (f) {
        case 1, 2 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          nested(depth + 1, () -> graph(depth + 1, modelOpsets));
        }
        case 3, 4 -> {
          expect(f, wt, LEN, tagAt);
          entry(depth + 1);
        }
        default -> throw unknown("TrainingInfoProto", f, tagAt);
      }
    }
  }

  private void function(int depth) {
    long seen = 0;
    Set<String> imports = new HashSet<>();
    String scope = "function#" + functions;
    scopes.put(scope, imports);
    String[] id = {"", "", ""}; // domain, name, overload
    long start = r.position();
    while (!r.atEnd()) {
      long tagAt = r.position();
      long tag = r.readTag();
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      switch (f) {
        case 8 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          string(false);
        }
        case 1, 10, 13 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          id[f == 10 ? 0 : f == 1 ? 1 : 2] = nonNullString();
        }
        case 4, 5, 6 -> {
          expect(f, wt, LEN, tagAt);
          string(false);
        }
        case 11 -> {
          expect(f, wt, LEN, tagAt);
          nested(depth + 1, () -> attribute(depth + 1, imports));
        }
        case 7 -> {
          expect(f, wt, LEN, tagAt);
          if (++nodes > limits.maxNodes()) {
            throw new FormatException(Reason.ONNX_LIMIT_EXCEEDED, tagAt, "more than " + limits.maxNodes() + " nodes");
          }
          nested(depth + 1, () -> node(depth + 1, imports, scope));
        }
        case 9 -> {
          expect(f, wt, LEN, tagAt);
          nested(depth + 1, () -> opset(imports, tagAt));
        }
        case 12 -> {
          expect(f, wt, LEN, tagAt);
          nested(depth + 1, () -> valueInfo(depth + 1));
        }
        case 14 -> {
          expect(f, wt, LEN, tagAt);
          entry(depth + 1);
        }
        default -> throw unknown("FunctionProto", f, tagAt);
      }
    }
    String key = functionKey(normaliseDomain(id[0]), id[1], id[2]);
    if (id[1].isEmpty() || functionScopes.put(key, scope) != null) {
      throw new FormatException(Reason.ONNX_FUNCTION_INVALID, start,
          "function '" + id[1] + "' in domain '" + id[0] + "' has no name or is defined twice");
    }
  }

  /** Model-local function id (domain, name, overload) to the scope key of its body. */
  private final Map<String, String> functionScopes = new HashMap<>();
  /** onnx.checker's kMaxFunctionCallDepth. */
  private static final int MAX_CALL_DEPTH = 100;

  private static String functionKey(String domain, String name, String overload) {
    return domain + '\u0000' + name + '\u0000' + overload;
  }

  /**
   * Rejects call cycles among model-local functions and call chains deeper than
   * {@value #MAX_CALL_DEPTH}: an engine inlining them would recurse without end.
   */
  private void checkFunctionCalls() {
    if (functionScopes.isEmpty()) {
      return;
    }
    Map<String, List<String>> calls = new HashMap<>();
    for (String[] n : pendingNodeDomains) {
      String callee = functionScopes.get(functionKey(n[0], n[1], n[4]));
      if (callee != null) {
        calls.computeIfAbsent(n[2], k -> new ArrayList<>()).add(callee);
      }
    }
    Map<String, Integer> depth = new HashMap<>(); // finished scopes: longest chain below them
    Set<String> onPath = new HashSet<>();
    for (String f : functionScopes.values()) {
      callDepth(f, calls, depth, onPath, 0);
    }
  }

  private int callDepth(String f, Map<String, List<String>> calls, Map<String, Integer> depth, Set<String> onPath,
      int level) {
    Integer known = depth.get(f);
    if (known != null) {
      return known;
    }
    if (level > MAX_CALL_DEPTH) {
      throw new FormatException(Reason.ONNX_FUNCTION_INVALID, 0, "function calls nest deeper than " + MAX_CALL_DEPTH);
    }
    if (!onPath.add(f)) {
      throw new FormatException(Reason.ONNX_FUNCTION_INVALID, 0, "model-local functions call each other in a cycle");
    }
    int max = 0;
    for (String g : calls.getOrDefault(f, List.of())) {
      max = Math.max(max, 1 + callDepth(g, calls, depth, onPath, level + 1));
    }
    if (max > MAX_CALL_DEPTH) {
      throw new FormatException(Reason.ONNX_FUNCTION_INVALID, 0, "function calls nest deeper than " + MAX_CALL_DEPTH);
    }
    onPath.remove(f);
    depth.put(f, max);
    return max;
  }

  private String scopeKey(Set<String> imports) {
    if (imports == modelOpsets) {
      return "model";
    }
    for (Map.Entry<String, Set<String>> e : scopes.entrySet()) {
      if (e.getValue() == imports) {
        return e.getKey();
      }
    }
    throw new IllegalStateException("unknown scope");
  }

  // ------------------------------------------------------------------ tensors

  /** What the checks need from one TensorProto. */
  static final class Tensor {
    String name = "";
    int dataType;
    List<Long> dims = new ArrayList<>();
    long rawOffset = -1;
    long rawLength = -1;
    long location;
    int typedField;
    long typedCount;
    int dataFields;
    boolean segment;
    final List<String[]> external = new ArrayList<>();
  }

  private Tensor nestedTensor(int depth) {
    Tensor[] out = new Tensor[1];
    nested(depth, () -> out[0] = tensor());
    return out[0];
  }

  private Tensor tensor() {
    long start = r.position();
    if (++tensorCount > limits.maxTensors()) {
      throw new FormatException(Reason.ONNX_LIMIT_EXCEEDED, start, "more than " + limits.maxTensors() + " tensors");
    }
    Tensor t = new Tensor();
    long seen = 0;
    while (!r.atEnd()) {
      long tagAt = r.position();
      long tag = r.readTag();
      int f = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      switch (f) {
        case 1 -> readDims(t.dims, wt, tagAt);
        case 2 -> {
          seen = once(seen, f, wt, VARINT, tagAt);
          long v = r.readVarint();
          t.dataType = v < 0 || v > Integer.MAX_VALUE ? -1 : (int) v;
        }
        case 3 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          t.segment = true;
          r.skip(LEN);
        }
        case 4, 5, 7, 10, 11 -> {
          int elementWire = f == 4 ? I32 : f == 10 ? I64 : VARINT;
          t.typedCount += repeatedScalar(f, wt, elementWire, tagAt);
          noteTyped(t, f, tagAt);
        }
        case 6 -> {
          expect(f, wt, LEN, tagAt);
          r.skip(LEN);
          t.typedCount++;
          noteTyped(t, f, tagAt);
        }
        case 8 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          t.name = nonNullString();
        }
        case 12 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          string(false);
        }
        case 9 -> {
          seen = once(seen, f, wt, LEN, tagAt);
          long len = r.readLength();
          t.rawOffset = r.position();
          t.rawLength = len;
          t.dataFields++;
          r.skipBytes(len);
        }
        case 13 -> {
          expect(f, wt, LEN, tagAt);
          String[] kv = entry(2);
          t.external.add(new String[] {kv[0], kv[1], Long.toString(tagAt)});
        }
        case 14 -> {
          seen = once(seen, f, wt, VARINT, tagAt);
          t.location = r.readVarint();
        }
        case 16 -> {
          expect(f, wt, LEN, tagAt);
          entry(2);
        }
        default -> throw unknown("TensorProto", f, tagAt);
      }
    }
    checkTensor(t, start);
    return t;
  }

  private static void noteTyped(Tensor t, int f, long at) {
    if (t.typedField != 0 && t.typedField != f) {
      throw new FormatException(Reason.ONNX_TENSOR_INVALID, at, "tensor stores data in two typed fields");
    }
    if (t.typedField == 0) {
      t.typedField = f;
      t.dataFields++;
    }
  }

  private void readDims(List<Long> dims, int wt, long at) {
    if (wt == LEN) {
      long len = r.readLength();
      long old = r.pushLimit(len);
      while (!r.atEnd()) {
        addDim(dims, r.readVarint(), at);
      }
      r.popLimit(old);
    } else if (wt == VARINT) {
      addDim(dims, r.readVarint(), at);
    } else {
      throw new FormatException(Reason.ONNX_FIELD_TYPE_INVALID, at, "dims has wire type " + wt);
    }
  }

  private void addDim(List<Long> dims, long d, long at) {
    if (dims.size() >= limits.maxRank()) {
      throw new FormatException(Reason.ONNX_LIMIT_EXCEEDED, at, "tensor rank over " + limits.maxRank());
    }
    if (d < 0) {
      throw new FormatException(Reason.ONNX_TENSOR_INVALID, at, "negative dimension " + d);
    }
    dims.add(d);
  }

  private void checkTensor(Tensor t, long at) {
    String what = "tensor '" + t.name + "'";
    if (t.segment) {
      throw new FormatException(Reason.ONNX_TENSOR_INVALID, at, what + " is a segment of a larger tensor (unsupported)");
    }
    int bits = DataTypes.bits(t.dataType);
    if (bits == 0) {
      throw new FormatException(Reason.ONNX_TENSOR_INVALID, at, what + " has data type " + t.dataType);
    }
    long n = 1;
    for (long d : t.dims) {
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        throw new FormatException(Reason.ONNX_TENSOR_INVALID, at, what + ": element count overflows 64 bits");
      }
    }
    long bytes = DataTypes.byteSize(t.dataType, n);
    if (bytes < 0) {
      throw new FormatException(Reason.ONNX_TENSOR_INVALID, at, what + ": byte size overflows 64 bits");
    }
    if (t.location != 0 && t.location != 1) {
      throw new FormatException(Reason.ONNX_TENSOR_INVALID, at, what + " has data_location " + t.location);
    }
    if (t.location == 1) {
      if (t.dataFields != 0) {
        throw new FormatException(Reason.ONNX_EXTERNAL_DATA_INVALID, at, what + " is external but has inline data");
      }
      if (t.dataType == DataTypes.STRING) {
        throw new FormatException(Reason.ONNX_EXTERNAL_DATA_INVALID, at, what + ": STRING tensors cannot be external");
      }
      externals.add(ExternalData.parse(t.name, DataTypes.name(t.dataType), t.dims, t.external, bytes, at));
      return;
    }
    if (!t.external.isEmpty()) {
      throw new FormatException(Reason.ONNX_EXTERNAL_DATA_INVALID, at, what + " has external_data but data_location is not EXTERNAL");
    }
    if (t.dataFields > 1) {
      throw new FormatException(Reason.ONNX_TENSOR_INVALID, at, what + " stores data in more than one field");
    }
    if (t.dataFields == 0) {
      if (n != 0) {
        throw new FormatException(Reason.ONNX_TENSOR_INVALID, at, what + " has " + n + " elements but no data");
      }
      return;
    }
    if (t.rawLength >= 0) {
      if (t.dataType == DataTypes.STRING) {
        throw new FormatException(Reason.ONNX_TENSOR_INVALID, at, what + ": STRING tensors cannot use raw_data");
      }
      if (t.rawLength != bytes) {
        throw new FormatException(Reason.ONNX_TENSOR_INVALID, t.rawOffset, what + " has " + t.rawLength
            + " bytes of raw_data; its shape and type need " + bytes);
      }
      return;
    }
    long expected = DataTypes.typedCount(t.dataType, t.typedField, n);
    if (expected < 0) {
      throw new FormatException(Reason.ONNX_TENSOR_INVALID, at, what + " of type " + DataTypes.name(t.dataType)
          + " cannot be stored in field " + t.typedField);
    }
    if (t.typedCount != expected) {
      throw new FormatException(Reason.ONNX_TENSOR_INVALID, at, what + " holds " + t.typedCount
          + " values; its shape needs " + expected);
    }
  }

  private String nestedSparse(int depth) {
    String[] name = {""};
    nested(depth, () -> {
      long seen = 0;
      while (!r.atEnd()) {
        long tagAt = r.position();
        long tag = r.readTag();
        int f = (int) (tag >>> 3);
        int wt = (int) (tag & 7);
        switch (f) {
          case 1 -> {
            seen = once(seen, f, wt, LEN, tagAt);
            name[0] = nestedTensor(depth + 1).name;
          }
          case 2 -> {
            seen = once(seen, f, wt, LEN, tagAt);
            nestedTensor(depth + 1);
          }
          case 3 -> readDims(new ArrayList<>(), wt, tagAt);
          default -> throw unknown("SparseTensorProto", f, tagAt);
        }
      }
    });
    return name[0];
  }

  // ------------------------------------------------------------------ helpers

  /** Reads a StringStringEntryProto (key, value) as a nested message. */
  private String[] entry(int depth) {
    String[] kv = {"", ""};
    nested(depth, () -> {
      long seen = 0;
      while (!r.atEnd()) {
        long tagAt = r.position();
        long tag = r.readTag();
        int f = (int) (tag >>> 3);
        int wt = (int) (tag & 7);
        if (f != 1 && f != 2) {
          throw unknown("StringStringEntryProto", f, tagAt);
        }
        seen = once(seen, f, wt, LEN, tagAt);
        kv[f - 1] = nonNullString();
      }
    });
    return kv;
  }

  private void metadataEntry(long at) {
    if (++metadataEntries > limits.maxMetadataEntries()) {
      throw new FormatException(Reason.ONNX_LIMIT_EXCEEDED, at, "more than " + limits.maxMetadataEntries()
          + " metadata_props entries");
    }
  }

  /** Repeated scalar field, packed (LEN) or not; returns the number of values. */
  private long repeatedScalar(int f, int wt, int elementWire, long at) {
    if (wt == elementWire) {
      r.skip(wt);
      return 1;
    }
    if (wt != LEN) {
      throw new FormatException(Reason.ONNX_FIELD_TYPE_INVALID, at, "field " + f + " has wire type " + wt);
    }
    long len = r.readLength();
    if (elementWire == I32 || elementWire == I64) {
      int size = elementWire == I32 ? 4 : 8;
      if (len % size != 0) {
        throw new FormatException(Reason.ONNX_PROTOBUF_INVALID, at, "packed field " + f + " is not a multiple of " + size);
      }
      r.skipBytes(len);
      return len / size;
    }
    long old = r.pushLimit(len);
    long count = 0;
    while (!r.atEnd()) {
      r.readVarint();
      count++;
    }
    r.popLimit(old);
    return count;
  }

  /** Runs {@code body} over the next length-delimited nested message, bounding the nesting depth. */
  private void nested(int depth, Runnable body) {
    long at = r.position();
    if (depth > limits.maxDepth()) {
      throw new FormatException(Reason.ONNX_TOO_DEEP, at, "messages nest deeper than " + limits.maxDepth());
    }
    long len = r.readLength();
    long old = r.pushLimit(len);
    body.run();
    r.popLimit(old);
  }

  private static long once(long seen, int f, int wt, int expectedWire, long at) {
    expect(f, wt, expectedWire, at);
    long bit = 1L << f;
    if ((seen & bit) != 0) {
      throw new FormatException(Reason.ONNX_DUPLICATE_FIELD, at, "singular field " + f + " appears twice");
    }
    return seen | bit;
  }

  private static void expect(int f, int wt, int expectedWire, long at) {
    if (wt != expectedWire) {
      throw new FormatException(Reason.ONNX_FIELD_TYPE_INVALID, at,
          "field " + f + " has wire type " + wt + ", expected " + expectedWire);
    }
  }

  private static FormatException unknown(String message, int f, long at) {
    return new FormatException(Reason.ONNX_UNKNOWN_FIELD, at, message + " has no field " + f);
  }

  /** Reads a protobuf string, checking UTF-8; returns it if {@code decode} and short enough. */
  private @Nullable String string(boolean decode) {
    long len = r.readLength();
    long at = r.position();
    if (!r.isUtf8(at, len)) {
      throw new FormatException(Reason.ONNX_STRING_NOT_UTF8, at, "string is not valid UTF-8");
    }
    String s = decode && len <= MAX_DESCRIBED ? Utf8.decode(r.bytes(), at, (int) len) : null;
    r.skipBytes(len);
    return s;
  }

  /** A string the checks need in full (names, domains, external-data entries). */
  private String nonNullString() {
    long len = r.readLength();
    long at = r.position();
    if (!r.isUtf8(at, len)) {
      throw new FormatException(Reason.ONNX_STRING_NOT_UTF8, at, "string is not valid UTF-8");
    }
    if (len > 65536) {
      throw new FormatException(Reason.ONNX_LIMIT_EXCEEDED, at, "name of " + len + " bytes");
    }
    String s = Utf8.decode(r.bytes(), at, (int) len);
    r.skipBytes(len);
    return s;
  }

  /** ONNX spells the default operator domain both "" and "ai.onnx". */
  public static String normaliseDomain(String d) {
    return d.isEmpty() ? "ai.onnx" : d;
  }
}
