package dev.safeload.formats.readers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.spi.ModelBytes;
import dev.safeload.testing.CountingBytes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The pickle second reader's work: it follows a text line to its newline however far away that is
 * (CPython does), yet examines each byte of the file at most once, so a large all-zero file (a
 * sparse model whose first byte happens to be a line opcode) costs its size once, not more. Work is
 * counted, never timed.
 */
class PickleReaderTest {

  private static final byte[] CALL = "cos\nsystem\n(S'x'\ntR.".getBytes(StandardCharsets.US_ASCII);

  private static ModelBytes file(byte[] head, int zeros, byte[] tail) {
    ByteBuffer b = ByteBuffer.allocate(head.length + zeros + tail.length);
    b.put(head).position(head.length + zeros);
    b.put(tail).flip();
    return ModelBytes.of(b);
  }

  @Test
  void aLineOfZerosWithoutNewlineIsSearchedOnceToTheEnd() {
    for (int zeros : new int[] {1 << 16, 1 << 20, 1 << 23}) {
      ModelBytes bytes = file(new byte[] {'V'}, zeros, new byte[0]); // UNICODE, then zeros
      long[] examined = new long[1];
      assertNull(PickleReader.opens(bytes, examined));
      // every byte once: the opcode and the zeros, nothing twice
      assertEquals(bytes.size(), examined[0], "bytes examined for a file of " + bytes.size());
    }
  }

  @Test
  void aCallBehindMegabytesOfZerosIsStillFound() {
    // UNICODE's line runs through 3 MiB of zeros (raw-unicode-escape decodes them), then the
    // stream imports os.system and calls it: pickle.load would run it.
    byte[] tail = new byte[CALL.length + 1];
    tail[0] = '\n';
    System.arraycopy(CALL, 0, tail, 1, CALL.length);
    ModelBytes bytes = file(new byte[] {'V'}, 3 << 20, tail);
    long[] examined = new long[1];
    assertNotNull(PickleReader.opens(bytes, examined));
    // each byte once, and the global's module and name ("os", "system") a second time
    assertTrue(
        examined[0] <= bytes.size() + "ossystem".length(),
        examined[0] + " bytes examined of " + bytes.size());
  }

  @Test
  void manyGlobalsCostAtMostTwiceTheirBytes() {
    // GLOBAL lines are read twice at most (newline search, then the identifier test of <= 1 KiB)
    byte[] one = ("c" + "a".repeat(1000) + "\nb\n").getBytes(StandardCharsets.US_ASCII);
    int n = 4000;
    ByteBuffer b = ByteBuffer.allocate(one.length * n);
    for (int i = 0; i < n; i++) {
      b.put(one);
    }
    ModelBytes bytes = ModelBytes.of(b.flip());
    long[] examined = new long[1];
    assertNull(PickleReader.opens(bytes, examined)); // imports, but never calls or stops
    assertTrue(examined[0] <= 2 * bytes.size(), examined[0] + " bytes examined of " + bytes.size());
  }

  @Test
  void shortLinesAreExaminedOnce() {
    byte[] one = "I12345\n0".getBytes(StandardCharsets.US_ASCII); // INT, then POP ('0')
    int n = 100_000;
    ByteBuffer b = ByteBuffer.allocate(one.length * n + 1);
    for (int i = 0; i < n; i++) {
      b.put(one);
    }
    b.put((byte) '.');
    ModelBytes bytes = ModelBytes.of(b.flip());
    long[] examined = new long[1];
    assertNull(PickleReader.opens(bytes, examined)); // STOP without an import
    assertEquals(bytes.size(), examined[0]);
  }

  @Test
  void theFileIsReadAsOneStreamNeverThroughRandomAccess() {
    // The loader serves a stream by read() into a small buffer, and random access from a mapping
    // that would fault every page in: walking gigabytes must go through the stream.
    CountingBytes bytes = new CountingBytes(file(new byte[] {'V'}, 1 << 23, new byte[0]));
    assertNull(new PickleReader().opens(bytes));
    assertEquals(0, bytes.viewed, "bytes reached through get() or slice()");
    assertEquals(1, bytes.streams);
    assertEquals(bytes.size(), bytes.read, "every byte read once");
  }

  @Test
  void aLengthPrefixedArgumentIsSkippedNotRead() {
    // BINBYTES ('B') with a 4-byte length of 8 MiB, its bytes, then STOP.
    int n = 1 << 23;
    ByteBuffer b = ByteBuffer.allocate(1 + 4 + n + 1).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'B').putInt(n).position(1 + 4 + n);
    b.put((byte) '.').flip();
    CountingBytes bytes = new CountingBytes(ModelBytes.of(b));
    assertNull(new PickleReader().opens(bytes)); // a pickle of bytes, importing nothing
    assertTrue(bytes.read <= 2 * (1 << 16), bytes.read + " bytes read of " + bytes.size());
  }

  @Test
  void aGlobalAcrossTheReadersWindowIsStillFound() {
    // NONE opcodes up to just before the reader's 64 KiB window ends, so that the module name and
    // its newline straddle two windows.
    for (int pad : new int[] {(1 << 16) - 3, (1 << 16) - 2, (1 << 16) - 1, 1 << 16}) {
      ByteBuffer b = ByteBuffer.allocate(pad + CALL.length);
      for (int i = 0; i < pad; i++) {
        b.put((byte) 'N');
      }
      b.put(CALL).flip();
      assertNotNull(new PickleReader().opens(ModelBytes.of(b)), "padding " + pad);
    }
  }
}
