package dev.safeload.formats.internal.tokenizer;

import dev.safeload.formats.FormatReason;
import dev.safeload.spi.FormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A SentencePiece {@code precompiled_charsmap} as the sentencepiece library walks it: a 4-byte
 * little-endian trie size, a darts-clone double array of 4-byte units, then the replacement
 * strings, each ending in NUL. Every text the application tokenizes is looked up in the trie
 * ({@code commonPrefixSearch}), and older sentencepiece releases check nothing in the array: a
 * unit's offset sends the search to any index (Debian's 0.1.97 reads gigabytes past the array and
 * crashes on the first {@code encode}), a leaf's value indexes the strings unchecked, and more than
 * 32 matches on one path overrun a stack array of 32 results. So the charsmap must be one that the
 * walk stays inside, whatever bytes the text holds.
 *
 * <p>Rules, in check order ({@code SENTENCEPIECE_CHARSMAP_INVALID}):
 *
 * <ol>
 *   <li>a trie of a positive multiple of 1024 bytes (256 units: darts-clone allocates whole blocks,
 *       and current sentencepiece requires it), followed by at least one byte of strings, the last
 *       a NUL;
 *   <li>from the root, every node the search can reach (a child of base {@code b} for byte {@code
 *       c} is unit {@code b ^ c} when that unit's label is {@code c}) has its base inside the array
 *       (then so is every {@code base ^ c}: the array is whole blocks), and a node with a leaf has
 *       a value that indexes the strings;
 *   <li>no cycle: the search follows one path per text, and a cycle is an unbounded one;
 *   <li>no path holds more than {@value #MAX_RESULTS} leaves.
 * </ol>
 *
 * <p>Linear in the array: each unit is the child of exactly one base ({@code j ^ label(j)}), so the
 * children of every base are bucketed in one pass, and a depth-first walk over bases visits each
 * base once and each unit at most twice. The builders' tries (nmt_nfkc and the other built-in
 * rules, about 44,000 units) reach about 30,000 nodes and hold at most 4 leaves on a path.
 *
 * <p>GGUF carries the same bytes ({@code tokenizer.ggml.precompiled_charsmap}, copied from the
 * SentencePiece model by llama.cpp's converter) for llama.cpp's port of this normalizer, which
 * checks indices but finds each replacement with {@code strlen}: past the end of the array when the
 * strings do not end in NUL. One rule for both.
 */
public final class Charsmap {
  private Charsmap() {}

  /** The results array of sentencepiece's normalizer ({@code kMaxTrieResultsSize}). */
  static final int MAX_RESULTS = 32;

  private static final int BLOCK_BYTES = 1024;
  private static final int LEAF_VALUE_BIT = 1 << 31;
  private static final byte NEW = 0;
  private static final byte OPEN = 1;
  private static final byte DONE = 2;

  /**
   * Checks the charsmap in {@code blob} (its whole remaining content), which starts at file offset
   * {@code at}.
   */
  public static void check(ByteBuffer blob, long at) {
    ByteBuffer b = blob.slice().order(ByteOrder.LITTLE_ENDIAN);
    int size = b.remaining();
    if (size < 4) {
      throw bad(at, "a charsmap of " + size + " bytes has no trie size");
    }
    long trieBytes = b.getInt(0) & 0xffff_ffffL;
    if (trieBytes < BLOCK_BYTES || trieBytes % BLOCK_BYTES != 0) {
      throw bad(at, "a trie of " + trieBytes + " bytes is not a positive multiple of 1024");
    }
    if (4 + trieBytes >= size) {
      throw bad(at, "a trie of " + trieBytes + " bytes leaves no strings in " + size + " bytes");
    }
    int strings = size - 4 - (int) trieBytes;
    if (b.get(size - 1) != 0) {
      throw bad(at + size - 1, "the replacement strings do not end in NUL");
    }
    int n = (int) (trieBytes / 4);
    int[] u = new int[n];
    b.position(4);
    b.asIntBuffer().get(u, 0, n);
    // Bucket every unit that can match under the base it belongs to: j ^ label(j).
    int[] first = new int[n + 1];
    for (int j = 0; j < n; j++) {
      if ((u[j] & LEAF_VALUE_BIT) == 0) {
        first[(j ^ (u[j] & 0xff)) + 1]++;
      }
    }
    for (int i = 0; i < n; i++) {
      first[i + 1] += first[i];
    }
    int[] children = new int[first[n]];
    int[] next = new int[n];
    System.arraycopy(first, 0, next, 0, n);
    for (int j = 0; j < n; j++) {
      if ((u[j] & LEAF_VALUE_BIT) == 0) {
        children[next[j ^ (u[j] & 0xff)]++] = j;
      }
    }
    // Depth-first over bases; next[] now walks each base's children, most[] holds the most leaves
    // on a path below a finished base.
    System.arraycopy(first, 0, next, 0, n);
    byte[] state = new byte[n];
    byte[] most = new byte[n];
    int[] stack = new int[n];
    int root = base(u, 0, at);
    int top = 0;
    stack[top++] = root;
    state[root] = OPEN;
    while (top > 0) {
      int base = stack[top - 1];
      if (next[base] == first[base + 1]) {
        state[base] = DONE;
        top--;
        continue;
      }
      int j = children[next[base]];
      int childBase = base(u, j, at);
      boolean leaf = (u[j] >>> 8 & 1) != 0;
      if (leaf && (u[childBase] & ~LEAF_VALUE_BIT) >= strings) {
        throw bad(
            at + 4 + 4L * childBase,
            "a leaf's value " + (u[childBase] & ~LEAF_VALUE_BIT) + " is past the strings");
      }
      if (state[childBase] == OPEN) {
        throw bad(at + 4 + 4L * j, "the trie has a cycle: a text could match without end");
      }
      if (state[childBase] == NEW) {
        state[childBase] = OPEN;
        stack[top++] = childBase;
        continue; // j is looked at again once its base is done
      }
      int leaves = most[childBase] + (leaf ? 1 : 0);
      if (leaves > MAX_RESULTS) {
        throw bad(
            at + 4 + 4L * j, "a path through the trie holds more than " + MAX_RESULTS + " matches");
      }
      most[base] = (byte) Math.max(most[base], leaves);
      next[base]++;
    }
  }

  /** The base of unit {@code i}, checked to lie inside the array. */
  private static int base(int[] u, int i, long at) {
    int unit = u[i];
    long offset = (long) (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    long base = i ^ offset;
    if (base >= u.length) {
      throw bad(at + 4 + 4L * i, "a unit sends the search to index " + base + " of " + u.length);
    }
    return (int) base;
  }

  private static FormatException bad(long at, String why) {
    return new FormatException(FormatReason.SENTENCEPIECE_CHARSMAP_INVALID, at, why);
  }
}
