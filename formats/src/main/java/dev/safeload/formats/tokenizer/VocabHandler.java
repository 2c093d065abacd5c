package dev.safeload.formats.tokenizer;

import dev.safeload.formats.internal.tokenizer.Vocab;
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
 * WordPiece vocabularies, {@code vocab.txt} (id {@code vocab-txt}): one token per line, as
 * BERT-style tokenizers read them. Rules, in check order: the shared text rules, then the
 * vocabulary rules of {@link Vocab}. The file is claimed by its well-known name only: {@code .txt}
 * names far more than vocabularies, so the handler claims no extension.
 */
public final class VocabHandler implements FormatHandler {

  public VocabHandler() {}

  @Override
  public String id() {
    return "vocab-txt";
  }

  @Override
  public Set<String> extensions() {
    return Set.of();
  }

  @Override
  public Set<String> fileNames() {
    return Set.of("vocab.txt");
  }

  /**
   * {@link Confidence#STRUCTURAL} when the head is at least two lines of single tokens (no spaces,
   * no controls) that do not start a JSON document; nothing stronger, as plain text has no magic.
   */
  @Override
  public Confidence detect(ByteBuffer head, long fileSize) {
    return Vocab.looksLike(head) ? Confidence.STRUCTURAL : Confidence.NONE;
  }

  @Override
  public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
    Vocab.Result r =
        Vocab.parse(
            bytes, Tokenizers.textLimits(context, false), context.limit(Tokenizers.MAX_TOKENS));
    return new ModelDescription(
        id(), List.of(), Map.of("tokenizer.tokens", String.valueOf(r.tokens())), List.of());
  }
}
