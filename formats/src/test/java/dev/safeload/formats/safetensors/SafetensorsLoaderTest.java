package dev.safeload.formats.safetensors;

import static dev.safeload.formats.safetensors.St.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ModelRejectedException;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.formats.FormatReason;
import dev.safeload.spi.TensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors handler through the public loader API, on files written to disk. */
class SafetensorsLoaderTest {
  private static final SafeModelLoader SCANNER = SafeModelLoader.builder().build();
  private static final SafeModelLoader LOADER =
      SafeModelLoader.builder()
          .policy(LoadPolicy.strict().toBuilder().allowUnpinnedFiles().build())
          .build();
  private static final String F32_1 = "\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]";

  @TempDir Path dir;

  static byte[] resource(String name) throws IOException {
    try (InputStream in = SafetensorsLoaderTest.class.getResourceAsStream("/safetensors/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return in.readAllBytes();
    }
  }

  @Test
  void fixtureWrittenLikeTheReferenceWriterIsAccepted() throws IOException {
    Path p = Files.write(dir.resolve("tiny.safetensors"), resource("tiny.safetensors"));
    ScanReport report = SCANNER.scan(p);
    assertEquals(List.of(), report.findings());
    assertEquals("safetensors", report.files().get(0).format());
  }

  @Test
  void loadHandsBackTheVerifiedTensorBytes() throws Exception {
    Path p = Files.write(dir.resolve("tiny.safetensors"), resource("tiny.safetensors"));
    try (VerifiedModel model = LOADER.load(p)) {
      VerifiedModel.VerifiedFile f = model.file("tiny.safetensors");
      assertEquals("safetensors", f.format());
      assertEquals(Map.of("format", "pt"), f.description().metadata());
      TensorInfo ids =
          f.description().tensors().stream()
              .filter(t -> t.name().equals("position_ids"))
              .findFirst()
              .orElseThrow();
      assertEquals("I64", ids.dtype());
      assertEquals(List.of(5L), ids.shape());
      assertEquals(40, ids.length());
      ByteBuffer buf = f.buffer().order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < 5; i++) {
        assertEquals(i, buf.getLong((int) ids.offset() + 8 * i), "position_ids[" + i + "]");
      }
      TensorInfo scalar =
          f.description().tensors().stream()
              .filter(t -> t.name().equals("scalar"))
              .findFirst()
              .orElseThrow();
      assertEquals(List.of(), scalar.shape());
      assertEquals(2.5, buf.getDouble((int) scalar.offset()));
      TensorInfo mask =
          f.description().tensors().stream()
              .filter(t -> t.name().equals("mask"))
              .findFirst()
              .orElseThrow();
      assertEquals(1, buf.get((int) mask.offset()));
      assertEquals(0, buf.get((int) mask.offset() + 1));
      long covered = f.description().tensors().stream().mapToLong(TensorInfo::length).sum();
      assertEquals(
          f.size(),
          f.description().tensors().stream().mapToLong(TensorInfo::offset).min().orElseThrow()
              + covered,
          "tensors cover the data buffer to the last byte");
    }
  }

  @Test
  void loadRejectsWithTheExactReason() throws IOException {
    Path p =
        Files.write(
            dir.resolve("m.safetensors"),
            file(
                "{\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},\"w\":{"
                    + F32_1
                    + "}}",
                4));
    ModelRejectedException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ModelRejectedException.class, () -> LOADER.load(p));
    assertEquals(
        List.of(FormatReason.SAFETENSORS_DUPLICATE_KEY),
        e.findings().stream().map(Finding::reason).toList());
  }

  @Test
  void scanReportsDuplicateKey() throws IOException {
    assertScan(
        FormatReason.SAFETENSORS_DUPLICATE_KEY,
        file("{\"w\":{" + F32_1 + "},\"w\":{" + F32_1 + "}}", 4));
  }

  @Test
  void scanReportsLeadingWhitespace() throws IOException {
    assertScan(
        FormatReason.SAFETENSORS_HEADER_LEADING_WHITESPACE, file("  {\"w\":{" + F32_1 + "}}", 4));
  }

  @Test
  void scanReportsHole() throws IOException {
    assertScan(
        FormatReason.SAFETENSORS_HOLE,
        file(
            "{\"a\":{"
                + F32_1
                + "},\"b\":{\"dtype\":\"F32\",\"shape\":[1],"
                + "\"data_offsets\":[8,12]}}",
            12));
  }

  @Test
  void scanReportsTrailingBytes() throws IOException {
    assertScan(FormatReason.SAFETENSORS_TRAILING_BYTES, file("{\"w\":{" + F32_1 + "}}", 5));
  }

  @Test
  void scanReportsAZeroSizeTensorInsideAnother() throws IOException {
    assertScan(
        FormatReason.SAFETENSORS_OVERLAP,
        file(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}",
            8));
  }

  @Test
  void scanReportsUnknownDtypeAndSizeMismatch() throws IOException {
    assertScan(
        FormatReason.SAFETENSORS_UNKNOWN_DTYPE,
        St.one("\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,16]", 16));
    assertScan(
        FormatReason.SAFETENSORS_SIZE_MISMATCH,
        St.one("\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,4]", 4));
  }

  @Test
  void headerRunningPastTheEndIsReportedPrecisely() throws IOException {
    // A truncated download is still recognisably safetensors: the report names the truncation.
    byte[] f = file("{\"w\":{" + F32_1 + "}}", 4);
    assertScan(FormatReason.SAFETENSORS_HEADER_LENGTH_INVALID, java.util.Arrays.copyOf(f, 20));
  }

  @Test
  void contentDecidesNotTheName() throws IOException {
    Path p = Files.write(dir.resolve("weights.bin"), file("{\"w\":{" + F32_1 + "}}", 4));
    ScanReport r = SCANNER.scan(p);
    assertEquals("safetensors", r.files().get(0).format());
    assertEquals(List.of(Reason.EXTENSION_MISMATCH), reasons(r));
  }

  private void assertScan(ReasonCode expected, byte[] bytes) throws IOException {
    Path p = Files.write(dir.resolve("m.safetensors"), bytes);
    ScanReport r = SCANNER.scan(p);
    assertEquals(List.of(expected), reasons(r), r.findings().toString());
    FileReport fr = r.files().get(0);
    assertTrue(!fr.accepted());
  }

  static List<ReasonCode> reasons(ScanReport r) {
    return r.findings().stream().map(Finding::reason).toList();
  }
}
