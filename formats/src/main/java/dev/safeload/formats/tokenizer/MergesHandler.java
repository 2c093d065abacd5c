package dev.safeload.formats.tokenizer;

import dev.safeload.formats.internal.tokenizer.Merges;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * BPE merge lists, {@code merges.txt} (id {@code bpe-merges}), as GPT-2, RoBERTa, CLIP and Qwen
 * tokenizers ship them. Rules, in check order: the shared text rules (with a final newline
 * required), then those of {@link Merges}. Claimed by its well-known name only; no extension.
 */
public final class MergesHandler implements FormatHandler {

  public MergesHandler() {}

  @Override
  public String id() {
    return "bpe-merges";
  }

  @Override
  public Set<String> extensions() {
    return Set.of();
  }

  @Override
  public Set<String> fileNames() {
    return Set.of("merges.txt");
  }

  /**
   * {@link Confidence#STRONG} when the file starts with {@code #version}, as every merges file
   * does.
   */
  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    return Merges.looksLike(head) ? Confidence.STRONG : Confidence.NONE;
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    Merges.Result r =
        Merges.parse(
            bytes, Tokenizers.textLimits(context, true), context.limit(Tokenizers.MAX_TOKENS));
    return new ModelDescription(
        id(), List.of(), Map.of("tokenizer.merges", String.valueOf(r.merges())), List.of());
  }
}
