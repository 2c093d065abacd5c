package dev.safeload.formats.pytorch;

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
 * Validates a sharded PyTorch model's {@code pytorch_model.bin.index.json} (id {@code
 * pytorch-index}, name ending {@code .bin.index.json}) and checks it against its shards. The rules
 * are those of the safetensors index ({@link ShardIndex}, with the {@code safetensors-index.*} and
 * {@code json.*} limits), with {@code *.bin} shard names and {@code PYTORCH_INDEX_*} codes:
 *
 * <ul>
 *   <li>on its own: strict JSON with only {@code metadata} and {@code weight_map}, every value a
 *       bare {@code [A-Za-z0-9._-]+.bin} name ({@code PYTORCH_INDEX_INVALID}, {@code
 *       PYTORCH_INDEX_SHARD_NAME_INVALID}, {@code JSON_*});
 *   <li>every shard is present and validated as a PyTorch checkpoint ({@code
 *       PYTORCH_INDEX_SHARD_MISSING});
 *   <li>every mapped tensor name is a tensor of that shard's state dict, as the PyTorch handler
 *       describes it, and every tensor of a shard is mapped to it ({@code
 *       PYTORCH_INDEX_TENSOR_MISMATCH});
 *   <li>every {@code *.bin} file beside the index that validated as a PyTorch checkpoint is named
 *       by an index there ({@code PYTORCH_INDEX_SHARD_UNREFERENCED}). Other {@code .bin} files
 *       (ONNX external data) are not shards.
 * </ul>
 */
public final class PyTorchIndexHandler implements FormatHandler {

  public PyTorchIndexHandler() {}

  @Override
  public String id() {
    return "pytorch-index";
  }

  @Override
  public Set<String> extensions() {
    return Set.of("json");
  }

  @Override
  public Set<String> nameSuffixes() {
    return Set.of(".bin.index.json");
  }

  /**
   * {@link Confidence#STRONG} when the head is a JSON object whose {@code weight_map}'s first shard
   * ends in {@code .bin}; an index whose first shard is not a {@code .bin} name is left to the
   * safetensors index.
   */
  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    return ShardIndex.detect(head, ShardIndex.PYTORCH);
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    return ShardIndex.describe(id(), bytes, context, ShardIndex.PYTORCH);
  }

  @Override
  public void validateModel(
      ModelView.ValidatedFile self, ModelView model, ValidationContext context) {
    ShardIndex.checkModel(self, model, context, ShardIndex.PYTORCH);
  }
}
