package dev.safeload.formats.onnx;

import dev.safeload.Reason;
import dev.safeload.Setting;
import dev.safeload.formats.internal.onnx.OnnxDetect;
import dev.safeload.formats.internal.onnx.OnnxWalker;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ModelView;
import dev.safeload.spi.TensorInfo;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Validates ONNX models with a protobuf wire-format reader of its own (no generated code): every field
 * of ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, functions, training graphs and
 * subgraphs is checked against the schema with depth and size limits; tensors' data must match their
 * shape; node operator domains must be in {@link #ALLOWED_DOMAINS}.
 *
 * <p>External data: each {@code location} must be a relative, normalised path inside the model
 * directory (magic locations such as {@code _ORT_MEM_ADDR_} are rejected). The referenced files are
 * listed in {@link ModelDescription#references()}; they must be served files of the same verified
 * model (so they are hashed, pinned and delivered like the model) and each tensor's
 * {@code offset + length} must fit its file. A file with no format of its own is accepted only because
 * a valid ONNX model references it ({@link #validateReferenced}); it is served with the format
 * {@value #EXTERNAL_DATA_FORMAT}.
 *
 * <p>Handler id {@code onnx}, extension {@code .onnx}.
 */
public final class OnnxHandler implements FormatHandler {

  /** The format id of a served external-data file. */
  public static final String EXTERNAL_DATA_FORMAT = "onnx-external-data";

  /** Operator domains nodes may use; default {@link OperatorDomains#standard()}. */
  public static final Setting<OperatorDomains> ALLOWED_DOMAINS =
      Setting.of("onnx.allowedDomains", OperatorDomains.class, OperatorDomains.standard());
  /** Deepest message nesting (subgraphs in If/Loop/Scan and nested types count). */
  public static final Setting<Long> MAX_DEPTH = Setting.limit("onnx.maxDepth", 64);
  /** Most nodes over all graphs and functions. */
  public static final Setting<Long> MAX_NODES = Setting.limit("onnx.maxNodes", 1_000_000);
  /** Most tensors (initializers, attribute and sparse tensors). */
  public static final Setting<Long> MAX_TENSORS = Setting.limit("onnx.maxTensors", 1_000_000);
  /** Most model-local functions (onnx.checker's kMaxModelLocalFunctions). */
  public static final Setting<Long> MAX_FUNCTIONS = Setting.limit("onnx.maxFunctions", 10_000);
  /** Most metadata_props entries. */
  public static final Setting<Long> MAX_METADATA_ENTRIES = Setting.limit("onnx.maxMetadataEntries", 10_000);
  /** Highest tensor rank. */
  public static final Setting<Long> MAX_RANK = Setting.limit("onnx.maxRank", 64);

  /** Creates the handler (found through {@link java.util.ServiceLoader}). */
  public OnnxHandler() {}

  @Override
  public String id() {
    return "onnx";
  }

  @Override
  public Set<String> extensions() {
    return Set.of("onnx");
  }

  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    return OnnxDetect.looksLikeModel(head, fileSize) ? Confidence.STRUCTURAL : Confidence.NONE;
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    OnnxWalker.Result r = walk(bytes, context);
    checkOverlaps(r.externals());
    Set<String> refs = new LinkedHashSet<>();
    for (OnnxWalker.External e : r.externals()) {
      refs.add(e.location());
    }
    Map<String, String> metadata = new java.util.LinkedHashMap<>(r.metadata());
    metadata.put("operator_domains", String.join(",", new java.util.TreeSet<>(r.nodeDomains())));
    return new ModelDescription(id(), r.tensors(), metadata, new ArrayList<>(refs));
  }

  private static OnnxWalker.Result walk(ModelBytes bytes, ValidationContext context) {
    OperatorDomains domains = context.setting(ALLOWED_DOMAINS);
    OnnxWalker.Limits limits = new OnnxWalker.Limits(context.limit(MAX_DEPTH), context.limit(MAX_NODES),
        context.limit(MAX_TENSORS), context.limit(MAX_FUNCTIONS), context.limit(MAX_METADATA_ENTRIES),
        context.limit(MAX_RANK));
    return OnnxWalker.walk(bytes, limits, domains::allows);
  }

  /** Two tensors may not share bytes of one external file (strict: no two readings of a byte). */
  private static void checkOverlaps(List<OnnxWalker.External> externals) {
    List<OnnxWalker.External> sorted = new ArrayList<>(externals);
    sorted.removeIf(e -> e.length() == 0);
    sorted.sort(Comparator.comparing(OnnxWalker.External::location)
        .thenComparingLong(OnnxWalker.External::offset));
    for (int i = 1; i < sorted.size(); i++) {
      OnnxWalker.External a = sorted.get(i - 1);
      OnnxWalker.External b = sorted.get(i);
      if (a.location().equals(b.location()) && b.offset() - a.offset() < a.length()) {
        throw new FormatException(Reason.ONNX_EXTERNAL_DATA_OVERLAP, b.at(), "tensors '" + a.tensor()
            + "' and '" + b.tensor() + "' overlap in " + b.location());
      }
    }
  }

  /**
   * Checks each external-data reference against the served files: the file must be a verified file of
   * this model, and every tensor's range must lie inside it.
   */
  @Override
  public void validateModel(ModelView.ValidatedFile self, ModelView model, ValidationContext context) {
    if (self.description().references().isEmpty()) {
      return;
    }
    OnnxWalker.Result r = walk(self.bytes(), context);
    String dir = directoryOf(self.name());
    for (OnnxWalker.External e : r.externals()) {
      String name = dir + e.location();
      Optional<ModelView.ValidatedFile> f = model.file(name);
      if (f.isEmpty() || !isExternalDataOrModel(f.get())) {
        context.report(Reason.ONNX_EXTERNAL_DATA_MISSING, e.at(), "tensor '" + e.tensor() + "' needs "
            + name + ", which is not a verified file of this model"
            + (model.isDirectory() ? "" : " (load the model's directory, not the .onnx file alone)"));
        continue;
      }
      long size = f.get().bytes().size();
      if (e.offset() > size || e.length() > size - e.offset()) {
        context.report(Reason.ONNX_EXTERNAL_DATA_OUT_OF_RANGE, e.at(), "tensor '" + e.tensor() + "' needs bytes "
            + e.offset() + ".." + (e.offset() + e.length()) + " of " + name + ", which has " + size);
      }
    }
  }

  private static boolean isExternalDataOrModel(ModelView.ValidatedFile f) {
    return f.format().equals(EXTERNAL_DATA_FORMAT) || f.format().equals("onnx");
  }

  /**
   * Accepts a file that has no format of its own because a valid ONNX model names it as external data.
   * Its bytes are raw tensor data; the ranges are checked by {@link #validateModel}. The description
   * lists the tensors the referrer stores in this file, with their offsets in it, so that an
   * application can hand them to an engine from the verified bytes.
   */
  @Override
  public @Nullable ModelDescription validateReferenced(ModelView.ValidatedFile referrer, String name,
      ModelBytes bytes, ValidationContext context) {
    if (!referrer.format().equals(id())) {
      return null;
    }
    OnnxWalker.Result r = walk(referrer.bytes(), context);
    String dir = directoryOf(referrer.name());
    List<TensorInfo> tensors = new ArrayList<>();
    for (OnnxWalker.External e : r.externals()) {
      if ((dir + e.location()).equals(name)) {
        tensors.add(new TensorInfo(e.tensor(), e.dtype(), e.shape(), e.offset(), e.length()));
      }
    }
    tensors.sort(Comparator.comparingLong(TensorInfo::offset));
    return new ModelDescription(EXTERNAL_DATA_FORMAT, tensors, Map.of("referenced_by", referrer.name()),
        List.of());
  }

  private static String directoryOf(String name) {
    int slash = name.lastIndexOf('/');
    return slash < 0 ? "" : name.substring(0, slash + 1);
  }
}
