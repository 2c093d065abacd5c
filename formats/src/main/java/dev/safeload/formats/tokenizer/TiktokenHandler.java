package dev.safeload.formats.tokenizer;

import dev.safeload.formats.internal.tokenizer.Tiktoken;
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
 * tiktoken BPE rank files (id {@code tiktoken}, extension {@code .tiktoken}), also under the name
 * {@code tokenizer.model} (Llama 3 ships its tiktoken ranks as {@code original/tokenizer.model}).
 * Rules, in check order: the shared text rules, then those of {@link Tiktoken}.
 *
 * <p>{@code tokenizer.model} is claimed by the SentencePiece handler too; the content decides: a
 * rank file is ASCII text starting with a base64 token, a SentencePiece model is protobuf starting
 * with the byte {@code 0x0A}, and each handler detects nothing and validates nothing of the other's
 * content.
 */
public final class TiktokenHandler implements FormatHandler {

  public TiktokenHandler() {}

  @Override
  public String id() {
    return "tiktoken";
  }

  @Override
  public Set<String> extensions() {
    return Set.of("tiktoken");
  }

  @Override
  public Set<String> fileNames() {
    return Set.of("tokenizer.model");
  }

  /**
   * {@link Confidence#STRONG} when the file starts with a complete canonical {@code <base64>
   * <rank>} line.
   */
  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    return Tiktoken.looksLike(head) ? Confidence.STRONG : Confidence.NONE;
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    Tiktoken.Result r =
        Tiktoken.parse(
            bytes, Tokenizers.textLimits(context, false), context.limit(Tokenizers.MAX_TOKENS));
    return new ModelDescription(
        id(),
        List.of(),
        Map.of(
            "tokenizer.tokens",
            String.valueOf(r.tokens()),
            "tiktoken.max_rank",
            String.valueOf(r.maxRank())),
        List.of());
  }
}
