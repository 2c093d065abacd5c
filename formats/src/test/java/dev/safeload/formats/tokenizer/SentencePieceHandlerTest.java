package dev.safeload.formats.tokenizer;

import static dev.safeload.formats.tokenizer.TokenizerTesting.describe;
import static dev.safeload.formats.tokenizer.TokenizerTesting.detect;
import static dev.safeload.formats.tokenizer.TokenizerTesting.piece;
import static dev.safeload.formats.tokenizer.TokenizerTesting.reasons;
import static dev.safeload.formats.tokenizer.TokenizerTesting.resource;
import static dev.safeload.formats.tokenizer.TokenizerTesting.utf8;
import static dev.safeload.formats.tokenizer.TokenizerTesting.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.internal.tokenizer.SentencePieceModel;
import dev.safeload.formats.tokenizer.TokenizerTesting.Pb;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * SentencePiece models: real models from the sentencepiece trainer, and one crafted model per rule.
 */
class SentencePieceHandlerTest {
  private static final SentencePieceHandler HANDLER = new SentencePieceHandler();

  /** A valid model: unk, two controls, two normal pieces, a trainer and a normalizer spec. */
  private static Pb model(UnaryOperator<Pb> extra) {
    Pb m =
        new Pb()
            .msg(1, piece("<unk>", 0, 2))
            .msg(1, piece("<s>", 0, 3))
            .msg(1, piece("</s>", 0, 3))
            .msg(1, piece("\u2581a", -1.5f, 1))
            .msg(1, new Pb().str(1, "b").f(2, -2f));
    m = extra.apply(m);
    return m;
  }

  private static Pb trainer(UnaryOperator<Pb> fields) {
    return fields.apply(new Pb().varint(3, 1).varint(4, 5).varint(40, 0).varint(43, -1));
  }

  private static byte[] bytes(UnaryOperator<Pb> extra) {
    return model(extra).toBytes();
  }

  private static List<ReasonCode> check(UnaryOperator<Pb> extra) {
    return reasons(HANDLER, bytes(extra));
  }

  private static final UnaryOperator<Pb> SPECS =
      m ->
          m.msg(2, trainer(t -> t))
              .msg(
                  3,
                  new Pb()
                      .str(1, "identity")
                      .bytes(
                          2,
                          TokenizerTesting.charsmap(
                              TokenizerTesting.mapsAToFirstString(), utf8("b\0")))
                      .varint(3, 1)
                      .varint(4, 0)
                      .varint(5, 1));

  @Test
  void realModelsAreAccepted() {
    ModelDescription uni = describe(HANDLER, resource("spiece.model"));
    assertEquals("unigram", uni.metadata().get("sentencepiece.model_type"));
    assertEquals("false", uni.metadata().get("sentencepiece.byte_fallback"));
    ModelDescription bpe = describe(HANDLER, resource("byte_fallback.model"));
    assertEquals("bpe", bpe.metadata().get("sentencepiece.model_type"));
    assertEquals("true", bpe.metadata().get("sentencepiece.byte_fallback"));
    assertEquals("320", bpe.metadata().get("tokenizer.tokens"));
  }

  @Test
  void craftedModelIsAccepted() {
    assertEquals(List.of(), check(SPECS));
    assertEquals(
        List.of(),
        check(
            m ->
                m.msg(2, trainer(t -> t))
                    .msg(5, new Pb().str(1, "identity"))
                    .msg(4, new Pb().msg(1, new Pb().str(1, "a b").str(2, "\u2581a \u2581b")))));
    assertEquals(
        List.of(),
        check(m -> m.msg(2, trainer(t -> t.str(53, "").str(54, "")))),
        "sentencepiece 0.2 fields");
  }

  @Test
  void claimsTheTransformersNames() {
    assertEquals(
        Set.of(
            "tokenizer.model",
            "spiece.model",
            "sentencepiece.bpe.model",
            "spm.model",
            "source.spm",
            "target.spm",
            "tokenizer.model.v1",
            "tokenizer.model.v2",
            "tokenizer.model.v3",
            "tokenizer.model.v7"),
        HANDLER.fileNames());
    assertEquals(Set.of(), HANDLER.extensions());
  }

  @Test
  void wireFormat() {
    byte[] good = resource("spiece.model");
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_PROTOBUF_INVALID),
        reasons(HANDLER, Arrays.copyOf(good, good.length - 1)));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_PROTOBUF_INVALID), check(m -> m.tag(3, 3)), "group");
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_PROTOBUF_INVALID), check(m -> m.raw(0)), "field 0");
  }

  @Test
  void unknownFields() {
    assertEquals(List.of(FormatReason.SENTENCEPIECE_UNKNOWN_FIELD), check(m -> m.varint(6, 1)));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_UNKNOWN_FIELD), check(m -> m.str(200, "extension")));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_UNKNOWN_FIELD),
        check(m -> m.msg(1, piece("c", 0, 1).varint(4, 1))));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_UNKNOWN_FIELD),
        check(m -> m.msg(2, trainer(t -> t.varint(8, 1)))));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_UNKNOWN_FIELD),
        check(m -> m.msg(3, new Pb().varint(7, 1))));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_UNKNOWN_FIELD),
        check(m -> m.msg(4, new Pb().varint(2, 1))));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_UNKNOWN_FIELD),
        check(m -> m.msg(4, new Pb().msg(1, new Pb().str(3, "x")))));
  }

  @Test
  void wireTypes() {
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_FIELD_TYPE_INVALID), check(m -> m.varint(2, 1)));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_FIELD_TYPE_INVALID),
        check(m -> m.msg(1, new Pb().str(1, "c").varint(2, 1))));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_FIELD_TYPE_INVALID),
        check(m -> m.msg(2, trainer(t -> t.str(35, "true")))));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_FIELD_TYPE_INVALID),
        check(m -> m.msg(2, trainer(t -> t.varint(10, 1)))));
  }

  @Test
  void singularFieldsOnce() {
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_DUPLICATE_FIELD),
        check(m -> m.msg(2, trainer(t -> t)).msg(2, trainer(t -> t))));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_DUPLICATE_FIELD),
        check(m -> m.msg(1, piece("c", 0, 1).str(1, "d"))));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_DUPLICATE_FIELD),
        check(m -> m.msg(2, trainer(t -> t.varint(4, 9)))));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_DUPLICATE_FIELD),
        check(m -> m.msg(3, new Pb().str(1, "a").str(1, "b"))));
    assertEquals(
        List.of(),
        check(m -> m.msg(2, trainer(t -> t.str(30, "<x>").str(30, "<y>")))),
        "repeated fields repeat");
  }

  @Test
  void utf8AndLimits() {
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_STRING_NOT_UTF8),
        check(m -> m.msg(1, new Pb().bytes(1, new byte[] {'c', (byte) 0xC0, (byte) 0x80}))));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_STRING_NOT_UTF8),
        check(m -> m.msg(2, trainer(t -> t.bytes(45, new byte[] {(byte) 0xFF})))));
    assertEquals(List.of(), reasons(HANDLER, bytes(SPECS), with(Tokenizers.MAX_TOKENS, 5)));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_LIMIT_EXCEEDED),
        reasons(HANDLER, bytes(SPECS), with(Tokenizers.MAX_TOKENS, 4)));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_LIMIT_EXCEEDED),
        reasons(HANDLER, bytes(SPECS), with(Tokenizers.MAX_SENTENCEPIECE_STRING_BYTES, 4)));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_LIMIT_EXCEEDED),
        reasons(HANDLER, bytes(SPECS), with(Tokenizers.MAX_CHARSMAP_BYTES, 9)));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_LIMIT_EXCEEDED),
        reasons(HANDLER, bytes(SPECS), with(Tokenizers.MAX_SENTENCEPIECE_BYTES, 20)));
    Pb samples = new Pb().msg(1, new Pb().str(1, "a")).msg(1, new Pb().str(1, "b"));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_LIMIT_EXCEEDED),
        reasons(HANDLER, bytes(m -> m.msg(4, samples)), with(Tokenizers.MAX_SELF_TEST_SAMPLES, 1)));
  }

  @Test
  void valueRanges() {
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_VALUE_INVALID),
        check(m -> m.msg(2, new Pb().varint(3, 5))),
        "model_type");
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_VALUE_INVALID),
        check(m -> m.msg(2, new Pb().varint(35, 2))),
        "bool");
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_VALUE_INVALID),
        check(m -> m.msg(3, new Pb().varint(3, 2))),
        "bool");
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_VALUE_INVALID),
        check(m -> m.msg(2, new Pb().varint(4, 1L << 31))),
        "int32");
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_VALUE_INVALID),
        check(m -> m.msg(2, new Pb().f(10, Float.NaN))),
        "float");
    assertEquals(
        List.of(), check(m -> m.msg(2, new Pb().varint(40, -1).varint(11, -1L))), "-1 ids, uint64");
  }

  @Test
  void pieces() {
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_PIECE_INVALID),
        check(m -> m.msg(1, new Pb().str(1, ""))));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_PIECE_INVALID),
        check(m -> m.msg(1, new Pb().f(2, 1))),
        "no text");
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_PIECE_INVALID), check(m -> m.msg(1, piece("c", 0, 7))));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_PIECE_INVALID), check(m -> m.msg(1, piece("c", 0, 0))));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_PIECE_INVALID),
        check(m -> m.msg(1, piece("c", Float.NEGATIVE_INFINITY, 1))));
    for (String bad : List.of("<0x0a>", "<0xG0>", "<0x0A", "<0x100>", "x")) {
      assertEquals(
          List.of(FormatReason.SENTENCEPIECE_PIECE_INVALID),
          check(m -> m.msg(1, piece(bad, 0, 6))),
          bad);
    }
  }

  @Test
  void duplicatePieces() {
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_DUPLICATE_PIECE),
        check(m -> m.msg(1, piece("b", 0, 1))));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_DUPLICATE_PIECE),
        check(m -> m.msg(1, piece("<s>", 0, 1))),
        "a normal piece with a control piece's text");
  }

  @Test
  void exactlyOneUnknownPiece() {
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_UNK_INVALID),
        check(m -> m.msg(1, piece("<unk2>", 0, 2))));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_UNK_INVALID),
        reasons(HANDLER, new Pb().msg(1, piece("a", 0, 1)).toBytes()));
    assertEquals(List.of(FormatReason.SENTENCEPIECE_UNK_INVALID), reasons(HANDLER, new byte[0]));
  }

  @Test
  void byteFallback() {
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_BYTE_FALLBACK_INVALID),
        check(m -> m.msg(1, piece("<0x0A>", 0, 6))));
    assertEquals(
        List.of(FormatReason.SENTENCEPIECE_BYTE_FALLBACK_INVALID),
        check(m -> m.msg(1, piece("<0x0A>", 0, 6)).msg(2, trainer(t -> t.varint(35, 1)))),
        "1 of 256");
    assertEquals(
        List.of(),
        check(
            m -> {
              for (int b = 0; b < 256; b++) {
                m.msg(1, piece(String.format("<0x%02X>", b), 0, 6));
              }
              return m.msg(2, trainer(t -> t.varint(35, 1)));
            }));
  }

  @Test
  void workIsBoundedByTheBytes() {
    byte[] b = resource("byte_fallback.model");
    SentencePieceModel.Result r =
        SentencePieceModel.parse(
            ModelBytes.of(ByteBuffer.wrap(b)),
            new SentencePieceModel.Limits(1 << 20, 1 << 20, 1 << 20, 100));
    assertTrue(r.work() > 320 && r.work() <= b.length / 2, "work " + r.work());
  }

  @Test
  void detection() {
    assertEquals(Confidence.STRONG, detect(HANDLER, resource("byte_fallback.model")));
    assertEquals(Confidence.STRONG, detect(HANDLER, bytes(SPECS)));
    assertEquals(Confidence.NONE, detect(HANDLER, new Pb().msg(1, new Pb().str(1, "")).toBytes()));
    assertEquals(Confidence.NONE, detect(HANDLER, resource("vocab.txt")));
    assertEquals(Confidence.NONE, detect(HANDLER, resource("merges.txt")));
  }
}
