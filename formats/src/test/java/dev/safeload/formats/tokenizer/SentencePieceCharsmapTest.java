package dev.safeload.formats.tokenizer;

import static dev.safeload.formats.tokenizer.TokenizerTesting.LEAF_VALUE;
import static dev.safeload.formats.tokenizer.TokenizerTesting.charsmap;
import static dev.safeload.formats.tokenizer.TokenizerTesting.leafNode;
import static dev.safeload.formats.tokenizer.TokenizerTesting.mapsAToFirstString;
import static dev.safeload.formats.tokenizer.TokenizerTesting.piece;
import static dev.safeload.formats.tokenizer.TokenizerTesting.reasons;
import static dev.safeload.formats.tokenizer.TokenizerTesting.resource;
import static dev.safeload.formats.tokenizer.TokenizerTesting.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;
import dev.safeload.formats.tokenizer.TokenizerTesting.Pb;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The precompiled charsmap: sentencepiece searches it for every text it tokenizes, and releases
 * before the check was added (Debian's 0.1.97) follow its units anywhere. A charsmap whose root
 * unit is 0xFFFFFE00 is accepted by safeload before this rule and crashes {@code
 * SentencePieceProcessor.encode} with a segmentation fault (reading about 4 GiB past the array).
 */
class SentencePieceCharsmapTest {
  private static final SentencePieceHandler HANDLER = new SentencePieceHandler();

  private static final List<ReasonCode> INVALID =
      List.of(FormatReason.SENTENCEPIECE_CHARSMAP_INVALID);

  /** A valid model whose normalizer (or denormalizer: field 5) carries this charsmap. */
  private static List<ReasonCode> check(int spec, byte[] charsmap) {
    byte[] model =
        new Pb()
            .msg(1, piece("<unk>", 0, 2))
            .msg(1, piece("\u2581a", -1.5f, 1))
            .msg(spec, new Pb().str(1, "custom").bytes(2, charsmap))
            .toBytes();
    return reasons(HANDLER, model);
  }

  private static List<ReasonCode> check(byte[] charsmap) {
    return check(3, charsmap);
  }

  @Test
  void aTrieTheSearchStaysInsideIsAccepted() {
    assertEquals(List.of(), check(charsmap(mapsAToFirstString(), utf8("b\0"))));
    assertEquals(List.of(), check(5, charsmap(mapsAToFirstString(), utf8("b\0"))));
    // The trainer's nmt_nfkc charsmap (44,288 units, 60,405 bytes of strings).
    assertEquals(List.of(), reasons(HANDLER, resource("spiece.model")));
  }

  @Test
  void theSegfaultingCharsmapIsRefused() {
    // As crashed sentencepiece 0.1.97: a 4-byte trie whose root sends the search 2^30 units away.
    byte[] tiny = {4, 0, 0, 0, 0, (byte) 0xfe, (byte) 0xff, (byte) 0xff, 'a', 0};
    assertEquals(INVALID, check(tiny));
    assertEquals(INVALID, check(5, tiny));
    int[] u = mapsAToFirstString();
    u[0] = 0xffff_fe00;
    assertEquals(INVALID, check(charsmap(u, utf8("b\0"))), "the root's base");
  }

  @Test
  void theLayoutIsWholeBlocksThenNulTerminatedStrings() {
    int[] u = mapsAToFirstString();
    assertEquals(INVALID, check(new byte[] {0, 4, 0}), "no trie size");
    assertEquals(INVALID, check(new byte[] {0, 0, 0, 0, 0}), "an empty trie");
    byte[] short1 = charsmap(u, utf8("b\0"));
    short1[0] = (byte) 0xfc; // 1020 bytes: not whole blocks
    assertEquals(INVALID, check(short1));
    assertEquals(INVALID, check(charsmap(u, new byte[0])), "no strings");
    assertEquals(INVALID, check(charsmap(u, utf8("b"))), "strings without a final NUL");
  }

  @Test
  void everyReachedBaseAndLeafValueIsInside() {
    int[] far = mapsAToFirstString();
    far[0xe1] = leafNode(0xe1, 0x100, 'a'); // the node for 'a' sends the search to unit 256 of 256
    assertEquals(INVALID, check(charsmap(far, utf8("b\0"))));
    int[] value = mapsAToFirstString();
    value[0x10] = LEAF_VALUE | 2; // the strings are "b\0": index 2 is past them
    assertEquals(INVALID, check(charsmap(value, utf8("b\0"))));
    value[0x10] = LEAF_VALUE | 1;
    assertEquals(List.of(), check(charsmap(value, utf8("b\0"))), "the empty string at 1");
  }

  @Test
  void aCycleIsRefused() {
    int[] u = mapsAToFirstString();
    u[0xe1] = (0xe1 ^ 0x80) << 10 | 'a'; // 'a' leads back to the root's base: "aaaa..." never ends
    assertEquals(INVALID, check(charsmap(u, utf8("b\0"))));
  }

  /** A chain "aaa..." of {@code n} nodes, each with a leaf: one block per node. */
  private static byte[] chainOfLeaves(int n) {
    int[] u = new int[256 * (n + 2)];
    u[0] = 0x100 << 10; // root base: block 1
    u[0x100] = 0xff;
    for (int k = 0; k < n; k++) {
      int node = 256 * (k + 1) + 'a';
      int base = 256 * (k + 2);
      u[node] = leafNode(node, base, 'a');
      u[base] = LEAF_VALUE; // the leaf's value (string 0); also not a node for byte 0
    }
    return charsmap(u, utf8("b\0"));
  }

  @Test
  void noPathHoldsMoreMatchesThanTheNormalizersResultArray() {
    assertEquals(List.of(), check(chainOfLeaves(32)));
    assertEquals(INVALID, check(chainOfLeaves(33)));
  }
}
