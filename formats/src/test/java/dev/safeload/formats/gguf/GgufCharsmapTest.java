package dev.safeload.formats.gguf;

import static dev.safeload.formats.gguf.GgufTesting.assertRejected;
import static dev.safeload.formats.gguf.GgufTesting.describe;
import static dev.safeload.formats.gguf.GgufWriter.ARRAY;
import static dev.safeload.formats.gguf.GgufWriter.INT8;
import static dev.safeload.formats.gguf.GgufWriter.UINT32;
import static dev.safeload.formats.gguf.GgufWriter.UINT8;
import static dev.safeload.formats.gguf.GgufWriter.array;

import dev.safeload.formats.FormatReason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * {@code tokenizer.ggml.precompiled_charsmap}: the SentencePiece normalizer trie that llama.cpp's
 * UGM tokenizer walks for every text; its replacement strings are read with {@code strlen}, so
 * strings that do not end in NUL are read past the end of the array. The same rule as a
 * SentencePiece model's charsmap (SentencePieceCharsmapTest).
 */
class GgufCharsmapTest {
  private static final String KEY = "tokenizer.ggml.precompiled_charsmap";

  /** One block of units mapping "a" to the string at 0, then {@code strings}. */
  private static byte[] charsmap(byte[] strings) {
    int[] u = new int[256];
    u[0] = 0x80 << 10; // root base 0x80
    u[0x80] = 0xff; // not a node for byte 0
    u[0xe1] = (0xe1 ^ 0x10) << 10 | 1 << 8 | 'a'; // 'a', with a leaf whose value is at 0x10
    u[0x10] = 1 << 31;
    ByteBuffer b = ByteBuffer.allocate(4 + 1024 + strings.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(1024);
    for (int v : u) {
      b.putInt(v);
    }
    return b.put(strings).array();
  }

  private static byte[] withCharsmap(int elem, byte[] charsmap) {
    GgufWriter w = GgufWriter.valid();
    w.kv(KEY, ARRAY, array(elem, charsmap.length, charsmap));
    return w.build();
  }

  @Test
  void aCharsmapTheSearchStaysInsideIsAccepted() {
    describe(withCharsmap(UINT8, charsmap(new byte[] {'b', 0})));
    describe(withCharsmap(INT8, charsmap(new byte[] {'b', 0})));
    describe(withCharsmap(UINT8, new byte[0])); // the identity normalizer
  }

  @Test
  void stringsWithoutAFinalNulAreRefused() {
    assertRejected(
        FormatReason.SENTENCEPIECE_CHARSMAP_INVALID,
        withCharsmap(UINT8, charsmap(new byte[] {'b', 'c'})));
  }

  @Test
  void aRootOutsideTheArrayIsRefused() {
    byte[] c = charsmap(new byte[] {'b', 0});
    c[4] = 0;
    c[5] = (byte) 0xfe;
    c[6] = (byte) 0xff;
    c[7] = (byte) 0xff;
    assertRejected(FormatReason.SENTENCEPIECE_CHARSMAP_INVALID, withCharsmap(UINT8, c));
  }

  @Test
  void onlyBytesAsLlamaCppAsserts() {
    GgufWriter w = GgufWriter.valid();
    w.kv(KEY, ARRAY, array(UINT32, 1, new byte[4]));
    assertRejected(FormatReason.GGUF_METADATA_TYPE_INVALID, w.build());
  }
}
