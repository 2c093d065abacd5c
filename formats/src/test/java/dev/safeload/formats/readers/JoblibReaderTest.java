package dev.safeload.formats.readers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.spi.ModelBytes;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * What joblib.load would decompress and unpickle: each compressor's real output is opened, and the
 * same prefixes on data that is no compressed stream (raw float weights, text, a broken header) are
 * not. The compressed samples are /usr/bin/python3's (see ExternalDataLaunderingTest).
 */
class JoblibReaderTest {
  private static final JoblibReader READER = new JoblibReader();

  private static ModelBytes bytes(byte[] b) {
    return ModelBytes.of(ByteBuffer.wrap(b));
  }

  private static byte[] hex(String h) {
    return HexFormat.of().parseHex(h);
  }

  private static final byte[] EVIL =
      hex("80026362756974696e730a7072696e740a580500000070776e6564710085522e");

  private static byte[] zlib(byte[] data) {
    Deflater d = new Deflater();
    d.setInput(data);
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] data) throws java.io.IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(out)) {
      g.write(data);
    }
    return out.toByteArray();
  }

  @Test
  void compressedPicklesOpen() throws Exception {
    String zlib = READER.opens(bytes(zlib(EVIL)));
    assertNotNull(zlib);
    assertTrue(zlib.startsWith("a zlib stream holding a pickle stream"), zlib);
    String gz = READER.opens(bytes(gzip(EVIL)));
    assertNotNull(gz);
    assertTrue(gz.startsWith("a gzip stream holding"), gz);
    for (String kind : new String[] {"bz2", "xz", "lzma", "zf"}) {
      assertNotNull(READER.opens(bytes(dev.safeload.formats.CompressedPickles.of(kind))), kind);
    }
  }

  /** A real lz4 frame header (lz4.frame.compress(b'...') with default settings). */
  @Test
  void anLz4FrameOpensAndABrokenOneDoesNot() {
    byte[] frame = hex("04224d1860407082000000");
    assertEquals("an lz4 frame (valid frame flags)", READER.opens(bytes(frame)));
    frame[4] = (byte) 0xa0; // version 10
    assertNull(READER.opens(bytes(frame)));
  }

  @Test
  void brokenHeadersOpenNothing() {
    byte[] xz = dev.safeload.formats.CompressedPickles.of("xz");
    xz[8] ^= 1; // header CRC-32
    assertNull(READER.opens(bytes(xz)));
    byte[] lzma = dev.safeload.formats.CompressedPickles.of("lzma");
    lzma[3] = 0x7f; // dictionary size 0x007f0000 is neither 2^n nor 2^n + 2^(n-1)
    assertNull(READER.opens(bytes(lzma)));
    byte[] bz2 = dev.safeload.formats.CompressedPickles.of("bz2");
    bz2[4] = 0x30; // no block magic
    assertNull(READER.opens(bytes(bz2)));
    byte[] z = zlib(EVIL);
    z[1] = (byte) 0xbb; // 0x78bb: FDICT set and (CMF*256+FLG) % 31 == 0: Python needs a dictionary
    assertEquals(0, (0x78 * 256 + 0xbb) % 31);
    assertNull(READER.opens(bytes(z)));
  }

  /** A stream that ends before its pickle calls anything runs nothing in joblib. */
  @Test
  void aTruncatedStreamWithoutACallOpensNothing() {
    byte[] z = zlib(EVIL);
    assertNull(READER.opens(bytes(java.util.Arrays.copyOf(z, 6))));
  }

  @Test
  void rawWeightsWithACompressorPrefixOpenNothing() {
    Random rnd = new Random(11);
    String[] prefixes = {"78", "789c", "7801", "78da", "785e", "1f8b08", "425a68", "5d00", "5a46"};
    int tried = 0;
    for (String prefix : prefixes) {
      byte[] p = hex(prefix);
      for (int i = 0; i < 500; i++) {
        ByteBuffer b = ByteBuffer.allocate(64 + rnd.nextInt(4096)).order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() >= 4) {
          b.putFloat((float) rnd.nextGaussian());
        }
        byte[] data = b.array();
        System.arraycopy(p, 0, data, 0, p.length);
        assertNull(READER.opens(bytes(data)), prefix + " #" + i);
        tried++;
      }
    }
    assertEquals(4500, tried);
    assertNull(READER.opens(bytes(new byte[1 << 16])));
    assertNull(
        READER.opens(
            bytes("x^2 + y^2\nBZh9 text\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
  }

  /** Work is bounded per file: a 4 MiB zlib stream is read through a 64 KiB window at most. */
  @Test
  void readsAtMostTheWindow() {
    Random rnd = new Random(3);
    byte[] data = new byte[4 << 20];
    rnd.nextBytes(data);
    data[0] = (byte) 0xff; // no pickle opcode
    byte[] z = zlib(data);
    long[] read = new long[1];
    ModelBytes inner = bytes(z);
    ModelBytes counting =
        new ModelBytes() {
          @Override
          public long size() {
            return inner.size();
          }

          @Override
          public byte get(long offset) {
            read[0]++;
            return inner.get(offset);
          }

          @Override
          public ByteBuffer slice(long offset, int length) {
            read[0] += length;
            return inner.slice(offset, length);
          }

          @Override
          public InputStream openStream(long offset) {
            throw new UnsupportedOperationException();
          }
        };
    assertNull(READER.opens(counting)); // random bytes: no pickle opcode starts the output
    assertTrue(read[0] <= JoblibReader.WINDOW + 64, "read " + read[0]);
  }
}
