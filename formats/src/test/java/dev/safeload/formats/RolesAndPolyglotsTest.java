package dev.safeload.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import dev.safeload.ScanReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue classes where a second reader (tarfile, zipfile, pickle) sees something else in bytes that
 * a handler accepted, and where a file's name, content and the references to it disagree. Each test
 * asserts the exact reason code, through the real handlers and second readers.
 */
class RolesAndPolyglotsTest {
  @TempDir Path dir;

  private static final LoadPolicy UNPINNED =
      LoadPolicy.strict().toBuilder().allowUnpinnedFiles().build();

  private static Set<String> reasons(ScanReport r, String file) {
    return r.findings().stream()
        .filter(f -> file.equals(f.file()))
        .map(f -> f.reason().code())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * JSON whose first 512 bytes are also a tar header with a valid checksum (what tarfile.open
   * takes).
   */
  static byte[] jsonThatIsATar() {
    byte[] block = new byte[600];
    Arrays.fill(block, (byte) ' ');
    byte[] open = "{\"name\": \"".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(open, 0, block, 0, open.length);
    // mode, uid, gid, size, mtime (100-148) stay spaces: tarfile reads them as 0.
    int sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : block[i] & 0xff;
    }
    byte[] chk = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(chk, 0, block, 148, 6);
    block[154] = ' ';
    block[155] = ' ';
    byte[] close = "\"}\n".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(close, 0, block, block.length - close.length, close.length);
    return block;
  }

  @Test
  void aFileThatIsAlsoATarIsAPolyglot() throws IOException {
    Path f = Files.write(dir.resolve("config.json"), jsonThatIsATar());
    ScanReport r = Scans.scan(f, UNPINNED);
    assertEquals(Set.of("POLYGLOT"), reasons(r, "config.json"), r.findings().toString());
    assertTrue(r.findings().get(0).message().contains("tar"), r.findings().get(0).message());
  }

  /**
   * A pickle of one bytes object (PROTO 3, BINBYTES) whose first 512 bytes are a tar header, the
   * checksum field written by {@code format} (a {@link String#format} pattern given the sum) and
   * padded with NULs. torch.load tries tarfile first on a file that is no zip and unpickles the
   * tar's {@code storages} member with pickle.load; pickle.load of the file itself returns bytes.
   */
  static byte[] pickleThatIsATar(String format) {
    byte[] file = new byte[1024 + 1];
    ByteBuffer.wrap(file)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put((byte) 0x80)
        .put((byte) 3)
        .put((byte) 'B')
        .putInt(1024 - 7);
    file[156] = '0'; // typeflag: a regular file; mode, uid, gid, size and mtime are NUL (0)
    file[1024] = '.';
    int sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : file[i] & 0xff;
    }
    byte[] chk = String.format(format, sum).getBytes(StandardCharsets.US_ASCII);
    assertTrue(chk.length <= 8, format);
    System.arraycopy(chk, 0, file, 148, chk.length);
    return file;
  }

  /**
   * Python's tarfile reads the checksum field with int(s, 8), which takes the literal's 0o prefix
   * (and an underscore after it): a field "0o01337" is a valid checksum, so torch.load (1.13,
   * checked with /usr/bin/python3) ran the tar's storages pickle, while the tar second reader,
   * reading plain octal digits only, passed the file as a harmless pickle.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"%06o", "0o%05o", "+0O%04o", "0o_%04o"})
  void aPickleThatIsAlsoATarIsAPolyglotHoweverItsChecksumIsSpelled(String format)
      throws IOException {
    Path f = Files.write(dir.resolve("model.pkl"), pickleThatIsATar(format));
    ScanReport r = Scans.scan(f, UNPINNED);
    assertEquals(Set.of("POLYGLOT"), reasons(r, "model.pkl"), r.findings().toString());
    assertTrue(r.findings().get(0).message().contains("tar"), r.findings().get(0).message());
  }

  /**
   * A word list whose first lines read as a pickle that imports sys.path and appends to it, then
   * breaks: pickle.load (CPython 3.11, checked with /usr/bin/python3) raises "invalid load key"
   * after sys.path.append('/tmp/evil') has run, and the next import runs the attacker's module. The
   * pickle second reader counted only REDUCE, BUILD, OBJ, INST and NEWOBJ(_EX) as calls, so the
   * vocabulary was accepted; with a STOP after the APPEND it was already a polyglot.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "csys\npath\nS'/tmp/evil'\na\n", // APPEND to sys.path
        "cos\nenviron\nS'LD_PRELOAD'\nS'/tmp/e.so'\ns\n", // SETITEM: os.environ calls putenv
        "csys\nmodules\n(S'json'\nS'x'\nu\n", // SETITEMS into sys.modules
        "csys\npath\n(S'/tmp/evil'\ne\n", // APPENDS
      })
  void aWordListThatImportsAndChangesAGlobalIsAPolyglot(String head) throws IOException {
    byte[] vocab =
        (head + "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nworld\n").getBytes(StandardCharsets.UTF_8);
    Path f = Files.write(dir.resolve("vocab.txt"), vocab);
    ScanReport r = Scans.scan(f, UNPINNED);
    assertEquals(Set.of("POLYGLOT"), reasons(r, "vocab.txt"), r.findings().toString());
    assertTrue(r.findings().get(0).message().contains("pickle"), r.findings().get(0).message());
  }

  /** A safetensors header whose 8-byte length reads as zlib magic (0x78 0x01): 376 bytes. */
  @Test
  void safetensorsWhoseHeaderLengthLooksLikeZlibIsAccepted() throws IOException {
    StringBuilder header =
        new StringBuilder("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
    while (header.length() < 376) {
      header.append(' ');
    }
    byte[] h = header.toString().getBytes(StandardCharsets.US_ASCII);
    ByteBuffer file = ByteBuffer.allocate(8 + h.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    file.putLong(h.length).put(h).putFloat(1f);
    assertEquals(0x78, file.get(0) & 0xff);
    Path f = Files.write(dir.resolve("model.safetensors"), file.array());
    ScanReport r = Scans.scan(f, UNPINNED);
    assertTrue(r.accepted(), r.findings().toString());
  }

  @Test
  void theSameJsonWithAChecksumOffByOneIsNoTar() throws IOException {
    byte[] json = jsonThatIsATar();
    json[153] = (byte) (json[153] == '7' ? '6' : json[153] + 1); // last octal digit changed
    Path f = Files.write(dir.resolve("config.json"), json);
    ScanReport r = Scans.scan(f, UNPINNED);
    assertTrue(r.accepted(), r.findings().toString());
  }

  static byte[] zipOf(String name, byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry(name));
      z.write(content);
      z.closeEntry();
    }
    return out.toByteArray();
  }

  @Test
  void safetensorsWhoseLastTensorIsAZipIsAPolyglot() throws IOException {
    byte[] zip = zipOf("archive/data.pkl", Pickles.evil());
    String header =
        "{\"t\":{\"dtype\":\"U8\",\"shape\":["
            + zip.length
            + "],\"data_offsets\":[0,"
            + zip.length
            + "]}}";
    byte[] h = header.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer file = ByteBuffer.allocate(8 + h.length + zip.length).order(ByteOrder.LITTLE_ENDIAN);
    file.putLong(h.length).put(h).put(zip);
    Path f = Files.write(dir.resolve("model.safetensors"), file.array());
    ScanReport r = Scans.scan(f, UNPINNED);
    assertEquals(Set.of("POLYGLOT"), reasons(r, "model.safetensors"), r.findings().toString());
  }

  /**
   * Issue 10 item 1: a legacy checkpoint whose first 512 bytes are also a tar header (torch's
   * legacy loader tries tarfile first and would unpickle the tar's members). The magic-number
   * pickle is padded with a popped string so that the block's fields read as a tar header; Python's
   * tarfile opens the result (checked by hand with /usr/bin/python3) and pickle.load still returns
   * the magic number. safeload never accepts it: the padded first pickle is no legacy checkpoint,
   * and had a handler accepted it, the tar second reader would have refused it as a polyglot.
   */
  @Test
  void aLegacyCheckpointThatIsAlsoATarIsRefused() throws IOException {
    byte[] legacy = Scans.read(Scans.resource("pytorch/legacy_state_dict.pt"));
    int pad = 520;
    ByteBuffer b =
        ByteBuffer.allocate(2 + 5 + pad + 1 + 13 + legacy.length - 15)
            .order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x80).put((byte) 2).put((byte) 'X').putInt(pad);
    byte[] spaces = new byte[pad];
    Arrays.fill(spaces, (byte) ' ');
    b.put(spaces).put((byte) '0').put(legacy, 2, 13).put(legacy, 15, legacy.length - 15);
    byte[] file = b.array();
    file[156] = '0'; // typeflag: a regular file
    int sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : file[i] & 0xff;
    }
    byte[] chk = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(chk, 0, file, 148, 6);
    file[154] = 0;
    file[155] = ' ';
    assertEquals(
        "a tar header with a valid checksum at offset 0",
        new dev.safeload.formats.readers.TarReader()
            .opens(dev.safeload.spi.ModelBytes.of(ByteBuffer.wrap(file))));
    ScanReport r = Scans.scanBytes(dir, "legacy.pt", file);
    assertEquals(
        Set.of("EXTENSION_MISMATCH", "PICKLE_TRAILING_BYTES"), Scans.reasons(r), Scans.describe(r));
  }

  /**
   * A "broken" pickle (the nullifAI shape) imports and calls os.system, then breaks before STOP:
   * pickle.load has run the call by then. Served as an opaque model card it would be a polyglot.
   */
  /**
   * After PROTO 4, find_class follows a GLOBAL's name as a dotted path of any length: 'os' then
   * 'path.os.path.os....system' (1,606 characters) is os.system, and pickle.load (CPython 3.11,
   * checked with /usr/bin/python3) ran the call. The pickle second reader took a line over 1 KiB
   * for no import, so the file was served as opaque.
   */
  @Test
  void aPickleWhoseGlobalIsALongDottedPathServedAsOpaqueIsAPolyglot() throws IOException {
    String name = "path.os.".repeat(200) + "system";
    byte[] pickle = Pickles.of(0x80, 4, "cos\n" + name + "\n", Pickles.str("id"), 0x85, "R", ".");
    Path f = Files.write(dir.resolve("README.md"), pickle);
    LoadPolicy opaque = UNPINNED.toBuilder().opaqueFiles("README.md").build();
    ScanReport r = Scans.scan(f, opaque);
    assertEquals(Set.of("POLYGLOT"), reasons(r, "README.md"), r.findings().toString());
  }

  /**
   * torch.load's legacy reader unpickles five pickles in a row (magic number, protocol version,
   * sys_info, the object, the storage keys). A file whose first pickle is the magic number as a
   * text INT (no LONG1, so no legacy magic to detect), then 1001, an empty sys_info and an object
   * that calls os.system: torch.load (1.13, checked with /usr/bin/python3) ran the call. The pickle
   * second reader stopped at the first STOP, so the file was served as opaque.
   */
  @Test
  void stackedPicklesServedAsOpaqueAreAPolyglot() throws IOException {
    byte[] stacked =
        Pickles.of(
            "I119547037146038801333356\n.", // 0x1950a86a20f9469cfc6c
            "M",
            0xe9,
            0x03,
            ".", // protocol version 1001
            "}.", // sys_info, which torch.load does not read
            "cos\nsystem\n",
            Pickles.str("id"),
            0x85,
            "R.",
            "].");
    Path f = Files.write(dir.resolve("README.md"), stacked);
    LoadPolicy opaque = UNPINNED.toBuilder().opaqueFiles("README.md").build();
    ScanReport r = Scans.scan(f, opaque);
    assertEquals(Set.of("POLYGLOT"), reasons(r, "README.md"), r.findings().toString());
  }

  @Test
  void aBrokenPickleServedAsOpaqueIsAPolyglot() throws IOException {
    byte[] broken = Pickles.of(0x80, 2, "cos\nsystem\n", Pickles.str("id"), 0x85, "R", 0xff);
    Path f = Files.write(dir.resolve("README.md"), broken);
    LoadPolicy opaque = UNPINNED.toBuilder().opaqueFiles("README.md").build();
    ScanReport r = Scans.scan(f, opaque);
    assertEquals(Set.of("POLYGLOT"), reasons(r, "README.md"), r.findings().toString());
  }

  /** Text that starts like GLOBAL but names no importable module stays text: an opaque licence. */
  @Test
  void textThatOnlyLooksLikeAnImportIsNoPickle() throws IOException {
    byte[] text =
        "copyright 2024 Example Corp\nAll rights reserved\nRedistribution is allowed.\n"
            .getBytes(StandardCharsets.US_ASCII);
    Path f = Files.write(dir.resolve("LICENSE"), text);
    LoadPolicy opaque = UNPINNED.toBuilder().opaqueFiles("LICENSE").build();
    ScanReport r = Scans.scan(f, opaque);
    assertTrue(r.accepted(), r.findings().toString());
    assertEquals("opaque", r.files().get(0).format());
  }

  /**
   * joblib.load inflates a file whose first bytes are a zlib (or gzip, bz2, xz) header, whatever
   * its name, then unpickles it: a wrapped pickle that calls builtins.print, named like a plain
   * data file the policy serves opaque, keeps the wrapper's refusal instead of becoming opaque
   * bytes.
   */
  @Test
  void aCompressedPickleUnderAnOpaqueNameKeepsItsRefusal() throws IOException {
    // zlib.compress(b'\x80\x02cbuiltins\nprint\nX\x05\x00\x00\x00pwnedq\x00\x85R.')
    byte[] zlib =
        java.util.HexFormat.of()
            .parseHex(
                "789c6b604a4e2acdcc29c9cc2be62a28cacc2be18a606560602828cf4b4d2964680dd20300bd160a82");
    Path f = Files.write(dir.resolve("model.sav"), zlib);
    LoadPolicy opaque = UNPINNED.toBuilder().opaqueFiles("*.sav").build();
    ScanReport r = Scans.scan(f, opaque);
    assertEquals(
        Set.of("ARCHIVE_COMPRESSED", "EXTENSION_MISMATCH"),
        reasons(r, "model.sav"),
        r.findings().toString());
  }
}
