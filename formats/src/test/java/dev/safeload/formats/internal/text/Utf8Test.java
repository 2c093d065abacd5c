package dev.safeload.formats.internal.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The shared validator agrees with the JDK's strict decoder, over every entry point. */
class Utf8Test {

  private static boolean jdk(byte[] b) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Checks one input through the array, buffer (at an offset) and file entry points. */
  private static void agree(byte[] b) {
    boolean expected = jdk(b);
    assertEquals(expected, Utf8.isValid(b), () -> "byte[] " + Arrays.toString(b));
    byte[] padded = new byte[b.length + 11];
    Arrays.fill(padded, (byte) 0xFF);
    System.arraycopy(b, 0, padded, 5, b.length);
    assertEquals(
        expected,
        Utf8.isValid(ByteBuffer.wrap(padded), 5, b.length),
        () -> "buffer " + Arrays.toString(b));
    assertEquals(
        expected,
        Utf8.isValid(ModelBytes.of(ByteBuffer.wrap(padded)), 5, b.length),
        () -> "file " + Arrays.toString(b));
  }

  @Test
  void everyOneTwoAndThreeByteInputMatchesTheJdk() {
    for (int a = 0; a < 256; a++) {
      agree(new byte[] {(byte) a});
      for (int c = 0; c < 256; c++) {
        agree(new byte[] {(byte) a, (byte) c});
      }
    }
    for (int a = 0xC0; a < 256; a++) {
      for (int c = 0x70; c < 0xC8; c++) {
        for (int d = 0x70; d < 0xC8; d++) {
          agree(new byte[] {(byte) a, (byte) c, (byte) d});
        }
      }
    }
  }

  @Test
  void fourByteBoundaries() {
    agree(new byte[] {(byte) 0xF0, (byte) 0x90, (byte) 0x80, (byte) 0x80}); // U+10000
    agree(new byte[] {(byte) 0xF0, (byte) 0x8F, (byte) 0xBF, (byte) 0xBF}); // overlong
    agree(new byte[] {(byte) 0xF4, (byte) 0x8F, (byte) 0xBF, (byte) 0xBF}); // U+10FFFF
    agree(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}); // above U+10FFFF
    agree(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}); // surrogate
    agree(new byte[] {(byte) 0xC0, (byte) 0xAF}); // overlong '/'
    assertFalse(Utf8.isValid(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}));
    assertTrue(Utf8.isValid("héllo €𝄞".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void randomMixturesMatchTheJdk() {
    Random r = new Random(7);
    byte[] alphabet = {
      'a',
      'Z',
      (byte) 0x80,
      (byte) 0xBF,
      (byte) 0xC2,
      (byte) 0xDF,
      (byte) 0xE0,
      (byte) 0xED,
      (byte) 0xEF,
      (byte) 0xF0,
      (byte) 0xF4,
      (byte) 0xF5,
      (byte) 0x9F,
      (byte) 0xA0,
      (byte) 0x90,
      (byte) 0x8F
    };
    for (int t = 0; t < 20_000; t++) {
      byte[] b = new byte[r.nextInt(24)];
      for (int i = 0; i < b.length; i++) {
        b[i] = alphabet[r.nextInt(alphabet.length)];
      }
      agree(b);
    }
  }

  @Test
  void fileRangesAreCheckedAcrossWindowEnds() {
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
    for (int shift = 0; shift < 4; shift++) {
      byte[] b = new byte[200_000];
      Arrays.fill(b, (byte) 'x');
      int at = 64 * 1024 - 3 + shift; // the sequence straddles the first window end
      System.arraycopy(euro, 0, b, at, euro.length);
      ModelBytes file = ModelBytes.of(ByteBuffer.wrap(b));
      assertTrue(Utf8.isValid(file, 0, b.length), "shift " + shift);
      b[at + 2] = 'x'; // cut the sequence
      assertFalse(Utf8.isValid(ModelBytes.of(ByteBuffer.wrap(b)), 0, b.length), "shift " + shift);
      assertEquals(jdk(b), Utf8.isValid(b));
    }
    byte[] tail = new byte[64 * 1024 + 1];
    Arrays.fill(tail, (byte) 'x');
    tail[tail.length - 1] = (byte) 0xE2; // cut by the end of the range, after a full window
    assertFalse(Utf8.isValid(ModelBytes.of(ByteBuffer.wrap(tail)), 0, tail.length));
  }

  @Test
  void decodeOrNullReturnsTheTextOrNothing() {
    assertEquals("päth", Utf8.decodeOrNull("päth".getBytes(StandardCharsets.UTF_8)));
    assertEquals(null, Utf8.decodeOrNull(new byte[] {'a', (byte) 0xC0, (byte) 0x80}));
    ByteBuffer b = ByteBuffer.wrap("xxpäthyy".getBytes(StandardCharsets.UTF_8));
    assertEquals("päth", Utf8.decodeOrNull(b, 2, 5));
    assertEquals("pä", Utf8.decodeOrNull(b, 2, 3));
    assertEquals(0, b.position(), "absolute indices: the buffer is not moved");
    assertEquals(null, Utf8.decodeOrNull(b, 2, 2), "cut inside ä");
  }
}
