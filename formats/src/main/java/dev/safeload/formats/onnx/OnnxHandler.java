package dev.safeload.formats.onnx;

import dev.safeload.formats.FormatReason;
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
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Validates ONNX models with a protobuf wire-format reader of its own (no generated code): every
 * field of ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, functions, training
 * graphs and subgraphs is checked against the schema with depth and size limits; tensors' data must
 * match their shape; node operator domains must be in {@link Onnx#ALLOWED_DOMAINS}.
 *
 * <p>External data: each {@code location} must be a relative path inside the model directory with
 * no {@code ..} (magic locations such as {@code _ORT_MEM_ADDR_} are rejected); it is read in the
 * normal form the kernel opens ({@code ./w.bin} is {@code w.bin}). The referenced files are listed
 * in {@link ModelDescription#references()}; they must be served files of the same verified model
 * (so they are hashed, pinned and delivered like the model) holding raw data (never an ONNX model
 * itself), each tensor's {@code offset + length} must fit its file, its length must be what its
 * data type and shape need, and no two tensors of a model may share a byte of a file. Bytes no
 * tensor names (alignment padding, data of another model sharing the file) are allowed. A file with
 * no format of its own is accepted only because a valid ONNX model references it ({@link
 * #validateReferenced}); it is served with the format {@value #EXTERNAL_DATA_FORMAT}.
 *
 * <p>Handler id {@code onnx}, extension {@code .onnx}.
 */
public final class OnnxHandler implements FormatHandler {

  /** The format id of a served external-data file. */
  public static final String EXTERNAL_DATA_FORMAT = "onnx-external-data";

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
    Key key = key(context);
    OnnxWalker.Result r = walk(bytes, key);
    ExternalIndex index = index(r.externals());
    if (!index.byLocation().isEmpty()) {
      remember(bytes, key, index);
    }
    Map<String, String> metadata = new java.util.LinkedHashMap<>(r.metadata());
    metadata.put("operator_domains", String.join(",", new java.util.TreeSet<>(r.nodeDomains())));
    return new ModelDescription(
        id(),
        r.tensors(),
        metadata,
        new ArrayList<>(index.byLocation().keySet()),
        dev.safeload.formats.internal.modelcard.Licenses.from(
            r.metadata(),
            context.fileName(),
            new String[] {"metadata_props.license", "metadata_props.license"}));
  }

  // ------------------------------------------------------------------ one walk per model
  //
  // validate, validateReferenced (once per data file) and validateModel all need the model's
  // external
  // data. Walking the model in each call made a model with n data files cost n walks (2,000 files
  // over
  // 10 MB of protobuf: 43 s). The walk's external references are therefore grouped by file once and
  // kept, keyed by the identity of the model's bytes and the policy they were walked under, for the
  // calls that follow, until validateModel (the engine's last call for a model) is done. At most
  // RECENT_MODELS entries are kept (loads may run concurrently); a model whose entry was evicted is
  // walked again: correct, only slower.

  /** What a walk depends on besides the bytes. */
  private record Key(OnnxWalker.Limits limits, OperatorDomains domains) {}

  /**
   * A model's external-data references grouped by location (first-use order), each group by offset.
   */
  private record ExternalIndex(Map<String, List<OnnxWalker.External>> byLocation) {}

  private record Walked(WeakReference<ModelBytes> bytes, Key key, ExternalIndex index) {}

  /** Models with external data walked recently, most recent first; guarded by itself. */
  private final ArrayDeque<Walked> recent = new ArrayDeque<>();

  private static final int RECENT_MODELS = 16;

  /** Work units of every walk and cross-file check this handler did: a test hook for linearity. */
  private final LongAdder work = new LongAdder();

  long work() {
    return work.sum();
  }

  private static Key key(ValidationContext context) {
    return new Key(
        new OnnxWalker.Limits(
            context.limit(Onnx.MAX_DEPTH),
            context.limit(Onnx.MAX_NODES),
            context.limit(Onnx.MAX_TENSORS),
            context.limit(Onnx.MAX_FUNCTIONS),
            context.limit(Onnx.MAX_METADATA_ENTRIES),
            context.limit(Onnx.MAX_RANK),
            context.limit(Onnx.MAX_SPARSE_DENSE_BYTES),
            context.limit(Onnx.MAX_FOLDED_ELEMENTS)),
        context.setting(Onnx.ALLOWED_DOMAINS));
  }

  private OnnxWalker.Result walk(ModelBytes bytes, Key key) {
    OnnxWalker.Result r = OnnxWalker.walk(bytes, key.limits(), key.domains()::allows);
    work.add(r.work());
    return r;
  }

  /**
   * Groups the references by file and rejects overlapping ranges: two tensors may not share bytes
   * of one external file (strict: no byte has two readings). Zero-length ranges share nothing.
   */
  private ExternalIndex index(List<OnnxWalker.External> externals) {
    Map<String, List<OnnxWalker.External>> byLocation = new LinkedHashMap<>();
    for (OnnxWalker.External e : externals) {
      byLocation.computeIfAbsent(e.location(), k -> new ArrayList<>()).add(e);
    }
    work.add(externals.size());
    for (Map.Entry<String, List<OnnxWalker.External>> g : byLocation.entrySet()) {
      List<OnnxWalker.External> group = g.getValue();
      group.sort(
          Comparator.comparingLong(OnnxWalker.External::offset)); // O(n log n) over all groups
      OnnxWalker.External last = null;
      for (OnnxWalker.External b : group) {
        if (b.length() == 0) {
          continue;
        }
        if (last != null && b.offset() - last.offset() < last.length()) {
          throw new FormatException(
              FormatReason.ONNX_EXTERNAL_DATA_OVERLAP,
              b.at(),
              "tensors '"
                  + printable(last.tensor())
                  + "' and '"
                  + printable(b.tensor())
                  + "' overlap in "
                  + printable(g.getKey()));
        }
        last = b;
      }
      g.setValue(List.copyOf(group));
    }
    return new ExternalIndex(Collections.unmodifiableMap(byLocation));
  }

  private void remember(ModelBytes bytes, Key key, ExternalIndex index) {
    synchronized (recent) {
      recent.removeIf(w -> w.bytes().get() == null || w.bytes().get() == bytes);
      recent.addFirst(new Walked(new WeakReference<>(bytes), key, index));
      while (recent.size() > RECENT_MODELS) {
        recent.removeLast();
      }
    }
  }

  /** The external-data index of a model already validated: remembered, or walked again. */
  private ExternalIndex externalIndex(ModelBytes bytes, ValidationContext context) {
    Key key = key(context);
    synchronized (recent) {
      for (Walked w : recent) {
        if (w.bytes().get() == bytes && w.key().equals(key)) {
          return w.index();
        }
      }
    }
    ExternalIndex index = index(walk(bytes, key).externals());
    remember(bytes, key, index);
    return index;
  }

  /** Drops a model's entry once the engine's last call for it (validateModel) is done with it. */
  private void forget(ModelBytes bytes) {
    synchronized (recent) {
      recent.removeIf(w -> w.bytes().get() == null || w.bytes().get() == bytes);
    }
  }

  // ------------------------------------------------------------------ across files

  /**
   * Checks each external data file against the served files, once per file: it must be a verified
   * file of this model that holds raw data (not an ONNX model: a model's own protobuf bytes read as
   * tensor data would be two readings of one byte), and every tensor's range must lie inside it.
   */
  @Override
  public void validateModel(
      ModelView.ValidatedFile self, ModelView model, ValidationContext context) {
    if (self.description().references().isEmpty()) {
      return;
    }
    ExternalIndex index = externalIndex(self.bytes(), context);
    String dir = directoryOf(self.name());
    for (Map.Entry<String, List<OnnxWalker.External>> g : index.byLocation().entrySet()) {
      String name = dir + g.getKey();
      List<OnnxWalker.External> group = g.getValue();
      OnnxWalker.External first = group.get(0);
      String who =
          group.size() == 1
              ? "tensor '" + printable(first.tensor()) + "' needs "
              : group.size() + " tensors (first '" + printable(first.tensor()) + "') need ";
      Optional<ModelView.ValidatedFile> f = model.file(name);
      work.add(1);
      if (f.isEmpty() || !f.get().format().equals(EXTERNAL_DATA_FORMAT)) {
        boolean isModel = f.isPresent() && f.get().format().equals(id());
        context.report(
            isModel
                ? FormatReason.ONNX_EXTERNAL_DATA_INVALID
                : FormatReason.ONNX_EXTERNAL_DATA_MISSING,
            first.at(),
            who
                + name
                + (isModel
                    ? ", which is an ONNX model, not raw tensor data"
                    : ", which is not a verified external data file of this model"
                        + (model.isDirectory()
                            ? ""
                            : " (load the model's directory, not the .onnx file alone)")));
        continue;
      }
      long size = f.get().bytes().size();
      OnnxWalker.External past = null;
      int pastCount = 0;
      for (OnnxWalker.External e : group) {
        if (e.offset() > size || e.length() > size - e.offset()) {
          past = past == null ? e : past;
          pastCount++;
        }
      }
      work.add(group.size());
      if (past != null) {
        context.report(
            FormatReason.ONNX_EXTERNAL_DATA_OUT_OF_RANGE,
            past.at(),
            "tensor '"
                + printable(past.tensor())
                + "' needs bytes "
                + past.offset()
                + ".."
                + (past.offset() + past.length())
                + " of "
                + name
                + ", which has "
                + size
                + (pastCount > 1
                    ? " (" + (pastCount - 1) + " more tensors run past its end)"
                    : ""));
      }
    }
    forget(self.bytes());
  }

  /**
   * Accepts a file that has no format of its own because a valid ONNX model names it as external
   * data. Its bytes are raw tensor data and are not interpreted (whatever they happen to start
   * with: a float tensor may begin like JSON, an int64 tensor holding 128 like a pickle); the
   * ranges are checked by {@link #validateModel}. The description lists the tensors the referrer
   * stores in this file, by offset, so that an application can hand them to an engine from the
   * verified bytes. A file the referrer does not name is not claimed.
   */
  @Override
  public @Nullable ModelDescription validateReferenced(
      ModelView.ValidatedFile referrer, String name, ModelBytes bytes, ValidationContext context) {
    if (!referrer.format().equals(id())) {
      return null;
    }
    String dir = directoryOf(referrer.name());
    if (!name.startsWith(dir)) {
      return null;
    }
    List<OnnxWalker.External> group =
        externalIndex(referrer.bytes(), context).byLocation().get(name.substring(dir.length()));
    if (group == null) {
      return null;
    }
    List<TensorInfo> tensors = new ArrayList<>(group.size());
    for (OnnxWalker.External e : group) {
      tensors.add(new TensorInfo(e.tensor(), e.dtype(), e.shape(), e.offset(), e.length()));
    }
    work.add(group.size());
    return new ModelDescription(
        EXTERNAL_DATA_FORMAT, tensors, Map.of("referenced_by", referrer.name()), List.of());
  }

  /** Names and locations in messages: control characters replaced, at most 120 characters. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && i < 120; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return sb.toString();
  }

  private static String directoryOf(String name) {
    int slash = name.lastIndexOf('/');
    return slash < 0 ? "" : name.substring(0, slash + 1);
  }
}
