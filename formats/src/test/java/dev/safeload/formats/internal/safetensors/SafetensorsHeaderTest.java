package dev.safeload.formats.internal.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Internals of the header parser that the handler tests cannot pin down. */
class SafetensorsHeaderTest {
  @Test
  void countOpenBracesMatchesANaiveCount() {
    Random rnd = new Random(42);
    for (int len = 0; len < 200; len++) {
      byte[] b = new byte[len];
      for (int i = 0; i < len; i++) {
        // mostly '{' and its neighbours, and bytes that differ from '{' only in the high bit
        int r = rnd.nextInt(6);
        b[i] =
            (byte)
                (r == 0
                    ? '{'
                    : r == 1 ? 0xFB : r == 2 ? 'z' : r == 3 ? '|' : r == 4 ? 0 : rnd.nextInt(256));
      }
      long naive = 0;
      for (byte x : b) {
        naive += x == '{' ? 1 : 0;
      }
      ByteBuffer buf = ByteBuffer.wrap(b);
      assertEquals(naive, SafetensorsHeader.countOpenBraces(buf), "length " + len);
      if (len > 3) {
        assertEquals(
            naive - count(b, 0, 3),
            SafetensorsHeader.countOpenBraces(buf.slice(3, len - 3)),
            "slice");
      }
    }
  }

  private static long count(byte[] b, int from, int to) {
    long n = 0;
    for (int i = from; i < to; i++) {
      n += b[i] == '{' ? 1 : 0;
    }
    return n;
  }
}
