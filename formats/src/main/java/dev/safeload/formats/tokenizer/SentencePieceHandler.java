package dev.safeload.formats.tokenizer;

import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.tokenizer.SentencePieceModel;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SentencePiece models (id {@code sentencepiece}): a {@code sentencepiece.ModelProto} checked
 * against its schema by {@link SentencePieceModel}, after a size check against {@link
 * Tokenizers#MAX_SENTENCEPIECE_BYTES} ({@code SENTENCEPIECE_LIMIT_EXCEEDED}).
 *
 * <p>Claimed by the names transformers' tokenizers give the file: {@code tokenizer.model} (Llama,
 * Mistral, Gemma), {@code spiece.model} (T5, ALBERT, XLNet, Pegasus, BigBird), {@code
 * sentencepiece.bpe.model} (XLM-R, CamemBERT, mBART, M2M100), {@code spm.model} (DeBERTa-v2/v3) and
 * {@code source.spm}/{@code target.spm} (Marian), and the versioned names mistral_common gives its
 * SentencePiece tokenizers ({@code tokenizer.model.v1}, {@code .v2}, {@code .v3}, {@code .v7}:
 * Mistral 7B v0.3, Mixtral, Codestral, Mistral Large). No extension: {@code .model} names all kinds
 * of files. {@code tokenizer.model} is also claimed by the tiktoken handler (Llama 3); the content
 * decides, and neither handler detects or validates the other's content.
 */
public final class SentencePieceHandler implements FormatHandler {

  public SentencePieceHandler() {}

  @Override
  public String id() {
    return "sentencepiece";
  }

  @Override
  public Set<String> extensions() {
    return Set.of();
  }

  @Override
  public Set<String> fileNames() {
    return Set.of(
        "tokenizer.model",
        "spiece.model",
        "sentencepiece.bpe.model",
        "spm.model",
        "source.spm",
        "target.spm",
        "tokenizer.model.v1",
        "tokenizer.model.v2",
        "tokenizer.model.v3",
        "tokenizer.model.v7");
  }

  /** {@link Confidence#STRONG} when the head starts with a complete, well-formed first piece. */
  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    return SentencePieceModel.looksLike(head) ? Confidence.STRONG : Confidence.NONE;
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    long max = context.limit(Tokenizers.MAX_SENTENCEPIECE_BYTES);
    if (bytes.size() > max) {
      throw new FormatException(
          FormatReason.SENTENCEPIECE_LIMIT_EXCEEDED,
          0,
          "model of " + bytes.size() + " bytes exceeds the limit of " + max);
    }
    SentencePieceModel.Result r =
        SentencePieceModel.parse(
            bytes,
            new SentencePieceModel.Limits(
                context.limit(Tokenizers.MAX_TOKENS),
                    context.limit(Tokenizers.MAX_SENTENCEPIECE_STRING_BYTES),
                context.limit(Tokenizers.MAX_CHARSMAP_BYTES),
                    context.limit(Tokenizers.MAX_SELF_TEST_SAMPLES)));
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("tokenizer.tokens", String.valueOf(r.pieces()));
    meta.put("sentencepiece.model_type", r.modelType());
    meta.put("sentencepiece.byte_fallback", String.valueOf(r.byteFallback()));
    return new ModelDescription(id(), List.of(), meta, List.of());
  }
}
