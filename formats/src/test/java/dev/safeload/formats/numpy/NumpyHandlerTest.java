package dev.safeload.formats.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import dev.safeload.ScanReport;
import dev.safeload.formats.Pickles;
import dev.safeload.formats.Scans;
import dev.safeload.formats.zip.TestZip;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    byte[] len =
        major == 1
            ? new byte[] {(byte) h.length, (byte) (h.length >> 8)}
            : new byte[] {(byte) h.length, (byte) (h.length >> 8), 0, 0};
    return Pickles.of(0x93, "NUMPY", major, 0, len, h, data);
  }

  private Set<String> scan(byte[] b) {
    return Scans.reasons(Scans.scanBytes(dir, "a.npy", b));
  }

  @Test
  void validArraysOfEachVersion() {
    assertEquals(
        Set.of(),
        scan(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", new byte[24])));
    assertEquals(
        Set.of(),
        scan(npy(2, "{'descr': '|b1', 'fortran_order': True, 'shape': (5,), }", new byte[5])));
    assertEquals(
        Set.of(),
        scan(npy(3, "{'descr': '<U2', 'fortran_order': False, 'shape': (), }", new byte[8])));
    assertEquals(
        Set.of(),
        scan(npy(1, "{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (1,), }", new byte[8])));
  }

  /** np.save of a datetime64/timedelta64 array without a unit writes '<M8' / '<m8'. */
  @Test
  void genericDatetimeWithoutAUnitIsAccepted() {
    assertEquals(
        Set.of(),
        scan(npy(1, "{'descr': '<M8', 'fortran_order': False, 'shape': (2,), }", new byte[16])));
    assertEquals(
        Set.of(),
        scan(npy(1, "{'descr': '>m8', 'fortran_order': False, 'shape': (), }", new byte[8])));
    // the size is still eight bytes an element
    assertEquals(
        Set.of("NUMPY_DATA_TRUNCATED"),
        scan(npy(1, "{'descr': '<M8', 'fortran_order': False, 'shape': (2,), }", new byte[8])));
    assertEquals(
        Set.of("NUMPY_DTYPE_NOT_ALLOWED"),
        scan(npy(1, "{'descr': '<M8[]', 'fortran_order': False, 'shape': (1,), }", new byte[8])));
  }

  @Test
  void sizeRules() {
    String h = "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }";
    assertEquals(Set.of("NUMPY_DATA_TRUNCATED"), scan(npy(1, h, new byte[15])));
    assertEquals(Set.of("NUMPY_TRAILING_BYTES"), scan(npy(1, h, new byte[17])));
    assertEquals(
        Set.of("NUMPY_SIZE_OVERFLOW"),
        scan(
            npy(
                1,
                "{'descr': '<i8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }",
                new byte[0])));
  }

  @Test
  void aVersion3HeaderIsStrictUtf8() {
    // npy() writes the header as Latin-1, one byte a char: "\u00c3\u00bf" is the UTF-8 of 'ÿ',
    // "\u00ff" the lone byte 0xFF, which no UTF-8 text holds.
    String utf8 = header("[('\u00c3\u00bf', '<i4')]", "(1,)");
    assertEquals(Set.of(), scan(npy(3, utf8, new byte[4])));
    String latin1 = header("[('\u00ff', '<i4')]", "(1,)");
    assertEquals(Set.of("NUMPY_HEADER_INVALID"), scan(npy(3, latin1, new byte[4])));
  }

  /**
   * np.save writes a printable Latin-1 field name as itself in a 1.0 header and a non-printable one
   * as repr escapes it (realfiles/generate_8e.py); any other spelling is no np.save output, and
   * would give one name two spellings.
   */
  @Test
  void latin1NamesAreReadAsReprWritesThem() {
    assertEquals(Set.of(), scan(npy(1, header("[('caf\u00e9', '<i4')]", "(1,)"), new byte[4])));
    assertEquals(Set.of(), scan(npy(2, header("[('a\\xa0b', '<i4')]", "(1,)"), new byte[4])));
    assertEquals(
        Set.of(), scan(npy(1, header("[('\\x01\\x7f\\x85\\xad', '<i4')]", "(1,)"), new byte[4])));
    // repr quotes a string holding ' (and no ") with double quotes, and only such a string
    assertEquals(
        Set.of(),
        scan(
            npy(
                1,
                header("[(\"driver's age\", '<i4'), ('say \"hi\"', '<i4')]", "(2,)"),
                new byte[16])));
    assertEquals(
        Set.of("NUMPY_HEADER_INVALID"),
        scan(npy(1, header("[(\"age\", '<i4')]", "(1,)"), new byte[4])));
    assertEquals(
        Set.of("NUMPY_HEADER_INVALID"),
        scan(npy(1, "{\"descr\": '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4])));
    for (String bad :
        new String[] {
          "a\u00a0b", // a raw no-break space: repr escapes it
          "a\u0085b", // a raw C1 control
          "caf\\xe9", // an escaped printable character: repr writes it as itself
          "\\x41",
          "\\x09", // a tab: repr writes \t, which is refused as well
          "a\\xA0b", // upper-case hex
          "a\\" + "u00a0b",
          "a\\\\b",
          "a\\x0",
          "\\xg0"
        }) {
      assertEquals(
          Set.of("NUMPY_HEADER_INVALID"),
          scan(npy(1, header("[('" + bad + "', '<i4')]", "(1,)"), new byte[4])),
          bad);
    }
  }

  @Test
  void versionAndHeaderRules() {
    assertEquals(Set.of("NUMPY_VERSION_UNSUPPORTED"), scan(npy(4, "{}", new byte[0])));
    assertEquals(
        Set.of("NUMPY_HEADER_INVALID"),
        scan(
            npy(
                1,
                "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1, }",
                new byte[4])));
    assertEquals(
        Set.of("NUMPY_HEADER_INVALID"),
        scan(npy(1, "{'descr': '<f4', 'descr': '<f4', 'shape': (1,), }", new byte[4])));
    assertEquals(
        Set.of("NUMPY_HEADER_INVALID"),
        scan(npy(1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", new byte[4])));
    assertEquals(
        Set.of("NUMPY_HEADER_TOO_LARGE"),
        scan(
            npy(
                2,
                "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }" + " ".repeat(20_000),
                new byte[4])));
  }

  @Test
  void shapeRules() {
    assertEquals(
        Set.of("NUMPY_SHAPE_INVALID"),
        scan(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", new byte[0])));
    assertEquals(
        Set.of("NUMPY_SHAPE_INVALID"),
        scan(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3), }", new byte[12])));
    assertEquals(
        Set.of("NUMPY_SHAPE_INVALID"),
        scan(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (03,), }", new byte[12])));
  }

  @Test
  void dtypeRules() {
    assertEquals(
        Set.of("NUMPY_DTYPE_NOT_ALLOWED"),
        scan(
            npy(
                1,
                "{'descr': [('a', 'f4')], 'fortran_order': False, 'shape': (1,), }",
                new byte[4])));
    assertEquals(
        Set.of("NUMPY_DTYPE_NOT_ALLOWED"),
        scan(npy(1, "{'descr': '=f4', 'fortran_order': False, 'shape': (1,), }", new byte[4])));
    assertEquals(
        Set.of("NUMPY_DTYPE_NOT_ALLOWED"),
        scan(npy(1, "{'descr': '<f3', 'fortran_order': False, 'shape': (1,), }", new byte[3])));
  }

  @Test
  void objectArraysArePickles() {
    // an object array whose pickle imports os.system, and one whose pickle is plain data (a list):
    // the
    // first names the global, the second passes the pickle machine
    byte[] evil = Pickles.of(0x80, 3, "cos\nsystem\n", Pickles.str("id"), 0x85, "R.");
    assertEquals(
        Set.of("PICKLE_GLOBAL_NOT_ALLOWED"),
        scan(npy(1, "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", evil)));
    assertEquals(
        Set.of("PICKLE_TRAILING_BYTES"),
        scan(
            npy(
                1,
                "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }",
                Pickles.of(0x80, 3, "].x"))));
  }

  // ------------------------------------------------------------------ structured dtypes

  private static final String FLAT = "[('a', '<i4'), ('b', '<f8', (2,))]";

  private static String header(String descr, String shape) {
    return "{'descr': " + descr + ", 'fortran_order': False, 'shape': " + shape + ", }";
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "numpy/structured.npy",
        "numpy/structured_nested.npy",
        "numpy/structured_padded.npy",
        "numpy/structured_titles.npy",
        "numpy/structured.npz"
      })
  void structuredArraysWrittenByNumpyAreAccepted(String fixture) {
    ScanReport r = Scans.scan(Scans.resource(fixture));
    assertTrue(r.accepted(), () -> fixture + ": " + Scans.describe(r));
  }

  @Test
  void structuredItemsizeIsTheExactSumOfTheFields() {
    // 4 + 2 x 8 = 20 bytes per element, 3 elements
    assertEquals(Set.of(), scan(npy(1, header(FLAT, "(3,)"), new byte[60])));
    assertEquals(Set.of("NUMPY_DATA_TRUNCATED"), scan(npy(1, header(FLAT, "(3,)"), new byte[59])));
    assertEquals(Set.of("NUMPY_TRAILING_BYTES"), scan(npy(1, header(FLAT, "(3,)"), new byte[61])));
  }

  @Test
  void nestedAndPaddedItemsize() {
    // 4 + (1 + 4 x 6) + padding 3 = 32 bytes per element
    String nested = "[('a', '<i4'), ('n', [('x', '|u1'), ('y', '<f4', (2, 3))]), ('', '|V3')]";
    assertEquals(Set.of(), scan(npy(1, header(nested, "(2,)"), new byte[64])));
    assertEquals(
        Set.of("NUMPY_TRAILING_BYTES"), scan(npy(1, header(nested, "(2,)"), new byte[65])));
  }

  @Test
  void structuredWithAnObjectFieldIsAPickle() {
    assertEquals(
        Set.of("PICKLE_GLOBAL_NOT_ALLOWED"),
        Scans.reasons(Scans.scan(Scans.resource("numpy/structured_object.npy"))));
  }

  @Test
  void nestedObjectFieldIsAPickleToo() {
    byte[] evil = Pickles.of(0x80, 3, "cos\nsystem\n", Pickles.str("id"), 0x85, "R.");
    assertEquals(
        Set.of("PICKLE_GLOBAL_NOT_ALLOWED"),
        scan(npy(1, header("[('a', '<i4'), ('n', [('o', '|O', (2,))])]", "(1,)"), evil)));
  }

  @Test
  void fieldNamesMustNotRepeat() {
    assertEquals(
        Set.of("NUMPY_DTYPE_NOT_ALLOWED"),
        scan(npy(1, header("[('a', '<i4'), ('a', '<i4')]", "(1,)"), new byte[8])));
  }

  @Test
  void titleMustNotRepeatAName() {
    assertEquals(
        Set.of("NUMPY_DTYPE_NOT_ALLOWED"),
        scan(npy(1, header("[(('b', 'a'), '<i4'), ('b', '<i4')]", "(1,)"), new byte[8])));
  }

  @Test
  void unnamedFieldMustBeVoidPadding() {
    assertEquals(
        Set.of("NUMPY_DTYPE_NOT_ALLOWED"),
        scan(npy(1, header("[('a', '<i4'), ('', '<i4')]", "(1,)"), new byte[8])));
  }

  @Test
  void emptyFieldList() {
    assertEquals(
        Set.of("NUMPY_DTYPE_NOT_ALLOWED"), scan(npy(1, header("[]", "(1,)"), new byte[0])));
  }

  @Test
  void structuredNestingDeeperThanThePolicy() {
    String d = "'<i4'";
    for (int i = 0; i < 17; i++) {
      d = "[('f', " + d + ")]";
    }
    assertEquals(Set.of("NUMPY_DTYPE_TOO_COMPLEX"), scan(npy(1, header(d, "(1,)"), new byte[4])));
  }

  @Test
  void structuredWithMoreFieldsThanThePolicy() throws Exception {
    StringBuilder d = new StringBuilder("[");
    for (int i = 0; i < 9; i++) {
      d.append("('f").append(i).append("', '|u1'), ");
    }
    d.append(']');
    java.nio.file.Path p = dir.resolve("f.npy");
    java.nio.file.Files.write(p, npy(1, header(d.toString(), "(1,)"), new byte[9]));
    LoadPolicy eight = LoadPolicy.strict().toBuilder().set(NumPy.MAX_DTYPE_FIELDS, 8L).build();
    assertEquals(Set.of("NUMPY_DTYPE_TOO_COMPLEX"), Scans.reasons(Scans.scan(p, eight)));
    assertEquals(Set.of(), Scans.reasons(Scans.scan(p)));
  }

  @Test
  void structuredSizeOverflow() {
    assertEquals(
        Set.of("NUMPY_SIZE_OVERFLOW"),
        scan(npy(1, header("[('a', '<f8', (4294967296, 4294967296))]", "(1,)"), new byte[0])));
  }

  /**
   * numpy.load refuses (0, 10**18, 10**18) as "array is too big": NumPy checks the product of the
   * itemsize and the non-zero dimensions whatever their order, so a leading zero does not hide an
   * overflow (it was accepted as an empty array; (10**18, 10**18, 0) was refused).
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "(0, 999999999999999999, 999999999999999999)",
        "(999999999999999999, 0, 999999999999999999)",
        "(999999999999999999, 999999999999999999, 0)",
        "(0, 576460752303423488, 16)"
      })
  void aZeroDimensionDoesNotHideAnOverflow(String shape) {
    assertEquals(Set.of("NUMPY_SIZE_OVERFLOW"), scan(npy(1, header("'<f8'", shape), new byte[0])));
  }

  /** What numpy.load reads as empty arrays stays accepted. */
  @ParameterizedTest
  @ValueSource(strings = {"(0, 1099511627776)", "(0, 999999999999999999)", "(5, 0)"})
  void emptyArraysWithLargeDimensionsAreAccepted(String shape) {
    assertEquals(Set.of(), scan(npy(1, header("'<f8'", shape), new byte[0])));
  }

  /**
   * NumPy keeps an itemsize in a C int: numpy 1.24 loads '<U536870912' with an itemsize of -2**31
   * (numpy 2 refuses it), and refuses a larger structure or subarray; each was accepted as an empty
   * array.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "'<U536870912'",
        "[('a', '<f8', (268435456,))]",
        "[('a', '|S999999999'), ('b', '|S999999999'), ('c', '|S200000000')]",
        "[('a', [('x', '|S999999999')], (3,))]"
      })
  void anItemsizeBeyondACIntIsRefused(String descr) {
    assertEquals(Set.of("NUMPY_SIZE_OVERFLOW"), scan(npy(1, header(descr, "(0,)"), new byte[0])));
  }

  /** The largest itemsizes numpy.load reads stay accepted. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "'<U536870911'",
        "[('a', '<f8', (268435455,))]",
        "[('a', '|S999999999'), ('b', '|S999999999')]"
      })
  void itemsizesThatFitACIntAreAccepted(String descr) {
    assertEquals(Set.of(), scan(npy(1, header(descr, "(0,)"), new byte[0])));
  }

  /** numpy.dtype((type, shape)) refuses a subarray dimension that does not fit a C int. */
  @Test
  void subarrayDimensionBeyondACIntIsRefused() {
    assertEquals(
        Set.of("NUMPY_SHAPE_INVALID"),
        scan(npy(1, header("[('a', '<f8', (0, 2147483648))]", "(1,)"), new byte[0])));
    assertEquals(
        Set.of(), scan(npy(1, header("[('a', '<f8', (0, 2147483647))]", "(1,)"), new byte[0])));
  }

  // ------------------------------------------------------------------ old spellings

  @Test
  void objectO8IsRoutedToThePickleMachineLikeO() {
    assertEquals(
        Set.of("PICKLE_GLOBAL_NOT_ALLOWED"),
        Scans.reasons(Scans.scan(Scans.resource("numpy/object_o8.npy"))));
    byte[] evil = Pickles.of(0x80, 3, "cos\nsystem\n", Pickles.str("id"), 0x85, "R.");
    assertEquals(Set.of("PICKLE_GLOBAL_NOT_ALLOWED"), scan(npy(1, header("'|O8'", "(1,)"), evil)));
  }

  @Test
  void python2LongsInVersion1And2HeadersAreAccepted() {
    ScanReport r = Scans.scan(Scans.resource("numpy/python2_long.npy"));
    assertTrue(r.accepted(), () -> Scans.describe(r));
    assertEquals(Set.of(), scan(npy(2, header("'<f4'", "(2L, 3L)"), new byte[24])));
    assertEquals(Set.of(), scan(npy(1, header("[('a', '<f4', (2L,))]", "(1L,)"), new byte[8])));
  }

  @Test
  void python2LongsInVersion3Headers() {
    assertEquals(
        Set.of("NUMPY_SHAPE_INVALID"), scan(npy(3, header("'<f4'", "(2L, 3L)"), new byte[24])));
  }

  @Test
  void longSuffixOnlyExactlyAsPython2WroteIt() {
    assertEquals(
        Set.of("NUMPY_SHAPE_INVALID"), scan(npy(1, header("'<f4'", "(2l,)"), new byte[8])));
    assertEquals(
        Set.of("NUMPY_SHAPE_INVALID"), scan(npy(1, header("'<f4'", "(2 L,)"), new byte[8])));
    assertEquals(
        Set.of("NUMPY_SHAPE_INVALID"), scan(npy(1, header("'<f4'", "(2LL,)"), new byte[8])));
  }

  @Test
  void npzMembersMustBeNpy() {
    TestZip z = new TestZip();
    z.add("a.npy", Pickles.npy(2));
    z.add("readme.txt", new byte[3]);
    assertEquals(
        Set.of("NUMPY_NPZ_MEMBER_INVALID"),
        Scans.reasons(Scans.scanBytes(dir, "x.npz", z.build())));
    TestZip bad = new TestZip();
    bad.add("a.npy", java.util.Arrays.copyOf(Pickles.npy(2), Pickles.npy(2).length - 1));
    assertEquals(
        Set.of("NUMPY_DATA_TRUNCATED"), Scans.reasons(Scans.scanBytes(dir, "y.npz", bad.build())));
  }

  /**
   * numpy.load(npz)["w.npy"] is the member w.npy, never w.npy.npy (NpzFile looks a key up as a
   * member name first): checked with numpy 1.24, np.savez(**{"w.npy": a, "w": b}) writes such a
   * pair and reads b under both keys.
   */
  @Test
  void npzMemberShadowedByAnotherMembersName() {
    TestZip z = new TestZip();
    z.add("w.npy.npy", Pickles.npy(2));
    z.add("w.npy", Pickles.npy(2));
    assertEquals(
        Set.of("NUMPY_NPZ_MEMBER_INVALID"),
        Scans.reasons(Scans.scanBytes(dir, "x.npz", z.build())));
    TestZip fine = new TestZip();
    fine.add("w.npy.npy", Pickles.npy(2));
    fine.add("w.npz.npy", Pickles.npy(2));
    fine.add("w.npy/x.npy", Pickles.npy(2));
    assertEquals(Set.of(), Scans.reasons(Scans.scanBytes(dir, "y.npz", fine.build())));
  }

  @Test
  void extensionMustAgree() {
    assertEquals(
        Set.of("EXTENSION_MISMATCH"), Scans.reasons(Scans.scanBytes(dir, "a.pt", Pickles.npy(1))));
  }
}
