package dev.safeload.formats.safetensors;

import dev.safeload.formats.internal.safetensors.ShardIndex;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ModelView;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * Validates a sharded model's {@code model.safetensors.index.json} (id {@code safetensors-index},
 * extension {@code .json}) and checks it against the shards.
 *
 * <p>On its own the file must be strict JSON (the {@code json.*} limits apply) with only {@code
 * metadata} and {@code weight_map} at the top level; every {@code weight_map} value is a bare
 * {@code [A-Za-z0-9._-]+.safetensors} name. Across files ({@link #validateModel}), relative to the
 * index's directory:
 *
 * <ul>
 *   <li>every shard it names is present and a valid safetensors file ({@code
 *       SAFETENSORS_INDEX_SHARD_MISSING});
 *   <li>every tensor it maps is in that shard, and every tensor of every shard is mapped to that
 *       shard ({@code SAFETENSORS_INDEX_TENSOR_MISMATCH});
 *   <li>no {@code *.safetensors} file in the directory is left out by every index there ({@code
 *       SAFETENSORS_INDEX_SHARD_UNREFERENCED}): an unreferenced shard is bytes some reader may load
 *       and no check covered as part of the model.
 * </ul>
 *
 * {@code metadata.total_size} must be a non-negative integer if present, but is deliberately not
 * compared with the shards (see {@code ShardIndex}).
 */
public final class SafetensorsIndexHandler implements FormatHandler {

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
   * {@link Confidence#STRONG} when the head is a strict JSON object with a top-level {@code
   * weight_map} object whose first shard name does not end in {@code .bin} (a PyTorch index), which
   * outranks the generic {@code json} handler.
   */
  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    return ShardIndex.detect(head, ShardIndex.SAFETENSORS);
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    return ShardIndex.describe(id(), bytes, context, ShardIndex.SAFETENSORS);
  }

  @Override
  public void validateModel(
      ModelView.ValidatedFile self, ModelView model, ValidationContext context) {
    ShardIndex.checkModel(self, model, context, ShardIndex.SAFETENSORS);
  }

  /** Long ending that names a safetensors shard index. */
  @Override
  public Set<String> nameSuffixes() {
    return Set.of(".safetensors.index.json");
  }
}
