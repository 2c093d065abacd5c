package dev.safeload.formats.readers;

import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.SecondReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * {@code joblib.load}: whatever the file's name, joblib looks at its first bytes and, for a
 * compressor's prefix ({@code ZF} (joblib before 0.9.3), {@code x} (zlib), {@code 1f 8b} (gzip),
 * {@code BZ} (bzip2), {@code ]\0} (lzma), {@code fd 37 7a 58 5a} (xz), {@code 04 22 4d 18} (lz4)),
 * decompresses the file and unpickles the result. A compressed pickle is therefore code for joblib
 * under any name, including a name that says nothing, such as ONNX external data.
 *
 * <p>Each prefix is a byte or two that raw tensor data may start with by chance (one float in 256
 * starts with {@code x}), so the prefix alone decides nothing: the reader checks what the
 * decompressor would check. zlib, gzip and the {@code ZF} wrapper are inflated over a bounded
 * window ({@value #WINDOW} input bytes, {@value #OUTPUT} output bytes); the file opens when the
 * inflated start is a pickle stream that imports and calls a callable ({@link PickleReader}), when
 * it is a whole, valid compressed stream (its checksum verified), or when the window ends inside a
 * still-valid stream whose output starts with a pickle opcode (random bytes are not valid DEFLATE
 * for that long). bzip2, xz, lzma and lz4 are not inflated; their headers are checked as their
 * decoders check them (block magic, header CRC-32, the lzma header fields and range-coder start
 * byte, the lz4 frame flags), a test that data not written by the compressor passes with
 * probability below 2^-32 or so, and a valid header is refused whatever the stream holds.
 *
 * <p>Work is bounded per file: at most {@value #WINDOW} bytes read and {@value #OUTPUT} inflated.
 */
public final class JoblibReader implements SecondReader {
  /** Compressed bytes inflated at most. */
  static final int WINDOW = 64 * 1024;

  /** Inflated bytes produced at most. */
  static final int OUTPUT = 256 * 1024;

  /** joblib's compatibility header: "ZF", then the hex length padded to 19 characters. */
  private static final int ZF_HEADER = 2 + 19;

  @Override
  public String id() {
    return "joblib";
  }

  @Override
  public Set<String> formats() {
    // Every wrapper is refused by its own handler; no accepted format starts compressed.
    return Set.of("archive-wrapper");
  }

  @Override
  public @Nullable String opens(ModelBytes bytes) {
    long size = bytes.size();
    if (size < 2) {
      return null;
    }
    ByteBuffer head = bytes.slice(0, (int) Math.min(size, 32)).order(ByteOrder.LITTLE_ENDIAN);
    int b0 = head.get(0) & 0xff;
    int b1 = head.get(1) & 0xff;
    if (b0 == 'Z' && b1 == 'F') {
      // read_zfile skips one space after the header if there is one.
      String inner = inflates(bytes, ZF_HEADER, false);
      return inner != null ? inner : inflates(bytes, ZF_HEADER + 1, false);
    }
    if (b0 == 'x') {
      return inflates(bytes, 0, false);
    }
    if (b0 == 0x1f && b1 == 0x8b) {
      long body = gzipBody(bytes);
      return body < 0 ? null : inflates(bytes, body, true);
    }
    if (b0 == 'B' && b1 == 'Z') {
      return bzip2(head);
    }
    if (b0 == ']' && b1 == 0) {
      return lzma(head);
    }
    if (b0 == 0xfd && startsWith(head, XZ_MAGIC)) {
      return xz(head);
    }
    if (b0 == 0x04 && startsWith(head, LZ4_MAGIC)) {
      return lz4(head);
    }
    return null;
  }

  /**
   * What joblib would unpickle from the DEFLATE stream at {@code from} (zlib-wrapped unless {@code
   * raw}), or null if inflating it fails before anything could run.
   */
  private static @Nullable String inflates(ModelBytes bytes, long from, boolean raw) {
    if (from >= bytes.size()) {
      return null;
    }
    int n = (int) Math.min(WINDOW, bytes.size() - from);
    byte[] in = new byte[n];
    bytes.slice(from, n).get(in);
    byte[] out = new byte[OUTPUT];
    int produced = 0;
    Inflater inflater = new Inflater(raw);
    try {
      inflater.setInput(in);
      while (produced < OUTPUT) {
        int got = inflater.inflate(out, produced, OUTPUT - produced);
        produced += got;
        if (got == 0
            && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
      }
      if (inflater.needsDictionary() || produced == 0) {
        return null; // Python's zlib refuses a preset dictionary; nothing to unpickle
      }
      String what = raw ? "gzip" : from > 0 ? "joblib ZF (zlib)" : "zlib";
      String pickle =
          new PickleReader().opens(ModelBytes.of(ByteBuffer.wrap(out, 0, produced).slice()));
      if (pickle != null) {
        return "a " + what + " stream holding " + pickle;
      }
      if (inflater.finished()) {
        return "a whole, valid " + what + " stream (" + produced + " bytes inflated)";
      }
      boolean more = produced == OUTPUT || n == WINDOW && from + n < bytes.size();
      if (more && dev.safeload.formats.pickle.PickleOpcode.of(out[0] & 0xff) != null) {
        return "a "
            + what
            + " stream that stays valid for "
            + inflater.getBytesRead()
            + " bytes and inflates to the start of a pickle";
      }
      return null; // the stream ends early: joblib fails before the unpickler sees a call
    } catch (DataFormatException e) {
      return null; // zlib stops here, having run nothing (any call was flagged above)
    } finally {
      inflater.end();
    }
  }

  /**
   * The offset of the DEFLATE data after a gzip member header as Python's gzip reads it, or -1 if
   * it would refuse the header.
   */
  private static long gzipBody(ModelBytes bytes) {
    long size = bytes.size();
    if (size < 10) {
      return -1;
    }
    ByteBuffer h = bytes.slice(0, 10).order(ByteOrder.LITTLE_ENDIAN);
    if ((h.get(2) & 0xff) != 8) {
      return -1; // not DEFLATE
    }
    int flags = h.get(3) & 0xff;
    long p = 10;
    if ((flags & 4) != 0) { // FEXTRA
      if (p + 2 > size) {
        return -1;
      }
      p += 2 + (bytes.slice(p, 2).order(ByteOrder.LITTLE_ENDIAN).getShort(0) & 0xffff);
    }
    for (int bit : new int[] {8, 16}) { // FNAME, FCOMMENT: zero-terminated
      if ((flags & bit) != 0) {
        long end = Math.min(size, p + WINDOW);
        while (p < end && bytes.get(p) != 0) {
          p++;
        }
        if (p >= end) {
          return -1;
        }
        p++;
      }
    }
    if ((flags & 2) != 0) { // FHCRC
      p += 2;
    }
    return p < size ? p : -1;
  }

  private static final byte[] XZ_MAGIC = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
  private static final byte[] LZ4_MAGIC = {0x04, 0x22, 0x4d, 0x18};

  private static boolean startsWith(ByteBuffer head, byte[] magic) {
    if (head.limit() < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (head.get(i) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /** "BZh", a level digit, then a block (π) or end-of-stream (√π) magic. */
  private static @Nullable String bzip2(ByteBuffer head) {
    if (head.limit() < 10 || head.get(2) != 'h' || head.get(3) < '1' || head.get(3) > '9') {
      return null;
    }
    long magic = 0;
    for (int i = 4; i < 10; i++) {
      magic = magic << 8 | (head.get(i) & 0xff);
    }
    return magic == 0x314159265359L ? "a bzip2 stream (a block header at offset 4)" : null;
  }

  /** An xz stream header whose flags' CRC-32 matches. */
  private static @Nullable String xz(ByteBuffer head) {
    if (head.limit() < 12 || head.get(6) != 0 || (head.get(7) & 0xf0) != 0) {
      return null;
    }
    CRC32 crc = new CRC32();
    crc.update(head.get(6));
    crc.update(head.get(7));
    long stored = head.getInt(8) & 0xffff_ffffL;
    return crc.getValue() == stored ? "an xz stream (its header CRC-32 matches)" : null;
  }

  /**
   * A .lzma header as liblzma's automatic decoder (Python's {@code lzma.LZMAFile} default) accepts
   * it: properties 0x5d, a dictionary size of 2^n or 2^n + 2^(n-1), an uncompressed size that is
   * unknown or below 2^38 and not zero, and a range coder whose first byte is zero.
   */
  private static @Nullable String lzma(ByteBuffer head) {
    if (head.limit() < 14) {
      return null;
    }
    long dict = head.getInt(1) & 0xffff_ffffL;
    long d = dict - 1;
    d |= d >>> 2;
    d |= d >>> 3;
    d |= d >>> 4;
    d |= d >>> 8;
    d |= d >>> 16;
    d = (d + 1) & 0xffff_ffffL;
    long uncompressed = head.getLong(5);
    boolean sizeOk = uncompressed == -1 || (uncompressed > 0 && uncompressed < (1L << 38));
    return d == dict && sizeOk && head.get(13) == 0
        ? "an lzma stream (a header liblzma accepts)"
        : null;
  }

  /** An LZ4 frame descriptor with version 01, reserved bits clear and a valid block size. */
  private static @Nullable String lz4(ByteBuffer head) {
    if (head.limit() < 7) {
      return null;
    }
    int flg = head.get(4) & 0xff;
    int bd = head.get(5) & 0xff;
    boolean ok = (flg >>> 6) == 1 && (flg & 0x02) == 0 && (bd & 0x8f) == 0 && (bd >>> 4) >= 4;
    return ok ? "an lz4 frame (valid frame flags)" : null;
  }
}
