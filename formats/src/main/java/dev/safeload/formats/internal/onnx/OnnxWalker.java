package dev.safeload.formats.internal.onnx;

import static dev.safeload.formats.internal.protobuf.ProtoReader.I32;
import static dev.safeload.formats.internal.protobuf.ProtoReader.I64;
import static dev.safeload.formats.internal.protobuf.ProtoReader.LEN;
import static dev.safeload.formats.internal.protobuf.ProtoReader.VARINT;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.protobuf.ProtoReader;
import dev.safeload.formats.internal.text.Utf8;
import dev.safeload.formats.onnx.OperatorDomains;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.TensorInfo;
import java.util.ArrayList;
import java.util.Arrays;
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
 * appear once, nesting is bounded, strings are UTF-8. Tensors are checked where they are:
 * initializers, attribute tensors, sparse tensors, in the main graph, subgraphs, functions and
 * training graphs. Nothing is copied except names the checks need.
 */
public final class OnnxWalker {

  /** Limits from the policy. */
  public record Limits(
      long maxDepth,
      long maxNodes,
      long maxTensors,
      long maxFunctions,
      long maxMetadataEntries,
      long maxRank,
      long maxSparseDenseBytes,
      long maxFoldedElements) {}

  /** One external-data reference: a byte range of a file next to the model. */
  public record External(
      String tensor,
      String dtype,
      List<Long> shape,
      String location,
      long offset,
      long length,
      long at) {}

  /**
   * What a valid model holds.
   *
   * @param work the walk's work units (fields visited, string bytes checked, cross-reference
   *     steps): a test hook to show the walk is linear in the file
   */
  public record Result(
      Map<String, String> metadata,
      List<TensorInfo> tensors,
      List<External> externals,
      Set<String> nodeDomains,
      long work) {}

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

  /** The scope of the main graph and training graphs: the model's opset imports. */
  private final Scope modelScope = new Scope();

  private final Map<String, Long> modelOpsets = modelScope.imports;

  /**
   * Every node, checked once all imports are known (imports may follow the graphs that use them).
   */
  private final List<PendingNode> pendingNodes = new ArrayList<>();

  /** Work units for {@link Result#work()}. */
  private long work;

  private long nodes;
  private long tensorCount;
  private long functions;
  private long metadataEntries;

  /** Bytes of every sparse tensor seen so far once made dense, for {@link #checkSparse}. */
  private long sparseDenseBytes;

  /** Elements of every tensor constant folding would make so far, for {@link Body#fold}. */
  private long foldedElements;

  private OnnxWalker(ModelBytes b, Limits limits, Predicate<String> domainAllowed) {
    this.r = new ProtoReader(b, 0, b.size());
    this.limits = limits;
    this.domainAllowed = domainAllowed;
  }

  /**
   * Validates a whole model.
   *
   * @param domainAllowed whether a node's operator domain (normalised: {@code ai.onnx} for "") is
   *     allowed
   */
  public static Result walk(ModelBytes b, Limits limits, Predicate<String> domainAllowed) {
    OnnxWalker w = new OnnxWalker(b, limits, domainAllowed);
    w.model();
    return new Result(w.metadata, w.tensors, w.externals, w.nodeDomains, w.work);
  }

  // ------------------------------------------------------------------ messages
  //
  // Each message is a loop over its fields: Msg reads the tags and enforces the wire type of every
  // field and, for the fields named in the message's SINGULAR set, that they appear at most once.
  // The switch then says, per field number, what the field holds.

  private static final long MODEL_SINGULAR = bits(1, 2, 3, 4, 5, 6, 7);
  private static final long OPSET_SINGULAR = bits(1, 2);
  private static final long GRAPH_SINGULAR = bits(2, 10);
  private static final long NODE_SINGULAR = bits(3, 4, 6, 7, 8);
  private static final long ATTRIBUTE_SINGULAR = bits(1, 2, 3, 4, 5, 6, 13, 14, 20, 21, 22);
  private static final long VALUE_INFO_SINGULAR = bits(1, 2, 3);
  private static final long TYPE_SINGULAR = bits(6);
  private static final long TENSOR_TYPE_SINGULAR = bits(1, 2);
  private static final long SINGLE_TYPE_SINGULAR = bits(1);
  private static final long MAP_TYPE_SINGULAR = bits(1, 2);
  private static final long OPAQUE_TYPE_SINGULAR = bits(1, 2);
  private static final long DIMENSION_SINGULAR = bits(1, 2, 3);
  private static final long ANNOTATION_SINGULAR = bits(1);
  private static final long TRAINING_SINGULAR = bits(1, 2);
  private static final long FUNCTION_SINGULAR = bits(1, 8, 10, 13);
  private static final long TENSOR_SINGULAR = bits(2, 3, 8, 9, 12, 14);
  private static final long SPARSE_SINGULAR = bits(1, 2);
  private static final long ENTRY_SINGULAR = bits(1, 2);

  private void model() {
    Msg m = new Msg("ModelProto", MODEL_SINGULAR);
    long irVersion = -1;
    boolean hasGraph = false;
    Set<String> metaKeys = new HashSet<>();
    while (m.next()) {
      long tagAt = m.at;
      switch (m.f) {
        case 1 -> {
          irVersion = m.varint();
          metadata.put("ir_version", Long.toString(irVersion));
        }
        case 2, 3, 4, 6 -> {
          String s = m.text();
          String key = m.f == 2 ? "producer_name" : m.f == 3 ? "producer_version" : "domain";
          if (m.f != 6 && s != null) {
            metadata.put(key, s);
          }
        }
        case 5 -> metadata.put("model_version", Long.toString(m.varint()));
        case 7 -> {
          hasGraph = true;
          m.message(1, () -> graph(1, modelScope));
        }
        case 8 -> m.message(1, () -> opset(modelOpsets, tagAt));
        case 14 -> {
          String[] kv = m.entry(1);
          metadataEntry(tagAt);
          if (!metaKeys.add(kv[0])) {
            throw new FormatException(
                FormatReason.ONNX_DUPLICATE_NAME, tagAt, "duplicate metadata_props key " + kv[0]);
          }
          if (kv[0].length() <= MAX_DESCRIBED && kv[1].length() <= MAX_DESCRIBED) {
            metadata.put("metadata_props." + kv[0], kv[1]);
          }
        }
        case 20 -> m.message(1, () -> trainingInfo(1));
        case 25 -> {
          m.field(LEN);
          if (++functions > limits.maxFunctions()) {
            throw new FormatException(
                FormatReason.ONNX_LIMIT_EXCEEDED,
                tagAt,
                "more than " + limits.maxFunctions() + " functions");
          }
          nested(1, () -> function(1));
        }
        // DeviceConfigurationProto (IR 11+): names and counts only, no tensors or graphs inside.
        case 26 -> m.skip(LEN);
        default -> throw m.unknown();
      }
    }
    if (irVersion < 3 || irVersion > MAX_IR_VERSION) {
      throw new FormatException(
          FormatReason.ONNX_NOT_A_MODEL,
          0,
          irVersion < 0
              ? "no ir_version"
              : "ir_version " + irVersion + " is outside [3, " + MAX_IR_VERSION + "]");
    }
    if (!hasGraph) {
      throw new FormatException(FormatReason.ONNX_NOT_A_MODEL, 0, "no graph");
    }
    if (modelOpsets.isEmpty()) {
      throw new FormatException(FormatReason.ONNX_OPSET_MISSING, 0, "no opset_import");
    }
    checkNodeDomains();
    checkFunctionCalls();
  }

  /**
   * The opset imports nodes resolve their domains against: the model's, or one function's. Graphs
   * carry their scope down (subgraphs in attributes share the scope of the graph or function around
   * them), so no lookup ever searches the scopes.
   */
  private static final class Scope {
    /** Normalised domain to opset version. */
    final Map<String, Long> imports = new HashMap<>();
  }

  /** A node seen in a scope, for the checks that need every opset import and every function. */
  private record PendingNode(String domain, String op, String overload, Scope scope, long at) {}

  /**
   * The operator domains ONNX Runtime serves with kernels of its own (its {@code constants.h}: the
   * contrib, NCHWc, NHWC, DirectML, ATen and provider domains) and those of onnxruntime-extensions,
   * the custom-op library applications register beside it. ONNX Runtime 1.22 looks a node's
   * (domain, op) up in its kernel registries first and runs the kernel, never a model-local
   * function of that name: a function {@code com.microsoft::Gelu} whose body is an Identity still
   * runs the contrib Gelu kernel.
   */
  private static final Set<String> KERNEL_DOMAINS =
      Set.of(
          "com.microsoft",
          "com.microsoft.nchwc",
          "com.microsoft.experimental",
          "com.microsoft.dml",
          "com.microsoft.mlfeaturizers",
          "com.ms.internal.nhwc",
          "org.pytorch.aten",
          "com.intel.ai",
          "com.xilinx",
          "ai.onnx.contrib",
          "com.microsoft.extensions");

  /**
   * Node domains are checked once all opset imports of their scope and all model-local functions
   * are known (both may follow graphs). A node outside the domain allowlist is admitted only as a
   * call of a model-local function (what torch.onnx.export writes with {@code
   * export_modules_as_functions}, in domains named after Python modules such as {@code
   * torch.nn.modules.activation}), and only when its domain is not one of {@link #KERNEL_DOMAINS}:
   * there the engine runs its own kernel and the function's body never runs, so the call is judged
   * by the allowlist as any other node of that domain. The function's body nodes are checked like
   * every other node.
   */
  private void checkNodeDomains() {
    for (PendingNode n : pendingNodes) {
      work++;
      boolean callsLocalFunction =
          functionScopes.containsKey(functionKey(n.domain(), n.op(), n.overload()));
      if (!domainAllowed.test(n.domain())
          && (!callsLocalFunction || KERNEL_DOMAINS.contains(n.domain()))) {
        throw new FormatException(
            FormatReason.ONNX_DOMAIN_NOT_ALLOWED,
            n.at(),
            "node "
                + n.op()
                + " uses operator domain '"
                + n.domain()
                + "', which the policy does not allow"
                + (callsLocalFunction
                    ? " (the model defines a function of that name, but ONNX Runtime runs its own"
                        + " kernel for that domain, not the function)"
                    : "")
                + (OperatorDomains.onnxRuntime().allows(n.domain())
                    ? "; ONNX Runtime's own contrib operators, allowed by the setting"
                        + " onnx.allowedDomains = \""
                        + OperatorDomains.ONNX_RUNTIME_NAME
                        + "\" (safeload.json \"profiles\")"
                    : ""));
      }
      if (!n.scope().imports.containsKey(n.domain())) {
        throw new FormatException(
            FormatReason.ONNX_OPSET_MISSING,
            n.at(),
            "node " + n.op() + " uses domain '" + n.domain() + "', which has no opset_import");
      }
    }
  }

  /**
   * One opset import. A domain imported twice at the same version has one reading
   * (onnx.compose.merge_models writes the default domain once per merged model); at two versions
   * ONNX Runtime takes the last and another reader may take the first, so that is refused.
   */
  private void opset(Map<String, Long> imports, long at) {
    Msg m = new Msg("OperatorSetIdProto", OPSET_SINGULAR);
    String domain = "";
    long version = 0;
    while (m.next()) {
      switch (m.f) {
        case 1 -> domain = m.name();
        case 2 -> {
          long v = m.varint();
          if (v < 1 || v > Integer.MAX_VALUE) {
            throw new FormatException(FormatReason.ONNX_OPSET_MISSING, m.at, "opset version " + v);
          }
          version = v;
        }
        default -> throw m.unknown();
      }
    }
    String d = normaliseDomain(domain);
    Long before = imports.putIfAbsent(d, version);
    if (before != null && before != version) {
      throw new FormatException(
          FormatReason.ONNX_DUPLICATE_NAME,
          at,
          "opset_import names domain '" + d + "' twice, at versions " + before + " and " + version);
    }
    if (imports == modelOpsets && metadataEntries < limits.maxMetadataEntries()) {
      metadata.put("opset_import." + d, "");
    }
  }

  private void graph(int depth, Scope scope) {
    Msg m = new Msg("GraphProto", GRAPH_SINGULAR);
    Set<String> initNames = new HashSet<>();
    Body body = new Body();
    while (m.next()) {
      switch (m.f) {
        case 1 -> node(m, depth, scope, body);
        case 2, 10 -> m.string();
        case 5 -> {
          Tensor t = m.tensor(depth + 1);
          if (t.name.isEmpty() || !initNames.add(t.name)) {
            throw new FormatException(
                FormatReason.ONNX_DUPLICATE_NAME,
                m.at,
                "initializer name '" + t.name + "' is empty or used twice in one graph");
          }
          body.constant(t.name, t);
          if (depth == 1 && t.rawLength >= 0) {
            tensors.add(
                new TensorInfo(
                    t.name, DataTypes.name(t.dataType), t.dims, t.rawOffset, t.rawLength));
          }
        }
        case 15 -> {
          String name = m.sparse(depth + 1);
          if (name.isEmpty() || !initNames.add(name)) {
            throw new FormatException(
                FormatReason.ONNX_DUPLICATE_NAME,
                m.at,
                "sparse initializer name '" + name + "' is empty or used twice in one graph");
          }
        }
        case 11, 12, 13 -> m.message(depth + 1, () -> valueInfo(depth + 1));
        case 14 -> m.message(depth + 1, this::tensorAnnotation);
        case 16 -> m.entry(depth + 1);
        default -> throw m.unknown();
      }
    }
    body.fold();
  }

  /** A node field of a graph or function: counted against the limit, then walked. */
  private void node(Msg m, int depth, Scope scope, Body body) {
    m.field(LEN);
    if (++nodes > limits.maxNodes()) {
      throw new FormatException(
          FormatReason.ONNX_LIMIT_EXCEEDED, m.at, "more than " + limits.maxNodes() + " nodes");
    }
    nested(depth + 1, () -> node(depth + 1, scope, body));
  }

  private void node(int depth, Scope scope, Body body) {
    Msg m = new Msg("NodeProto", NODE_SINGULAR);
    String op = "";
    String domain = "";
    String overload = "";
    long at = r.position();
    // Where each input name and the first output name are (offset, length), decoded only for the
    // nodes constant folding follows (Body), and then whole: a long name must not hide a constant.
    long[] names = new long[8];
    int inputs = 0;
    long outAt = -1;
    long outLen = 0;
    int outputs = 0;
    Folded[] value = {null};
    while (m.next()) {
      switch (m.f) {
        case 1, 2 -> {
          m.field(LEN);
          long len = r.readLength();
          if (m.f == 1) {
            if (2 * inputs == names.length) {
              names = Arrays.copyOf(names, 2 * names.length); // grows with the node's bytes
            }
            names[2 * inputs] = r.position();
            names[2 * inputs++ + 1] = len;
          } else if (outputs++ == 0) {
            outAt = r.position();
            outLen = len;
          }
          checkString(len);
        }
        case 3, 6 -> m.string();
        case 4 -> op = m.name();
        case 5 ->
            m.message(
                depth + 1,
                () -> {
                  Folded f = attribute(depth + 1, scope);
                  if (f != null) {
                    value[0] = f;
                  }
                });
        case 7 -> domain = m.name();
        case 8 -> overload = m.name();
        case 9 -> m.entry(depth + 1);
        // NodeDeviceConfigurationProto (IR 11+): sharding annotations, no tensors or graphs inside.
        case 10 -> m.skip(LEN);
        default -> throw m.unknown();
      }
    }
    if (op.isEmpty()) {
      throw new FormatException(FormatReason.ONNX_NOT_A_MODEL, at, "node without op_type");
    }
    String d = normaliseDomain(domain);
    if (d.equals("ai.onnx") && FOLDING_OPS.contains(op)) {
      List<String> in = new ArrayList<>(inputs);
      for (int i = 0; i < inputs; i++) {
        in.add(Utf8.decode(r.bytes(), names[2 * i], (int) names[2 * i + 1]));
      }
      String out = outAt < 0 ? null : Utf8.decode(r.bytes(), outAt, (int) outLen);
      body.node(op, in, out, value[0], at);
    }
    // A domain outside the allowlist is judged once every function is known (functions follow the
    // graph): a node may call a model-local function, whose own nodes are checked here like any.
    nodeDomains.add(d);
    pendingNodes.add(new PendingNode(d, op, overload, scope, at));
  }

  /**
   * Walks an attribute; returns what it gives constant folding if it can be a Constant node's value
   * ({@code value} as a tensor, {@code value_ints}), else null.
   */
  private @Nullable Folded attribute(int depth, Scope scope) {
    Msg m = new Msg("AttributeProto", ATTRIBUTE_SINGULAR);
    // The name's bytes, compared only when the attribute can be a Constant's value (field 1 comes
    // first as writers order fields, so a longer or shorter name spares collecting ints).
    long nameAt = -1;
    long nameLen = -1;
    Tensor tensor = null;
    List<Long> ints = null;
    while (m.next()) {
      switch (m.f) {
        case 1 -> {
          m.field(LEN);
          nameLen = r.readLength();
          nameAt = r.position();
          checkString(nameLen);
        }
        case 13, 21 -> m.string();
        case 2 -> m.skip(I32);
        case 3, 20 -> m.varint();
        case 4, 9 -> m.skip(LEN); // bytes: UTF-8 by convention only
        case 5 -> tensor = m.tensor(depth + 1);
        case 10 -> m.tensor(depth + 1);
        case 6, 11 -> m.message(depth + 1, () -> graph(depth + 1, scope));
        case 7 -> repeatedScalar(m, I32);
        case 8 -> {
          if (nameLen < 0 || nameLen == VALUE_INTS.length) {
            ints = ints == null ? new ArrayList<>() : ints;
          }
          repeatedScalar(m, VARINT, ints);
        }
        case 14, 15 -> m.message(depth + 1, () -> typeProto(depth + 1));
        case 22, 23 -> m.sparse(depth + 1);
        default -> throw m.unknown();
      }
    }
    if (tensor != null && isName(nameAt, nameLen, VALUE)) {
      return folded(tensor);
    }
    if (ints != null && isName(nameAt, nameLen, VALUE_INTS)) {
      long[] v =
          ints.size() <= Folded.MAX_VALUES ? ints.stream().mapToLong(x -> x).toArray() : null;
      return new Folded(List.of((long) ints.size()), v);
    }
    return null;
  }

  private void valueInfo(int depth) {
    Msg m = new Msg("ValueInfoProto", VALUE_INFO_SINGULAR);
    while (m.next()) {
      switch (m.f) {
        case 1, 3 -> m.string();
        case 2 -> m.message(depth + 1, () -> typeProto(depth + 1));
        case 4 -> m.entry(depth + 1);
        default -> throw m.unknown();
      }
    }
  }

  private void typeProto(int depth) {
    Msg m = new Msg("TypeProto", TYPE_SINGULAR);
    boolean value = false;
    while (m.next()) {
      int f = m.f;
      if (f == 6) {
        m.string();
        continue;
      }
      if (f != 1 && f != 4 && f != 5 && f != 7 && f != 8 && f != 9) {
        throw m.unknown();
      }
      m.field(LEN);
      if (value) {
        throw new FormatException(
            FormatReason.ONNX_DUPLICATE_FIELD, m.at, "TypeProto sets its oneof value twice");
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
    Msg m = new Msg("TypeProto.Tensor", TENSOR_TYPE_SINGULAR);
    while (m.next()) {
      switch (m.f) {
        case 1 -> m.varint();
        case 2 -> m.message(depth + 1, () -> shape(depth + 1));
        default -> throw m.unknown();
      }
    }
  }

  private void singleType(int depth, String what) {
    Msg m = new Msg(what, SINGLE_TYPE_SINGULAR);
    while (m.next()) {
      if (m.f != 1) {
        throw m.unknown();
      }
      m.message(depth + 1, () -> typeProto(depth + 1));
    }
  }

  private void mapType(int depth) {
    Msg m = new Msg("TypeProto.Map", MAP_TYPE_SINGULAR);
    while (m.next()) {
      switch (m.f) {
        case 1 -> m.varint();
        case 2 -> m.message(depth + 1, () -> typeProto(depth + 1));
        default -> throw m.unknown();
      }
    }
  }

  private void opaqueType() {
    Msg m = new Msg("TypeProto.Opaque", OPAQUE_TYPE_SINGULAR);
    while (m.next()) {
      if (m.f != 1 && m.f != 2) {
        throw m.unknown();
      }
      m.string();
    }
  }

  private void shape(int depth) {
    Msg m = new Msg("TensorShapeProto", 0);
    while (m.next()) {
      if (m.f != 1) {
        throw m.unknown();
      }
      m.message(depth + 1, this::dimension);
    }
  }

  private void dimension() {
    Msg m = new Msg("TensorShapeProto.Dimension", DIMENSION_SINGULAR);
    boolean value = false;
    while (m.next()) {
      switch (m.f) {
        case 1, 2 -> {
          m.field(m.f == 1 ? VARINT : LEN);
          if (value) {
            throw new FormatException(
                FormatReason.ONNX_DUPLICATE_FIELD,
                m.at,
                "dimension has both dim_value and dim_param");
          }
          value = true;
          if (m.f == 1) {
            r.readVarint();
          } else {
            string(false);
          }
        }
        case 3 -> m.string();
        default -> throw m.unknown();
      }
    }
  }

  private void tensorAnnotation() {
    Msg m = new Msg("TensorAnnotation", ANNOTATION_SINGULAR);
    while (m.next()) {
      switch (m.f) {
        case 1 -> m.string();
        case 2 -> m.entry(2);
        default -> throw m.unknown();
      }
    }
  }

  private void trainingInfo(int depth) {
    Msg m = new Msg("TrainingInfoProto", TRAINING_SINGULAR);
    while (m.next()) {
      switch (m.f) {
        case 1, 2 -> m.message(depth + 1, () -> graph(depth + 1, modelScope));
        case 3, 4 -> m.entry(depth + 1);
        default -> throw m.unknown();
      }
    }
  }

  private void function(int depth) {
    Msg m = new Msg("FunctionProto", FUNCTION_SINGULAR);
    Scope scope = new Scope();
    // ONNX Runtime inlines a called function and then folds its constants like the graph's.
    Body body = new Body();
    String[] id = {"", "", ""}; // domain, name, overload
    long start = r.position();
    while (m.next()) {
      long tagAt = m.at;
      switch (m.f) {
        case 1 -> id[1] = m.name();
        case 4, 5, 6, 8 -> m.string();
        case 7 -> node(m, depth, scope, body);
        case 9 -> m.message(depth + 1, () -> opset(scope.imports, tagAt));
        case 10 -> id[0] = m.name();
        case 11 -> m.message(depth + 1, () -> attribute(depth + 1, scope));
        case 12 -> m.message(depth + 1, () -> valueInfo(depth + 1));
        case 13 -> id[2] = m.name();
        case 14 -> m.entry(depth + 1);
        default -> throw m.unknown();
      }
    }
    body.fold();
    String key = functionKey(normaliseDomain(id[0]), id[1], id[2]);
    if (id[1].isEmpty() || functionScopes.put(key, scope) != null) {
      throw new FormatException(
          FormatReason.ONNX_FUNCTION_INVALID,
          start,
          "function '" + id[1] + "' in domain '" + id[0] + "' has no name or is defined twice");
    }
  }

  // ------------------------------------------------------------------ constant folding

  /**
   * What constant folding knows of one constant: its dims and, for an INT64 tensor of at most
   * {@link #MAX_VALUES} elements stored in the model, its values (else null).
   */
  private record Folded(List<Long> dims, long @Nullable [] values, double scalar) {
    static final int MAX_VALUES = 64;

    Folded(List<Long> dims, long @Nullable [] values) {
      this(dims, values, Double.NaN);
    }
  }

  private Folded folded(Tensor t) {
    long n = 1;
    for (long d : t.dims) {
      n = d > MAX_ELEMENTS_SEEN / Math.max(n, 1) ? MAX_ELEMENTS_SEEN : n * d;
    }
    long[] v = null;
    if (t.dataType == DataTypes.INT64
        && t.location == 0
        && n <= Folded.MAX_VALUES
        && (t.rawLength >= 0 || t.typedField == 7 || n == 0)) {
      v = new long[(int) n];
      if (t.rawLength >= 0) {
        // read in place: a ProtoReader per constant would cost more than the values
        for (int i = 0; i < n; i++) {
          v[i] = rawLong(t.rawOffset + 8L * i, 8);
        }
      } else if (n > 0) {
        Int64Values in = new Int64Values(t);
        for (int i = 0; i < n; i++) {
          v[i] = in.next();
        }
      }
    }
    return new Folded(t.dims, v, scalar(t));
  }

  /**
   * The value of a one-element FLOAT, DOUBLE, INT16, INT32 or INT64 tensor stored in the model
   * (Range's start, limit and delta), else NaN.
   */
  private double scalar(Tensor t) {
    if (t.location != 0 || t.dims.size() > 1 || (t.dims.size() == 1 && t.dims.get(0) != 1)) {
      return Double.NaN;
    }
    int type = t.dataType;
    if (t.rawLength >= 0) {
      int size = type == 1 || type == 6 ? 4 : type == 7 || type == 11 ? 8 : type == 5 ? 2 : 0;
      if (size == 0 || t.rawLength != size) {
        return Double.NaN;
      }
      long bits = rawLong(t.rawOffset, size);
      return switch (type) {
        case 1 -> Float.intBitsToFloat((int) bits);
        case 11 -> Double.longBitsToDouble(bits);
        case 5 -> (short) bits;
        case 6 -> (int) bits;
        default -> bits;
      };
    }
    // typed fields: float_data (4, fixed32), int32_data (5, varint; INT16 too), int64_data (7),
    // double_data (10, fixed64); packed or not, the first value is the only one
    if (t.typedField == 0) {
      return Double.NaN;
    }
    ProtoReader in = new ProtoReader(r.bytes(), t.start, t.end);
    while (!in.atEnd()) {
      long tag = in.readTag();
      int wt = (int) (tag & 7);
      if (tag >>> 3 != t.typedField) {
        in.skip(wt);
        continue;
      }
      if (wt == LEN) {
        in.readLength();
      }
      return switch (t.typedField) {
        case 4 -> Float.intBitsToFloat(in.readFixed32());
        case 10 -> Double.longBitsToDouble(in.readFixed64());
        case 5 -> (int) in.readVarint();
        default -> in.readVarint();
      };
    }
    return Double.NaN;
  }

  /** The little-endian integer of {@code size} bytes at {@code at} of the file. */
  private long rawLong(long at, int size) {
    long bits = 0;
    for (int i = size - 1; i >= 0; i--) {
      bits = bits << 8 | (r.bytes().get(at + i) & 0xff);
    }
    return bits;
  }

  /** Element counts saturate here (a dims product over it is over every limit anyway). */
  private static final long MAX_ELEMENTS_SEEN = Long.MAX_VALUE / 2;

  /** A node whose output size constant folding takes from its inputs' values. */
  private record Use(String op, List<String> in, String out, long at) {}

  /**
   * The constants of one graph or function body (initializers, Constant nodes' {@code value} and
   * {@code value_ints}) and the nodes of the default domain whose output size comes from their
   * inputs' values: ConstantOfShape (shape), Expand (shape), Tile (repeats) and Range (start,
   * limit, delta), and the broadcasting operators of two or three inputs (Add, Mul, Where, ...),
   * whose output is their inputs' shapes broadcast together: a 131 KB model multiplying
   * initializers of shapes [16384, 1] and [1, 16384] took ORT 1.22 to 3.2 GB resident in 18 s. ONNX
   * Runtime 1.22 folds such a node whose inputs are all constant when it creates the session, so
   * the size the file states in a few bytes is allocated before the application runs anything: a
   * 136-byte model whose ConstantOfShape reads the shape [2^28] from an initializer took ORT to 3.2
   * GB resident. The elements of every tensor folding would make, summed over the model, are
   * bounded by onnx.maxFoldedElements. A node with an input that is not a constant of its own body
   * (an outer-scope name, external data, a graph input) is not evaluated here; nor is a function's
   * Constant taking its value from the caller's attribute (ref_attr_name), which ONNX Runtime folds
   * after inlining the function.
   */
  private final class Body {
    private final Map<String, Folded> constants = new HashMap<>();
    private final List<Use> uses = new ArrayList<>();

    void constant(String name, Tensor t) {
      constants.put(name, folded(t));
    }

    void node(String op, List<String> in, @Nullable String out, @Nullable Folded value, long at) {
      if (out == null) {
        return;
      }
      if (op.equals("Constant")) {
        if (value != null) {
          constants.put(out, value);
        }
      } else if (!in.isEmpty()) {
        uses.add(new Use(op, in, out, at));
      }
    }

    /** The constant that input {@code i} of {@code u} names, if it has one. */
    private @Nullable Folded input(Use u, int i) {
      return i < u.in().size() ? constants.get(u.in().get(i)) : null;
    }

    /** Runs once the body's every constant is known (initializers may follow the nodes). */
    void fold() {
      for (Use u : uses) {
        work++;
        Folded x = input(u, 0);
        if (x == null) {
          continue; // not a constant: ONNX Runtime does not fold the node
        }
        List<Long> dims;
        if (u.op().equals("ConstantOfShape")) {
          dims = x.values() == null ? null : shape(List.of(), x.values(), false);
        } else if (u.op().equals("Range")) {
          Folded limit = input(u, 1);
          Folded delta = input(u, 2);
          dims = limit == null || delta == null ? null : range(x, limit, delta);
        } else if (BROADCASTING_OPS.contains(u.op())) {
          // folded only when every input is a constant; the output is all of them broadcast
          dims = x.dims();
          for (int i = 1; i < u.in().size() && dims != null; i++) {
            Folded y = input(u, i);
            dims = y == null ? null : broadcast(dims, y.dims());
          }
        } else {
          Folded s = input(u, 1);
          dims =
              s == null || s.values() == null
                  ? null
                  : shape(x.dims(), s.values(), u.op().equals("Tile"));
        }
        if (dims == null) {
          continue; // not evaluated here, or an error in ONNX Runtime too
        }
        long n = 1;
        for (long d : dims) {
          n = d > MAX_ELEMENTS_SEEN / Math.max(n, 1) ? MAX_ELEMENTS_SEEN : n * d;
        }
        if (n > limits.maxFoldedElements() - foldedElements) {
          throw new FormatException(
              FormatReason.ONNX_LIMIT_EXCEEDED,
              u.at(),
              "node "
                  + u.op()
                  + " makes a tensor of shape "
                  + dims
                  + " from constants, which takes the tensors constant folding makes over "
                  + limits.maxFoldedElements()
                  + " elements (onnx.maxFoldedElements): ONNX Runtime makes them when it"
                  + " creates the session");
        }
        foldedElements += n;
        constants.put(u.out(), new Folded(dims, null));
      }
    }
  }

  /**
   * Two shapes broadcast together (numpy rules: aligned from the last dimension, each pair equal or
   * one of them 1); null when one is null or a pair differs, which ONNX Runtime refuses.
   */
  private static @Nullable List<Long> broadcast(@Nullable List<Long> a, @Nullable List<Long> b) {
    if (a == null || b == null) {
      return null;
    }
    int rank = Math.max(a.size(), b.size());
    List<Long> out = new ArrayList<>(rank);
    for (int i = 0; i < rank; i++) {
      int ai = i - (rank - a.size());
      int bi = i - (rank - b.size());
      long x = ai < 0 ? 1 : a.get(ai);
      long y = bi < 0 ? 1 : b.get(bi);
      if (x != y && x != 1 && y != 1) {
        return null;
      }
      out.add(x == 1 ? y : x);
    }
    return out;
  }

  /**
   * Range's output shape, {@code [max(ceil((limit - start) / delta), 0)]}; null when a value is not
   * known or delta is 0 (which ONNX Runtime refuses).
   */
  private static @Nullable List<Long> range(Folded start, Folded limit, Folded delta) {
    double n = Math.ceil((limit.scalar() - start.scalar()) / delta.scalar());
    if (Double.isNaN(n) || delta.scalar() == 0) {
      return null;
    }
    return List.of(n <= 0 ? 0 : n >= MAX_ELEMENTS_SEEN ? MAX_ELEMENTS_SEEN : (long) n);
  }

  /**
   * The output shape of ConstantOfShape ({@code x} empty, {@code v} the shape), Expand ({@code x}
   * broadcast with the shape {@code v}) or Tile ({@code x} times the repeats {@code v}); null for a
   * negative value or a Tile whose ranks differ, which ONNX Runtime refuses.
   */
  private static @Nullable List<Long> shape(List<Long> x, long[] v, boolean tile) {
    if (tile && x.size() != v.length) {
      return null;
    }
    int rank = Math.max(x.size(), v.length);
    List<Long> out = new ArrayList<>(rank);
    for (int i = 0; i < rank; i++) {
      int xi = i - (rank - x.size());
      int vi = i - (rank - v.length);
      long a = xi < 0 ? 1 : x.get(xi);
      long b = vi < 0 ? 1 : v[vi];
      if (b < 0) {
        return null;
      }
      if (tile) {
        out.add(b != 0 && a > MAX_ELEMENTS_SEEN / b ? MAX_ELEMENTS_SEEN : a * b);
      } else {
        out.add(a == 1 ? b : b == 1 ? a : Math.max(a, b));
      }
    }
    return out;
  }

  /** Model-local function id (domain, name, overload) to the scope of its body. */
  private final Map<String, Scope> functionScopes = new HashMap<>();

  /** onnx.checker's kMaxFunctionCallDepth. */
  private static final int MAX_CALL_DEPTH = 100;

  private static String functionKey(String domain, String name, String overload) {
    return domain + '\u0000' + name + '\u0000' + overload;
  }

  /**
   * Rejects call cycles among model-local functions and call chains deeper than {@value
   * #MAX_CALL_DEPTH}: an engine inlining them would recurse without end.
   */
  private void checkFunctionCalls() {
    if (functionScopes.isEmpty()) {
      return;
    }
    Map<Scope, List<Scope>> calls =
        new HashMap<>(); // caller scope -> callees, one entry per calling node
    for (PendingNode n : pendingNodes) {
      work++;
      Scope callee = functionScopes.get(functionKey(n.domain(), n.op(), n.overload()));
      if (callee != null) {
        calls.computeIfAbsent(n.scope(), k -> new ArrayList<>()).add(callee);
      }
    }
    Map<Scope, Integer> depth = new HashMap<>(); // finished scopes: longest chain below them
    Set<Scope> onPath = new HashSet<>();
    for (Scope f : functionScopes.values()) {
      callDepth(f, calls, depth, onPath, 0);
    }
  }

  /** Memoised depth-first search: each scope is expanded once, each call edge followed once. */
  private int callDepth(
      Scope f,
      Map<Scope, List<Scope>> calls,
      Map<Scope, Integer> depth,
      Set<Scope> onPath,
      int level) {
    work++;
    Integer known = depth.get(f);
    if (known != null) {
      return known;
    }
    if (level > MAX_CALL_DEPTH) {
      throw new FormatException(
          FormatReason.ONNX_FUNCTION_INVALID,
          0,
          "function calls nest deeper than " + MAX_CALL_DEPTH);
    }
    if (!onPath.add(f)) {
      throw new FormatException(
          FormatReason.ONNX_FUNCTION_INVALID,
          0,
          "model-local functions call each other in a cycle");
    }
    int max = 0;
    for (Scope g : calls.getOrDefault(f, List.of())) {
      max = Math.max(max, 1 + callDepth(g, calls, depth, onPath, level + 1));
    }
    if (max > MAX_CALL_DEPTH) {
      throw new FormatException(
          FormatReason.ONNX_FUNCTION_INVALID,
          0,
          "function calls nest deeper than " + MAX_CALL_DEPTH);
    }
    onPath.remove(f);
    depth.put(f, max);
    return max;
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

    /** The message's fields: {@code [start, end)} of the file, for a second read of its data. */
    long start;

    long end;
  }

  private Tensor nestedTensor(int depth) {
    Tensor[] out = new Tensor[1];
    nested(depth, () -> out[0] = tensor());
    return out[0];
  }

  private Tensor tensor() {
    long start = r.position();
    if (++tensorCount > limits.maxTensors()) {
      throw new FormatException(
          FormatReason.ONNX_LIMIT_EXCEEDED, start, "more than " + limits.maxTensors() + " tensors");
    }
    Tensor t = new Tensor();
    t.start = start;
    Msg m = new Msg("TensorProto", TENSOR_SINGULAR);
    while (m.next()) {
      switch (m.f) {
        case 1 -> readDims(t.dims, m.wt, m.at);
        case 2 -> {
          long v = m.varint();
          t.dataType = v < 0 || v > Integer.MAX_VALUE ? -1 : (int) v;
        }
        case 3 -> {
          m.skip(LEN);
          t.segment = true;
        }
        case 4, 5, 7, 10, 11 -> {
          t.typedCount += repeatedScalar(m, m.f == 4 ? I32 : m.f == 10 ? I64 : VARINT);
          noteTyped(t, m.f, m.at);
        }
        case 6 -> {
          m.skip(LEN);
          t.typedCount++;
          noteTyped(t, m.f, m.at);
        }
        case 8 -> t.name = m.name();
        case 9 -> {
          m.field(LEN);
          long len = r.readLength();
          t.rawOffset = r.position();
          t.rawLength = len;
          t.dataFields++;
          r.skipBytes(len);
        }
        case 12 -> m.string();
        case 13 -> {
          String[] kv = m.entry(2);
          t.external.add(new String[] {kv[0], kv[1], Long.toString(m.at)});
        }
        case 14 -> t.location = m.varint();
        case 16 -> m.entry(2);
        default -> throw m.unknown();
      }
    }
    t.end = r.position();
    checkTensor(t, start);
    return t;
  }

  private static void noteTyped(Tensor t, int f, long at) {
    if (t.typedField != 0 && t.typedField != f) {
      throw new FormatException(
          FormatReason.ONNX_TENSOR_INVALID, at, "tensor stores data in two typed fields");
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
      throw new FormatException(
          FormatReason.ONNX_FIELD_TYPE_INVALID, at, "dims has wire type " + wt);
    }
  }

  private void addDim(List<Long> dims, long d, long at) {
    work++;
    if (dims.size() >= limits.maxRank()) {
      throw new FormatException(
          FormatReason.ONNX_LIMIT_EXCEEDED, at, "tensor rank over " + limits.maxRank());
    }
    if (d < 0) {
      throw new FormatException(FormatReason.ONNX_TENSOR_INVALID, at, "negative dimension " + d);
    }
    dims.add(d);
  }

  private void checkTensor(Tensor t, long at) {
    String what = "tensor '" + t.name + "'";
    if (t.segment) {
      throw new FormatException(
          FormatReason.ONNX_TENSOR_INVALID,
          at,
          what + " is a segment of a larger tensor (unsupported)");
    }
    int bits = DataTypes.bits(t.dataType);
    if (bits == 0) {
      throw new FormatException(
          FormatReason.ONNX_TENSOR_INVALID, at, what + " has data type " + t.dataType);
    }
    long n = 1;
    for (long d : t.dims) {
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        throw new FormatException(
            FormatReason.ONNX_TENSOR_INVALID, at, what + ": element count overflows 64 bits");
      }
    }
    long bytes = DataTypes.byteSize(t.dataType, n);
    if (bytes < 0) {
      throw new FormatException(
          FormatReason.ONNX_TENSOR_INVALID, at, what + ": byte size overflows 64 bits");
    }
    if (t.location != 0 && t.location != 1) {
      throw new FormatException(
          FormatReason.ONNX_TENSOR_INVALID, at, what + " has data_location " + t.location);
    }
    if (t.location == 1) {
      if (t.dataFields != 0) {
        throw new FormatException(
            FormatReason.ONNX_EXTERNAL_DATA_INVALID, at, what + " is external but has inline data");
      }
      if (t.dataType == DataTypes.STRING) {
        throw new FormatException(
            FormatReason.ONNX_EXTERNAL_DATA_INVALID,
            at,
            what + ": STRING tensors cannot be external");
      }
      externals.add(
          ExternalData.parse(t.name, DataTypes.name(t.dataType), t.dims, t.external, bytes, at));
      return;
    }
    if (!t.external.isEmpty()) {
      throw new FormatException(
          FormatReason.ONNX_EXTERNAL_DATA_INVALID,
          at,
          what + " has external_data but data_location is not EXTERNAL");
    }
    if (t.dataFields > 1) {
      throw new FormatException(
          FormatReason.ONNX_TENSOR_INVALID, at, what + " stores data in more than one field");
    }
    if (t.dataFields == 0) {
      if (n != 0) {
        throw new FormatException(
            FormatReason.ONNX_TENSOR_INVALID, at, what + " has " + n + " elements but no data");
      }
      return;
    }
    if (t.rawLength >= 0) {
      if (t.dataType == DataTypes.STRING) {
        throw new FormatException(
            FormatReason.ONNX_TENSOR_INVALID, at, what + ": STRING tensors cannot use raw_data");
      }
      if (t.rawLength != bytes) {
        throw new FormatException(
            FormatReason.ONNX_TENSOR_INVALID,
            t.rawOffset,
            what + " has " + t.rawLength + " bytes of raw_data; its shape and type need " + bytes);
      }
      return;
    }
    long expected = DataTypes.typedCount(t.dataType, t.typedField, n);
    if (expected < 0) {
      throw new FormatException(
          FormatReason.ONNX_TENSOR_INVALID,
          at,
          what
              + " of type "
              + DataTypes.name(t.dataType)
              + " cannot be stored in field "
              + t.typedField);
    }
    if (t.typedCount != expected) {
      throw new FormatException(
          FormatReason.ONNX_TENSOR_INVALID,
          at,
          what + " holds " + t.typedCount + " values; its shape needs " + expected);
    }
  }

  private String nestedSparse(int depth) {
    String[] name = {""};
    nested(
        depth,
        () -> {
          long at = r.position();
          Msg m = new Msg("SparseTensorProto", SPARSE_SINGULAR);
          Tensor values = null;
          Tensor indices = null;
          List<Long> dims = new ArrayList<>();
          while (m.next()) {
            switch (m.f) {
              case 1 -> values = m.tensor(depth + 1);
              case 2 -> indices = m.tensor(depth + 1);
              case 3 -> readDims(dims, m.wt, m.at);
              default -> throw m.unknown();
            }
          }
          name[0] = checkSparse(values, indices, dims, at);
        });
    return name[0];
  }

  /**
   * The SparseTensorProto rules of onnx.checker (check_sparse_tensor), in its order: values of
   * shape [NNZ]; dims of rank over 0, each positive; indices, if present, INT64 of shape [NNZ]
   * (linear indices, each in [0, product(dims)) and strictly increasing) or [NNZ, rank] (each
   * coordinate in [0, dims[j]), the tuples strictly increasing in row-major order); no indices only
   * if NNZ is 0. Runtimes densify by writing each value at its index, so an index past the shape is
   * an out-of-bounds write in a runtime that trusts it (older ONNX Runtime releases densify without
   * checking); a repeated index gives two readings of one element. One pass over the index values,
   * already bounded by the file because checkTensor matched their count to the data.
   *
   * @return the tensor's name (its values' name)
   */
  private String checkSparse(
      @Nullable Tensor values, @Nullable Tensor indices, List<Long> dims, long at) {
    if (values == null) {
      throw new FormatException(
          FormatReason.ONNX_TENSOR_INVALID, at, "sparse tensor has no values");
    }
    String what = "sparse tensor '" + values.name + "'";
    if (values.dims.size() != 1) {
      throw new FormatException(
          FormatReason.ONNX_TENSOR_INVALID,
          at,
          what + ": values have rank " + values.dims.size() + ", not 1");
    }
    long nnz = values.dims.get(0);
    if (dims.isEmpty()) {
      throw new FormatException(FormatReason.ONNX_TENSOR_INVALID, at, what + " has no dims");
    }
    long denseSize = 1;
    for (long d : dims) {
      if (d <= 0) {
        throw new FormatException(
            FormatReason.ONNX_TENSOR_INVALID, at, what + " has dimension " + d + " (not positive)");
      }
      try {
        denseSize = Math.multiplyExact(denseSize, d);
      } catch (ArithmeticException e) {
        throw new FormatException(
            FormatReason.ONNX_TENSOR_INVALID, at, what + ": element count overflows 64 bits");
      }
    }
    if (indices == null) {
      if (nnz != 0) {
        throw new FormatException(
            FormatReason.ONNX_TENSOR_INVALID, at, what + " has " + nnz + " values but no indices");
      }
      countDense(values, denseSize, at, what);
      return values.name;
    }
    if (indices.dataType != DataTypes.INT64) {
      throw new FormatException(
          FormatReason.ONNX_TENSOR_INVALID,
          at,
          what + ": indices have type " + DataTypes.name(indices.dataType) + ", not INT64");
    }
    int rank = dims.size();
    int indexRank = indices.dims.size();
    if (indexRank != 1 && indexRank != 2) {
      throw new FormatException(
          FormatReason.ONNX_TENSOR_INVALID,
          at,
          what + ": indices have rank " + indexRank + ", not 1 or 2");
    }
    if (indices.dims.get(0) != nnz || (indexRank == 2 && indices.dims.get(1) != rank)) {
      throw new FormatException(
          FormatReason.ONNX_TENSOR_INVALID,
          at,
          what
              + ": indices have shape "
              + indices.dims
              + " for "
              + nnz
              + " values of a rank-"
              + rank
              + " tensor");
    }
    if (indices.location == 1) {
      // Reading them would mean reading another file during this walk; onnx.save_model only moves
      // dense tensors out of the model, so nothing real is refused here.
      throw new FormatException(
          FormatReason.ONNX_SPARSE_INDEX_INVALID,
          at,
          what + ": indices in external data are not checked, so not accepted");
    }
    Int64Values in = new Int64Values(indices);
    long prev = -1;
    for (long i = 0; i < nnz; i++) {
      long linear;
      if (indexRank == 1) {
        work++;
        linear = in.next();
        if (linear < 0 || linear >= denseSize) {
          throw new FormatException(
              FormatReason.ONNX_SPARSE_INDEX_INVALID,
              at,
              what
                  + ": index "
                  + linear
                  + " at position "
                  + i
                  + " is outside [0, "
                  + denseSize
                  + ")");
        }
      } else {
        linear = 0;
        for (int j = 0; j < rank; j++) {
          work++;
          long c = in.next();
          long d = dims.get(j);
          if (c < 0 || c >= d) {
            throw new FormatException(
                FormatReason.ONNX_SPARSE_INDEX_INVALID,
                at,
                what
                    + ": index "
                    + c
                    + " at position ["
                    + i
                    + ", "
                    + j
                    + "] is outside [0, "
                    + d
                    + ")");
          }
          linear = linear * d + c; // below denseSize, so no overflow
        }
      }
      if (linear <= prev) {
        throw new FormatException(
            FormatReason.ONNX_SPARSE_INDEX_INVALID,
            at,
            what
                + ": index at position "
                + i
                + " is not above the one before (not sorted, or repeated)");
      }
      prev = linear;
    }
    countDense(values, denseSize, at, what);
    return values.name;
  }

  /**
   * Adds a valid sparse tensor's dense size to the model's total and bounds it. ONNX Runtime 1.22
   * makes every sparse initializer and sparse Constant dense when it creates a session, whatever
   * the few values stored: a 100-byte model whose sparse initializer declares 2^28 floats and holds
   * none made it allocate over 2 GiB. The dense size is what the file makes the engine allocate.
   */
  private void countDense(Tensor values, long denseSize, long at, String what) {
    long denseBytes = DataTypes.byteSize(values.dataType, denseSize);
    if (denseBytes < 0 || denseBytes > limits.maxSparseDenseBytes() - sparseDenseBytes) {
      throw new FormatException(
          FormatReason.ONNX_LIMIT_EXCEEDED,
          at,
          what
              + " is "
              + (denseBytes < 0 ? "over 2^63" : Long.toString(denseBytes))
              + " bytes once dense, which takes the model's sparse tensors over "
              + limits.maxSparseDenseBytes()
              + " bytes (onnx.maxSparseDenseBytes): ONNX Runtime makes them dense at load");
    }
    sparseDenseBytes += denseBytes;
  }

  /**
   * The values of an INT64 tensor that checkTensor accepted with inline data, in order: raw_data
   * little-endian, or int64_data, packed or not, possibly in several fields.
   */
  private final class Int64Values {
    private final ProtoReader in;
    private final boolean raw;
    private long packedEnd = -1;

    Int64Values(Tensor t) {
      raw = t.rawLength >= 0;
      in =
          raw
              ? new ProtoReader(r.bytes(), t.rawOffset, t.rawOffset + t.rawLength)
              : new ProtoReader(r.bytes(), t.start, t.end);
    }

    long next() {
      if (raw) {
        return in.readFixed64();
      }
      while (true) {
        if (in.position() < packedEnd) {
          return in.readVarint();
        }
        long tag = in.readTag();
        int wt = (int) (tag & 7);
        if (tag >>> 3 != 7) {
          in.skip(wt);
        } else if (wt == LEN) {
          long len = in.readLength();
          packedEnd = in.position() + len;
        } else {
          return in.readVarint();
        }
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /**
   * The field cursor of one message: reads its tags in order, holds the current field's number,
   * wire type and offset, and rejects a wrong wire type or a second occurrence of a singular field.
   * The reading methods check the field and then read or walk its value.
   */
  private final class Msg {
    private final String type;
    private final long singular;
    private long seen;

    /** Current field number. */
    int f;

    /** Current wire type. */
    int wt;

    /** Offset of the current field's tag. */
    long at;

    Msg(String type, long singular) {
      this.type = type;
      this.singular = singular;
    }

    /** Advances to the next field; false at the end of the message. */
    boolean next() {
      if (r.atEnd()) {
        return false;
      }
      at = r.position();
      work++;
      long tag = r.readTag();
      f = (int) (tag >>> 3);
      wt = (int) (tag & 7);
      return true;
    }

    /** Checks the current field's wire type and, if it is singular, that it has not been seen. */
    void field(int expectedWire) {
      if (wt != expectedWire) {
        throw wrongWire(f, wt, expectedWire, at);
      }
      long bit = 1L << f;
      if ((singular & bit) != 0) {
        if ((seen & bit) != 0) {
          throw twice(f, at);
        }
        seen |= bit;
      }
    }

    FormatException unknown() {
      return new FormatException(FormatReason.ONNX_UNKNOWN_FIELD, at, type + " has no field " + f);
    }

    /** A string field, UTF-8 checked and not kept. */
    void string() {
      field(LEN);
      OnnxWalker.this.string(false);
    }

    /** A string field, kept if short enough to describe. */
    @Nullable String text() {
      field(LEN);
      return OnnxWalker.this.string(true);
    }

    /** A string field the checks need in full. */
    String name() {
      field(LEN);
      return nonNullString();
    }

    long varint() {
      field(VARINT);
      return r.readVarint();
    }

    /** A field whose value is not looked into. */
    void skip(int wire) {
      field(wire);
      r.skip(wire);
    }

    /** A nested message field, walked by {@code body} at nesting depth {@code depth}. */
    void message(int depth, Runnable body) {
      field(LEN);
      nested(depth, body);
    }

    String[] entry(int depth) {
      field(LEN);
      return OnnxWalker.this.entry(depth);
    }

    Tensor tensor(int depth) {
      field(LEN);
      return nestedTensor(depth);
    }

    String sparse(int depth) {
      field(LEN);
      return nestedSparse(depth);
    }
  }

  // Kept out of Msg.field so that the check itself stays small enough to inline at every field.
  private static FormatException wrongWire(int f, int wt, int expectedWire, long at) {
    return new FormatException(
        FormatReason.ONNX_FIELD_TYPE_INVALID,
        at,
        "field " + f + " has wire type " + wt + ", expected " + expectedWire);
  }

  private static FormatException twice(int f, long at) {
    return new FormatException(
        FormatReason.ONNX_DUPLICATE_FIELD, at, "singular field " + f + " appears twice");
  }

  /** The set of field numbers as a bit mask (field numbers here are all below 64). */
  private static long bits(int... fields) {
    long mask = 0;
    for (int f : fields) {
      mask |= 1L << f;
    }
    return mask;
  }

  /** Reads a StringStringEntryProto (key, value) as a nested message. */
  private String[] entry(int depth) {
    String[] kv = {"", ""};
    nested(
        depth,
        () -> {
          Msg m = new Msg("StringStringEntryProto", ENTRY_SINGULAR);
          while (m.next()) {
            if (m.f != 1 && m.f != 2) {
              throw m.unknown();
            }
            kv[m.f - 1] = m.name();
          }
        });
    return kv;
  }

  private void metadataEntry(long at) {
    if (++metadataEntries > limits.maxMetadataEntries()) {
      throw new FormatException(
          FormatReason.ONNX_LIMIT_EXCEEDED,
          at,
          "more than " + limits.maxMetadataEntries() + " metadata_props entries");
    }
  }

  /** Repeated scalar field, packed (LEN) or not; returns the number of values. */
  private long repeatedScalar(Msg m, int elementWire) {
    return repeatedScalar(m, elementWire, null);
  }

  /**
   * Repeated scalar field; a varint field's values are also added to {@code sink} while it holds at
   * most {@link Folded#MAX_VALUES} (one more tells the caller there were more).
   */
  private long repeatedScalar(Msg m, int elementWire, @Nullable List<Long> sink) {
    int f = m.f;
    int wt = m.wt;
    long at = m.at;
    if (wt == elementWire) {
      if (sink != null) {
        long v = r.readVarint();
        if (sink.size() <= Folded.MAX_VALUES) {
          sink.add(v);
        }
        return 1;
      }
      r.skip(wt);
      return 1;
    }
    if (wt != LEN) {
      throw new FormatException(
          FormatReason.ONNX_FIELD_TYPE_INVALID, at, "field " + f + " has wire type " + wt);
    }
    long len = r.readLength();
    if (elementWire == I32 || elementWire == I64) {
      int size = elementWire == I32 ? 4 : 8;
      if (len % size != 0) {
        throw new FormatException(
            FormatReason.ONNX_PROTOBUF_INVALID,
            at,
            "packed field " + f + " is not a multiple of " + size);
      }
      r.skipBytes(len);
      return len / size;
    }
    long old = r.pushLimit(len);
    long count = 0;
    while (!r.atEnd()) {
      long v = r.readVarint();
      if (sink != null && sink.size() <= Folded.MAX_VALUES) {
        sink.add(v);
      }
      count++;
    }
    r.popLimit(old);
    work += count;
    return count;
  }

  /**
   * Runs {@code body} over the next length-delimited nested message, bounding the nesting depth.
   */
  private void nested(int depth, Runnable body) {
    long at = r.position();
    if (depth > limits.maxDepth()) {
      throw new FormatException(
          FormatReason.ONNX_TOO_DEEP, at, "messages nest deeper than " + limits.maxDepth());
    }
    long len = r.readLength();
    long old = r.pushLimit(len);
    body.run();
    r.popLimit(old);
  }

  private static final byte[] VALUE = {'v', 'a', 'l', 'u', 'e'};
  private static final byte[] VALUE_INTS = {'v', 'a', 'l', 'u', 'e', '_', 'i', 'n', 't', 's'};

  /** The operators of the default domain {@link Body} looks at. */
  /**
   * The operators constant folding follows whose output is their inputs broadcast together (numpy
   * rules): two large constants of shapes [n, 1] and [1, m] make n × m elements.
   */
  private static final Set<String> BROADCASTING_OPS =
      Set.of(
          "Add",
          "Sub",
          "Mul",
          "Div",
          "Pow",
          "Mod",
          "PRelu",
          "BitShift",
          "And",
          "Or",
          "Xor",
          "BitwiseAnd",
          "BitwiseOr",
          "BitwiseXor",
          "Equal",
          "Greater",
          "GreaterOrEqual",
          "Less",
          "LessOrEqual",
          "Max",
          "Min",
          "Mean",
          "Sum",
          "Where");

  /** The operators of the default domain whose nodes constant folding follows (Body). */
  private static final Set<String> FOLDING_OPS = folding();

  private static Set<String> folding() {
    Set<String> ops = new HashSet<>(BROADCASTING_OPS);
    ops.addAll(List.of("Constant", "ConstantOfShape", "Expand", "Tile", "Range"));
    return Set.copyOf(ops);
  }

  /** Whether the string at {@code [at, at + len)} of the file is {@code name} (ASCII). */
  private boolean isName(long at, long len, byte[] name) {
    if (at < 0 || len != name.length) {
      return false;
    }
    for (int i = 0; i < name.length; i++) {
      if (r.bytes().get(at + i) != name[i]) {
        return false;
      }
    }
    return true;
  }

  /** Checks the next {@code len} bytes as a protobuf string's UTF-8 and skips them. */
  private void checkString(long len) {
    work += len;
    long at = r.position();
    if (!r.isUtf8(at, len)) {
      throw new FormatException(FormatReason.ONNX_STRING_NOT_UTF8, at, "string is not valid UTF-8");
    }
    r.skipBytes(len);
  }

  /** The name in slot {@code i} of a node's name positions, or null. */
  /** Reads a protobuf string, checking UTF-8; returns it if {@code decode} and short enough. */
  private @Nullable String string(boolean decode) {
    long len = r.readLength();
    work += len;
    long at = r.position();
    if (!r.isUtf8(at, len)) {
      throw new FormatException(FormatReason.ONNX_STRING_NOT_UTF8, at, "string is not valid UTF-8");
    }
    String s = decode && len <= MAX_DESCRIBED ? Utf8.decode(r.bytes(), at, (int) len) : null;
    r.skipBytes(len);
    return s;
  }

  /** A string the checks need in full (names, domains, external-data entries). */
  private String nonNullString() {
    long len = r.readLength();
    work += len;
    long at = r.position();
    if (!r.isUtf8(at, len)) {
      throw new FormatException(FormatReason.ONNX_STRING_NOT_UTF8, at, "string is not valid UTF-8");
    }
    if (len > 65536) {
      throw new FormatException(FormatReason.ONNX_LIMIT_EXCEEDED, at, "name of " + len + " bytes");
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
