package dev.safeload.formats.zip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.safeload.formats.internal.zip.ZipArchive;
import dev.safeload.formats.internal.zip.ZipEntry;
import dev.safeload.formats.internal.zip.ZipLimits;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The overlap rule does not depend on the order of the central directory. The parser keeps its
 * claims in a sorted run while local headers come in ascending order and in a tree from the first
 * one that does not; these archives list their entries out of local order, so that both halves are
 * used, and hide an entry inside another after the switch.
 */
class ZipEntryOrderTest {
  private static final ZipLimits LIMITS = new ZipLimits(1000, 1L << 30, 1L << 30, 100);

  private static ZipArchive read(byte[] zip) {
    return ZipArchive.read(ModelBytes.of(ByteBuffer.wrap(zip)), LIMITS);
  }

  /**
   * The archive with its central directory entries in the given order (indexes into the order
   * {@link TestZip} wrote them).
   */
  static byte[] reorderCentral(byte[] zip, int... order) {
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    int eocd = zip.length - 22;
    int cdOffset = b.getInt(eocd + 16);
    List<byte[]> central = new ArrayList<>();
    for (int p = cdOffset; p < eocd; ) {
      int n = 46 + b.getShort(p + 28) + b.getShort(p + 30) + b.getShort(p + 32);
      byte[] e = new byte[n];
      System.arraycopy(zip, p, e, 0, n);
      central.add(e);
      p += n;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(zip, 0, cdOffset);
    for (int i : order) {
      out.writeBytes(central.get(i));
    }
    out.write(zip, eocd, 22);
    return out.toByteArray();
  }

  private static List<String> names(ZipArchive z) {
    return z.entries().stream().map(ZipEntry::name).toList();
  }

  @Test
  void entriesListedOutOfLocalOrderAreAccepted() {
    TestZip z = new TestZip();
    for (String n : List.of("a", "b", "c", "d")) {
      z.add(n, n.repeat(10).getBytes());
    }
    byte[] zip = z.build();
    assertEquals(List.of("a", "b", "c", "d"), names(read(zip)));
    // b, then a before it (the switch), then d and c
    assertEquals(List.of("b", "a", "d", "c"), names(read(reorderCentral(zip, 1, 0, 3, 2))));
    assertEquals(List.of("d", "c", "b", "a"), names(read(reorderCentral(zip, 3, 2, 1, 0))));
  }

  @Test
  void anEntryInsideAnotherIsFoundAfterTheOrderChanged() {
    // "hidden" points at a local record inside c's data whose extra field is unknown: found at its
    // claim the overlap is the reason, found only by the final accounting it would be the extra
    // field. Either b, a (out of order: the claims move to the tree), c, hidden; or c, a (the
    // switch: c must have been carried into the tree), hidden, b.
    TestZip inner = new TestZip();
    inner.add("hidden", "x".repeat(10).getBytes()).localExtra =
        ZipExtraFieldTest.field(0x000a, 0, 0);
    byte[] decoy = Arrays.copyOf(inner.build(), 30 + "hidden".length() + 6 + 10);
    for (int[] order : new int[][] {{1, 0, 2, 3}, {2, 0, 3, 1}}) {
      TestZip z = new TestZip();
      z.add("a", "a".repeat(10).getBytes());
      z.add("b", "b".repeat(10).getBytes());
      TestZip.Entry c = z.add("c", decoy);
      TestZip.Entry hidden = z.add("hidden", "x".repeat(10).getBytes());
      hidden.centralOnly = true;
      z.build();
      hidden.lho = c.offset + 30 + 1;
      byte[] reordered = reorderCentral(z.build(), order);
      FormatException e = assertThrows(FormatException.class, () -> read(reordered));
      assertEquals("ZIP_OVERLAP", e.reason().code(), e::getMessage);
    }
  }
}
