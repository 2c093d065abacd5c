package dev.safeload.formats.onnx;

import static dev.safeload.formats.onnx.Proto.entry;
import static dev.safeload.formats.onnx.Proto.field;
import static dev.safeload.formats.onnx.Proto.graph;
import static dev.safeload.formats.onnx.Proto.model;
import static dev.safeload.formats.onnx.Proto.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ScanReport;
import dev.safeload.formats.CompressedPickles;
import dev.safeload.formats.Pickles;
import dev.safeload.formats.Scans;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files laundered as ONNX external data: a file whose name says nothing becomes referenced data
 * when a valid model names it, and is then served as verified bytes. Every second reader that would
 * run code from such a file (joblib inflating a compressed pickle, pickle.load, zipfile,
 * numpy.load) still refuses it ({@code POLYGLOT}), while real external data (raw little-endian
 * tensor bytes, all zeros too) passes. Through the real engine, handlers and second readers.
 */
class ExternalDataLaunderingTest {
  @TempDir Path dir;

  private static final LoadPolicy UNPINNED =
      LoadPolicy.strict().toBuilder().allowUnpinnedFiles().build();

  private static final int UINT8 = 2;

  /** A model whose one UINT8 initializer of n bytes lives in {@code location} at offset 0. */
  static byte[] modelReferencing(String location, int n) {
    Proto t =
        Proto.of()
            .varint(1, n)
            .varint(2, UINT8)
            .str(8, "w")
            .msg(13, entry("location", location))
            .msg(13, entry("offset", "0"))
            .msg(13, entry("length", Integer.toString(n)))
            .varint(14, 1);
    Proto g = graph(field(1, node("Relu", null, "X", "Y")));
    g.msg(5, t);
    return model(g).build();
  }

  private Set<String> reasonsFor(String data, byte[] bytes) throws IOException {
    Files.write(dir.resolve("model.onnx"), modelReferencing(data, bytes.length));
    Files.write(dir.resolve(data), bytes);
    ScanReport r = Scans.scan(dir, UNPINNED);
    return r.findings().stream()
        .filter(f -> f.file().equals(data))
        .map(f -> f.reason().code())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private ScanReport scanWith(String data, byte[] bytes) throws IOException {
    Files.write(dir.resolve("model.onnx"), modelReferencing(data, bytes.length));
    Files.write(dir.resolve(data), bytes);
    return Scans.scan(dir, UNPINNED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"zlib", "gzip", "bz2", "xz", "lzma", "zf"})
  void aCompressedPickleReferencedAsExternalDataIsRefused(String kind) throws IOException {
    ScanReport r = scanWith("weights", CompressedPickles.of(kind));
    Set<String> codes =
        r.findings().stream()
            .filter(f -> f.file().equals("weights"))
            .map(f -> f.reason().code())
            .collect(Collectors.toSet());
    assertEquals(Set.of("POLYGLOT"), codes, Scans.describe(r));
    Finding f = r.findings().stream().filter(x -> x.file().equals("weights")).findFirst().get();
    assertTrue(f.message().contains("joblib"), f.message());
    assertTrue(!r.accepted());
  }

  /** The call lies 1 MiB into the inflated stream, past the reader's output window. */
  @Test
  void aCompressedPickleWhoseCallIsPastTheWindowIsRefused() throws IOException {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(new byte[] {(byte) 0x80, 2, 'B'});
    p.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(1 << 20).array());
    p.write(new byte[1 << 20]);
    p.write('0'); // POP the bytes
    p.write(Pickles.evil(), 2, Pickles.evil().length - 2);
    Deflater d = new Deflater(9);
    d.setInput(p.toByteArray());
    d.finish();
    byte[] buf = new byte[1 << 16];
    int n = d.deflate(buf);
    assertTrue(d.finished());
    d.end();
    byte[] zlib = java.util.Arrays.copyOf(buf, n);
    assertEquals(Set.of("POLYGLOT"), reasonsFor("weights", zlib));
  }

  @Test
  void aPlainPickleZipOrNpyReferencedAsExternalDataIsRefused() throws IOException {
    assertEquals(Set.of("POLYGLOT"), reasonsFor("w1", Pickles.evil()));
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(zip)) {
      z.putNextEntry(new ZipEntry("archive/data.pkl"));
      z.write(Pickles.evil());
      z.closeEntry();
    }
    Files.delete(dir.resolve("w1"));
    assertEquals(Set.of("POLYGLOT"), reasonsFor("w2", zip.toByteArray()));
    Files.delete(dir.resolve("w2"));
    // numpy.load reads the .npy magic whatever the name; its own handler says so.
    assertEquals(Set.of("EXTENSION_MISMATCH"), reasonsFor("w3", Pickles.npy(4)));
  }

  /** Whole compressed data that is no pickle is still no raw tensor data: refused too. */
  @Test
  void aWholeZlibStreamOfTextIsRefused() throws IOException {
    byte[] text =
        HexFormat.of().parseHex("789ccb48cdc9c95728cf2fca49d151c82a2d2e512849ad2801005f700854");
    assertEquals(Set.of("POLYGLOT"), reasonsFor("weights", text));
  }

  /**
   * On a case-insensitive file system (macOS, Windows) transformers and sentencepiece opening
   * tokenizer.model or vocab.txt get Tokenizer.model or VOCAB.TXT: such a name is the tokenizer
   * file, validated as one, and never raw data another file references.
   */
  @ParameterizedTest
  @ValueSource(strings = {"Tokenizer.model", "VOCAB.TXT", "Merges.txt", "mergeſ.txt"})
  void aTokenizerNameInAnotherCaseIsNoExternalData(String name) throws IOException {
    byte[] data = new byte[64];
    java.util.Arrays.fill(data, (byte) 0x41);
    ScanReport r = scanWith(name, data);
    Set<String> codes =
        r.findings().stream()
            .filter(f -> f.file().equals(name))
            .map(f -> f.reason().code())
            .collect(Collectors.toSet());
    assertTrue(!r.accepted(), Scans.describe(r));
    assertTrue(!codes.isEmpty() && !codes.contains("POLYGLOT"), Scans.describe(r));
  }

  @Test
  void realExternalDataStillPasses() throws IOException {
    assertTrue(scanWith("weights", new byte[4096]).accepted(), "all zeros");
    Files.delete(dir.resolve("weights"));
    // Seeded float32 weights whose first bytes are each compressor's prefix: they are no stream.
    Random rnd = new Random(7);
    String[] prefixes = {
      "789c", "7801", "78da", "785e", "1f8b08", "425a68", "5d00", "5a46", "fd377a585a00", "04224d18"
    };
    for (String prefix : prefixes) {
      ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        b.putFloat((float) rnd.nextGaussian() * 0.02f);
      }
      byte[] data = b.array();
      byte[] p = HexFormat.of().parseHex(prefix);
      System.arraycopy(p, 0, data, 0, p.length);
      ScanReport r = scanWith("data_" + prefix, data);
      assertTrue(r.accepted(), prefix + ": " + Scans.describe(r));
      Files.delete(dir.resolve("data_" + prefix));
    }
  }
}
