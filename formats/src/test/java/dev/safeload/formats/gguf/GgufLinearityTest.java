package dev.safeload.formats.gguf;

import static dev.safeload.formats.gguf.GgufWriter.ARRAY;
import static dev.safeload.formats.gguf.GgufWriter.BOOL;
import static dev.safeload.formats.gguf.GgufWriter.STRING;
import static dev.safeload.formats.gguf.GgufWriter.UINT32;
import static dev.safeload.formats.gguf.GgufWriter.UINT8;
import static dev.safeload.formats.gguf.GgufWriter.array;
import static dev.safeload.formats.gguf.GgufWriter.str;
import static dev.safeload.formats.gguf.GgufWriter.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.formats.internal.gguf.GgufParser;
import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Work bounds of the GGUF parser, counted (never timed): hostile files at two sizes; the parser's
 * work units (entries, tensors, dimensions, elements read one by one, bytes checked, decoded,
 * hashed or zero-checked) must grow linearly with the file, with a small constant per byte.
 */
class GgufLinearityTest {

  private static final GgufParser.Limits LIMITS =
      new GgufParser.Limits(1_000_000, 65_536, 1L << 20, 64L << 20, 4L << 20, 65_536, 512);

  private record Run(long work, long inputBytes) {}

  private static Run parse(byte[] file) {
    GgufParser.Result r = GgufParser.parse(ModelBytes.of(ByteBuffer.wrap(file)), LIMITS);
    return new Run(r.work(), file.length);
  }

  private static void assertLinear(IntFunction<byte[]> file, int n) {
    Run a = parse(file.apply(n));
    Run b = parse(file.apply(2 * n));
    assertTrue(b.inputBytes() > 1.9 * a.inputBytes(), "the input must double: " + a + " " + b);
    assertTrue(b.work() > 1.5 * a.work(), "the counter must see the work: " + a + " " + b);
    assertTrue(
        b.work() <= 2.2 * a.work() + 1000, "work grows faster than the input: " + a + " " + b);
    assertTrue(b.work() <= 4 * b.inputBytes(), "more than 4 work units per input byte: " + b);
  }

  /**
   * Many keys, hyphenated like llama.cpp's architecture keys: duplicate detection is a hash set.
   */
  @Test
  void manyKeys() {
    assertLinear(
        n -> {
          GgufWriter w = GgufWriter.valid();
          for (int i = 0; i < n; i++) {
            w.kv("nomic-bert-moe.layer-" + i + ".x", UINT32, u32(i));
          }
          return w.build();
        },
        5000);
  }

  /** Long keys near the 65535-byte bound: each is read and hashed once. */
  @Test
  void longKeys() {
    assertLinear(
        n -> {
          GgufWriter w = GgufWriter.valid();
          for (int i = 0; i < n; i++) {
            w.kv(i + "-" + "k".repeat(60_000), UINT8, new byte[] {1});
          }
          return w.build();
        },
        20);
  }

  /** An array of many strings (vocabularies): each element checked once, none decoded. */
  @Test
  void arrayOfStrings() {
    assertLinear(
        n -> {
          byte[][] elems = new byte[n][];
          for (int i = 0; i < n; i++) {
            elems[i] = str("tok" + i);
          }
          GgufWriter w = GgufWriter.valid();
          w.kv("tokenizer.ggml.tokens", ARRAY, array(STRING, n, elems));
          return w.build();
        },
        20_000);
  }

  /** BOOL arrays are read element by element (each must be 0 or 1). */
  @Test
  void arrayOfBools() {
    assertLinear(
        n -> {
          GgufWriter w = GgufWriter.valid();
          w.kv("x.flags", ARRAY, array(BOOL, n, new byte[n]));
          return w.build();
        },
        50_000);
  }

  /** Many tensors: names in a hash set, offsets a running sum, padding checked once. */
  @Test
  void manyTensors() {
    assertLinear(
        n -> {
          GgufWriter w = new GgufWriter();
          for (int i = 0; i < n; i++) {
            w.tensor("blk." + i + ".w", 0, 32L * i, 1); // one F32 each, padded to 32
          }
          w.data = new byte[32 * n];
          byte[] f = w.build();
          assertEquals(
              n, GgufParser.parse(ModelBytes.of(ByteBuffer.wrap(f)), LIMITS).tensors().size());
          return f;
        },
        5000);
  }

  /** Many chat templates (named templates): each is decoded and hashed once. */
  @Test
  void manyTemplates() {
    assertLinear(
        n -> {
          GgufWriter w = GgufWriter.valid();
          for (int i = 0; i < n; i++) {
            w.kv(
                "tokenizer.chat_template.t" + i,
                STRING,
                str("{{ messages[0]['content'] }}".repeat(20)));
          }
          return w.build();
        },
        1000);
  }
}
