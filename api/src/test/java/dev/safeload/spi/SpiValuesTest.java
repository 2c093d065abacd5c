package dev.safeload.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SPI's own implementations: {@link ModelBytes#of} and {@link ValidationContext#collecting}.
 */
class SpiValuesTest {

  @Test
  void modelBytesOfReadsTheBuffersRemainingBytesLittleEndianAndReadOnly() throws IOException {
    ByteBuffer src = ByteBuffer.wrap(new byte[] {9, 1, 0, 0, 0, 2, 3});
    src.position(1);
    ModelBytes b = ModelBytes.of(src);
    assertEquals(6, b.size());
    assertEquals(1, b.get(0));
    ByteBuffer s = b.slice(0, 4);
    assertEquals(ByteOrder.LITTLE_ENDIAN, s.order());
    assertEquals(1, s.getInt(0));
    assertTrue(s.isReadOnly());
    try (InputStream in = b.openStream(4)) {
      assertArrayEquals(new byte[] {2, 3}, in.readAllBytes());
    }
    try (InputStream in = b.openStream(6)) {
      assertEquals(-1, in.read());
    }
  }

  @Test
  void modelBytesOfChecksEveryBound() {
    ModelBytes b = ModelBytes.of(ByteBuffer.wrap(new byte[4]));
    assertThrows(IndexOutOfBoundsException.class, () -> b.get(4));
    assertThrows(IndexOutOfBoundsException.class, () -> b.get(-1));
    assertThrows(IndexOutOfBoundsException.class, () -> b.slice(2, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> b.slice(-1, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> b.openStream(5));
    assertEquals(0, b.slice(4, 0).remaining());
  }

  @Test
  void collectingContextReportsWithTheFileNameAndStopsAtAThousandFindings() {
    List<Finding> sink = new ArrayList<>();
    ValidationContext ctx = ValidationContext.collecting("a/b.bin", LoadPolicy.strict(), sink);
    assertEquals("a/b.bin", ctx.fileName());
    ctx.report(Reason.HANDLER_ERROR, -7, "negative offsets mean none");
    assertEquals(
        new Finding(
            Reason.HANDLER_ERROR, "a/b.bin", Finding.NO_OFFSET, "negative offsets mean none"),
        sink.get(0));
    for (int i = 0; i < 2000; i++) {
      ctx.report(Reason.HANDLER_ERROR, i, "again");
    }
    assertEquals(1000, sink.size());
  }
}
