package dev.safeload.formats.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.safeload.formats.Pickles;
import dev.safeload.formats.Scans;
import dev.safeload.formats.zip.TestZip;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .npy header grammar and size rules (research/formats.md §4.4 N1-N5), one reason each. */
class NumpyHandlerTest {
  @TempDir Path dir;

  static byte[] npy(int major, String header, byte[] data) {
    StringBuilder sb = new StringBuilder(header);
    int pre = major == 1 ? 10 : 12;
    while ((pre + sb.length() + 1) % 64 != 0) {
      sb.append(' ');
    }
    sb.append('\n');
    byte[] h = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] len = major == 1 ? new byte[] {(byte) h.length, (byte) (h.length >> 8)}
        : new byte[] {(byte) h.length, (byte) (h.length >> 8), 0, 0};
    return Pickles.of(0x93, "NUMPY", major, 0, len, h, data);
  }

  private Set<String> scan(byte[] b) {
    return Scans.reasons(Scans.scanBytes(dir, "a.npy", b));
  }

  @Test
  void validArraysOfEachVersion() {
    assertEquals(Set.of(), scan(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", new byte[24])));
    assertEquals(Set.of(), scan(npy(2, "{'descr': '|b1', 'fortran_order': True, 'shape': (5,), }", new byte[5])));
    assertEquals(Set.of(), scan(npy(3, "{'descr': '<U2', 'fortran_order': False, 'shape': (), }", new byte[8])));
    assertEquals(Set.of(), scan(npy(1, "{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (1,), }", new byte[8])));
  }

  @Test
  void sizeRules() {
    String h = "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }";
    assertEquals(Set.of("NUMPY_DATA_TRUNCATED"), scan(npy(1, h, new byte[15])));
    assertEquals(Set.of("NUMPY_TRAILING_BYTES"), scan(npy(1, h, new byte[17])));
    assertEquals(Set.of("NUMPY_SIZE_OVERFLOW"),
        scan(npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", new byte[0])));
  }

  @Test
  void versionAndHeaderRules() {
    assertEquals(Set.of("NUMPY_VERSION_UNSUPPORTED"), scan(npy(4, "{}", new byte[0])));
    assertEquals(Set.of("NUMPY_HEADER_INVALID"),
        scan(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1, }", new byte[4])));
    assertEquals(Set.of("NUMPY_HEADER_INVALID"),
        scan(npy(1, "{'descr': '<f4', 'descr': '<f4', 'shape': (1,), }", new byte[4])));
    assertEquals(Set.of("NUMPY_HEADER_INVALID"),
        scan(npy(1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", new byte[4])));
    assertEquals(Set.of("NUMPY_HEADER_TOO_LARGE"),
        scan(npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }" + " ".repeat(20_000), new byte[4])));
  }

  @Test
  void shapeRules() {
    assertEquals(Set.of("NUMPY_SHAPE_INVALID"), scan(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", new byte[0])));
    assertEquals(Set.of("NUMPY_SHAPE_INVALID"), scan(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3), }", new byte[12])));
    assertEquals(Set.of("NUMPY_SHAPE_INVALID"), scan(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (03,), }", new byte[12])));
  }

  @Test
  void dtypeRules() {
    assertEquals(Set.of("NUMPY_DTYPE_NOT_ALLOWED"),
        scan(npy(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4])));
    assertEquals(Set.of("NUMPY_DTYPE_NOT_ALLOWED"), scan(npy(1, "{'descr': '=f4', 'fortran_order': False, 'shape': (1,), }", new byte[4])));
    assertEquals(Set.of("NUMPY_DTYPE_NOT_ALLOWED"), scan(npy(1, "{'descr': '<f3', 'fortran_order': False, 'shape': (1,), }", new byte[3])));
  }

  @Test
  void objectArraysArePickles() {
    // an object array whose pickle imports os.system, and one whose pickle is plain data (a list): the
    // first names the global, the second passes the pickle machine
    byte[] evil = Pickles.of(0x80, 3, "cos\nsystem\n", Pickles.str("id"), 0x85, "R.");
    assertEquals(Set.of("PICKLE_GLOBAL_NOT_ALLOWED"),
        scan(npy(1, "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", evil)));
    assertEquals(Set.of("PICKLE_TRAILING_BYTES"),
        scan(npy(1, "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", Pickles.of(0x80, 3, "].x"))));
  }

  @Test
  void npzMembersMustBeNpy() {
    TestZip z = new TestZip();
    z.add("a.npy", Pickles.npy(2));
    z.add("readme.txt", new byte[3]);
    assertEquals(Set.of("NUMPY_NPZ_MEMBER_INVALID"), Scans.reasons(Scans.scanBytes(dir, "x.npz", z.build())));
    TestZip bad = new TestZip();
    bad.add("a.npy", java.util.Arrays.copyOf(Pickles.npy(2), Pickles.npy(2).length - 1));
    assertEquals(Set.of("NUMPY_DATA_TRUNCATED"), Scans.reasons(Scans.scanBytes(dir, "y.npz", bad.build())));
  }

  @Test
  void extensionMustAgree() {
    assertEquals(Set.of("EXTENSION_MISMATCH"),
        Scans.reasons(Scans.scanBytes(dir, "a.pt", Pickles.npy(1))));
  }
}
