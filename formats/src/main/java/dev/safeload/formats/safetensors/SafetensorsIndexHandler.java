package dev.safeload.formats.safetensors;

import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.Setting;
import dev.safeload.formats.internal.json.JsonLimits;
import dev.safeload.formats.internal.safetensors.ShardIndex;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ModelView;
import dev.safeload.spi.TensorInfo;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Validates a sharded model's {@code model.safetensors.index.json} (id {@code safetensors-index},
 * extension {@code .json}) and checks it against the shards.
 *
 * <p>On its own the file must be strict JSON (the {@code json.*} limits apply) with only
 * {@code metadata} and {@code weight_map} at the top level; every {@code weight_map} value is a bare
 * {@code [A-Za-z0-9._-]+.safetensors} name. Across files ({@link #validateModel}), relative to the
 * index's directory:
 * <ul>
 *   <li>every shard it names is present and a valid safetensors file
 *       ({@code SAFETENSORS_INDEX_SHARD_MISSING});
 *   <li>every tensor it maps is in that shard, and every tensor of every shard is mapped to that
 *       shard ({@code SAFETENSORS_INDEX_TENSOR_MISMATCH});
 *   <li>no {@code *.safetensors} file in the directory is left out by every index there
 *       ({@code SAFETENSORS_INDEX_SHARD_UNREFERENCED}): an unreferenced shard is bytes some reader
 *       may load and no check covered as part of the model.
 * </ul>
 * {@code metadata.total_size} must be a non-negative integer if present, but is deliberately not
 * compared with the shards (see {@code ShardIndex}).
 */
public final class SafetensorsIndexHandler implements FormatHandler {

  /** Most {@code weight_map} entries. */
  public static final Setting<Long> MAX_ENTRIES = Setting.limit("safetensors-index.maxEntries", 300_000L);

  public SafetensorsIndexHandler() {}

  @Override
  public String id() {
    return "safetensors-index";
  }

  @Override
  public Set<String> extensions() {
    return Set.of("json");
  }

  /**
   * {@link Confidence#STRONG} when the head is a strict JSON object with a top-level
   * {@code weight_map} object, which outranks the generic {@code json} handler.
   */
  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    if (!head.hasRemaining() || head.get(head.position()) != '{') {
      return Confidence.NONE; // HF writes the index without leading whitespace
    }
    return ShardIndex.looksLikeIndex(head) ? Confidence.STRONG : Confidence.NONE;
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    ShardIndex index = parse(bytes, context);
    return new ModelDescription(id(), List.<TensorInfo>of(), index.metadata(),
        index.shards().stream().sorted().toList());
  }

  @Override
  public void validateModel(ModelView.ValidatedFile self, ModelView model, ValidationContext context) {
    ShardIndex index = parse(self.bytes(), context);
    String name = self.name();
    String dir = name.substring(0, name.lastIndexOf('/') + 1);
    List<String> shards = index.shards();
    int n = shards.size();
    ModelDescription[] shardDescriptions = new ModelDescription[n];
    for (int s = 0; s < n; s++) {
      Optional<ModelView.ValidatedFile> f = model.file(dir + shards.get(s));
      if (f.isPresent() && f.get().format().equals("safetensors")) {
        shardDescriptions[s] = f.get().description();
      } else {
        context.report(Reason.SAFETENSORS_INDEX_SHARD_MISSING, Finding.NO_OFFSET,
            "shard " + shards.get(s) + " is absent or not a valid safetensors file");
      }
    }
    Map<String, Integer> where = new HashMap<>(index.tensorNames().size() * 2);
    int[] expected = new int[n];
    for (int i = 0; i < index.tensorNames().size(); i++) {
      where.put(index.tensorNames().get(i), index.shardOf(i));
      expected[index.shardOf(i)]++;
    }
    for (int s = 0; s < n; s++) {
      if (shardDescriptions[s] == null) {
        continue;
      }
      int matched = 0;
      for (TensorInfo t : shardDescriptions[s].tensors()) {
        Integer e = where.get(t.name());
        if (e == null) {
          context.report(Reason.SAFETENSORS_INDEX_TENSOR_MISMATCH, Finding.NO_OFFSET,
              "tensor '" + t.name() + "' of shard " + shards.get(s) + " is not in the index");
        } else if (e != s) {
          context.report(Reason.SAFETENSORS_INDEX_TENSOR_MISMATCH, Finding.NO_OFFSET,
              "tensor '" + t.name() + "' is in shard " + shards.get(s) + " but the index places it in "
                  + shards.get(e));
        } else {
          matched++;
        }
      }
      if (matched != expected[s]) {
        Set<String> present = new HashSet<>();
        shardDescriptions[s].tensors().forEach(t -> present.add(t.name()));
        for (int i = 0; i < index.tensorNames().size(); i++) {
          if (index.shardOf(i) == s && !present.contains(index.tensorNames().get(i))) {
            context.report(Reason.SAFETENSORS_INDEX_TENSOR_MISMATCH, Finding.NO_OFFSET,
                "the index places tensor '" + index.tensorNames().get(i) + "' in shard " + shards.get(s)
                    + ", which does not hold it");
          }
        }
      }
    }
    Set<String> referenced = new HashSet<>(shards);
    for (String other : model.fileNames()) {
      if (!other.equals(name) && inDirectory(other, dir)) {
        model.file(other).filter(f -> f.format().equals(id()))
            .ifPresent(f -> referenced.addAll(f.description().references()));
      }
    }
    for (String other : model.fileNames()) {
      if (inDirectory(other, dir) && other.toLowerCase(Locale.ROOT).endsWith(".safetensors")
          && !referenced.contains(other.substring(dir.length()))) {
        context.report(Reason.SAFETENSORS_INDEX_SHARD_UNREFERENCED, Finding.NO_OFFSET,
            "safetensors file " + other + " is not named by the shard index");
      }
    }
  }

  private static boolean inDirectory(String file, String dir) {
    return file.startsWith(dir) && file.indexOf('/', dir.length()) < 0;
  }

  private static ShardIndex parse(ModelBytes bytes, ValidationContext context) {
    JsonLimits.checkSize(bytes, context);
    return ShardIndex.parse(bytes, new ShardIndex.Limits(JsonLimits.of(context, context.limit(MAX_ENTRIES)),
        context.limit(SafetensorsHandler.MAX_NAME_BYTES)));
  }
}
