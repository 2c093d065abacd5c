package dev.safeload.formats.internal;

import dev.safeload.Setting;
import dev.safeload.formats.gguf.Gguf;
import dev.safeload.formats.json.Json;
import dev.safeload.formats.numpy.NumPy;
import dev.safeload.formats.onnx.Onnx;
import dev.safeload.formats.pickle.Pickle;
import dev.safeload.formats.pytorch.PyTorch;
import dev.safeload.formats.safetensors.Safetensors;
import dev.safeload.formats.tokenizer.Tokenizers;
import dev.safeload.formats.zip.Zip;
import dev.safeload.spi.SettingCatalog;
import java.util.Collection;
import java.util.List;

/**
 * Every setting the format handlers read, by the policy name a {@code safeload.json} uses: a name
 * not listed here (or by another module's catalog) is refused there. {@code FormatSettingsTest}
 * checks that every public {@link Setting} constant of the settings classes is listed.
 */
public final class FormatSettings implements SettingCatalog {
  private static final List<Setting<?>> ALL =
      List.of(
          Json.MAX_BYTES,
          Json.MAX_DEPTH,
          Json.MAX_STRING_BYTES,
          Json.MAX_OBJECT_MEMBERS,
          Gguf.MAX_TENSORS,
          Gguf.MAX_KEYS,
          Gguf.MAX_STRING_BYTES,
          Gguf.MAX_LARGE_STRING_BYTES,
          Gguf.MAX_ARRAY_ELEMENTS,
          Gguf.MAX_ALIGNMENT,
          Gguf.MAX_BLOCK_COUNT,
          Gguf.ALLOWED_CHAT_TEMPLATES,
          NumPy.MAX_HEADER_BYTES,
          NumPy.MAX_RANK,
          NumPy.MAX_ARRAY_BYTES,
          NumPy.MAX_DTYPE_DEPTH,
          NumPy.MAX_DTYPE_FIELDS,
          Onnx.ALLOWED_DOMAINS,
          Onnx.MAX_DEPTH,
          Onnx.MAX_NODES,
          Onnx.MAX_TENSORS,
          Onnx.MAX_FUNCTIONS,
          Onnx.MAX_METADATA_ENTRIES,
          Onnx.MAX_RANK,
          Onnx.MAX_SPARSE_DENSE_BYTES,
          Onnx.MAX_FOLDED_ELEMENTS,
          Safetensors.MAX_HEADER_BYTES,
          Safetensors.MAX_TENSORS,
          Safetensors.MAX_RANK,
          Safetensors.MAX_NAME_BYTES,
          Safetensors.MAX_METADATA_ENTRIES,
          Safetensors.MAX_METADATA_BYTES,
          Safetensors.MAX_INDEX_ENTRIES,
          Pickle.PROFILE,
          Pickle.MAX_PICKLE_BYTES,
          Pickle.MAX_INFLATED_BYTES,
          Pickle.MAX_OPCODES,
          Pickle.MAX_STACK_DEPTH,
          Pickle.MAX_MARK_DEPTH,
          Pickle.MAX_MEMO_ENTRIES,
          Pickle.MAX_CONTAINER_ITEMS,
          Pickle.MAX_STRING_BYTES,
          Pickle.MAX_INT_BYTES,
          Pickle.MAX_NESTING_DEPTH,
          Pickle.MAX_TENSOR_RANK,
          Tokenizers.MAX_TEXT_BYTES,
          Tokenizers.MAX_LINE_BYTES,
          Tokenizers.MAX_TOKENS,
          Tokenizers.MAX_SENTENCEPIECE_BYTES,
          Tokenizers.MAX_SENTENCEPIECE_STRING_BYTES,
          Tokenizers.MAX_CHARSMAP_BYTES,
          Tokenizers.MAX_SELF_TEST_SAMPLES,
          PyTorch.PROFILE,
          PyTorch.TORCHSCRIPT,
          Zip.MAX_ENTRIES,
          Zip.MAX_ENTRY_BYTES,
          Zip.MAX_TOTAL_BYTES,
          Zip.MAX_COMPRESSION_RATIO,
          Zip.COMPRESSION_RATIO_FLOOR_BYTES,
          Zip.MAX_NAME_BYTES);

  @Override
  public Collection<Setting<?>> settings() {
    return ALL;
  }
}
