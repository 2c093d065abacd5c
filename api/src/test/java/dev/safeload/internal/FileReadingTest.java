package dev.safeload.internal;

import static dev.safeload.internal.StageFixtures.allowing;
import static dev.safeload.internal.StageFixtures.magic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Delivery;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ProgressListener;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.provenance.Sha256;
import dev.safeload.spi.Confidence;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stage 3a on its own: one file read once while hashed, then judged on exactly those bytes. */
class FileReadingTest {
  static final StageFixtures.Magic AAA = magic("aaa", "AAA", Confidence.MAGIC, "aaa");
  static final LoadPolicy POLICY = allowing("aaa");
  static final FileValidation VALIDATION = new FileValidation(POLICY, List.of(AAA), List.of());
  static final NameRoles.Claimed ROLE = new NameRoles.Claimed(List.of(AAA), ".aaa");

  @TempDir Path dir;

  /**
   * Under a mapping mode small files are copied, but only while the run's copies stay within their
   * budget (they live as long as the run): past it, and for files from 1 MiB, they are mapped.
   */
  @Test
  void smallFilesAreCopiedWithinTheRunsBudget() {
    FileReading mapped =
        new FileReading(POLICY, Delivery.MAPPED_TRUSTED, null, ProgressListener.NONE, List.of());
    long small = FileReading.SMALL_COPY_BYTES - 1;
    long fit = FileReading.SMALL_COPY_BUDGET / small;
    for (long i = 0; i < fit; i++) {
      assertEquals(Delivery.COPY_TO_MEMORY, mapped.readMode(small), "file " + i);
    }
    assertEquals(Delivery.MAPPED_TRUSTED, mapped.readMode(small));
    assertEquals(Delivery.MAPPED_TRUSTED, mapped.readMode(FileReading.SMALL_COPY_BYTES));
    FileReading copied =
        new FileReading(POLICY, Delivery.COPY_TO_MEMORY, null, ProgressListener.NONE, List.of());
    assertEquals(Delivery.COPY_TO_MEMORY, copied.readMode(FileReading.SMALL_COPY_BYTES));
  }

  @Test
  void theVerdictIsGivenOnTheBytesThatWereHashed() throws IOException {
    for (Delivery mode : List.of(Delivery.COPY_TO_MEMORY, Delivery.MAPPED_TRUSTED)) {
      CheckedFile f = read(POLICY, mode, file("w.aaa", "AAAOK"));
      assertTrue(f.accepted(), mode.toString());
      assertEquals("aaa", f.format());
      assertEquals(Sha256.hash("AAAOK".getBytes(StandardCharsets.US_ASCII)), f.sha256());
      assertEquals(5, f.bytes().size());
    }
  }

  @Test
  void aRejectedFileKeepsItsDigestAndItsFindings() throws IOException {
    CheckedFile f = read(POLICY, Delivery.COPY_TO_MEMORY, file("w.aaa", "AAAno"));
    assertFalse(f.accepted());
    assertTrue(f.read());
    assertEquals(List.of(StageFixtures.TestReason.BODY_INVALID), codes(f));
  }

  @Test
  void aHardLinkedFileIsNotRead() throws IOException {
    Path w = file("w.aaa", "AAAOK");
    Files.createLink(dir.resolve("other.aaa"), w);
    CheckedFile f = read(POLICY, Delivery.COPY_TO_MEMORY, w);
    assertEquals(List.of(Reason.HARDLINK), codes(f));
    assertFalse(f.read());
    assertNull(f.sha256());
  }

  @Test
  void aFileOverTheSizeLimitIsNotRead() throws IOException {
    LoadPolicy small = POLICY.toBuilder().set(LoadPolicy.MAX_FILE_BYTES, 4L).build();
    CheckedFile f = read(small, Delivery.COPY_TO_MEMORY, file("w.aaa", "AAAOK"));
    assertEquals(List.of(Reason.FILE_TOO_LARGE), codes(f));
    assertFalse(f.read());
  }

  @Test
  void aCacheBlobMustBeNamedByTheDigestOfItsBytes() throws IOException {
    Path w = file("w.aaa", "AAAOK");
    String sha = Sha256.hash("AAAOK".getBytes(StandardCharsets.US_ASCII)).hex();
    CheckedFile good =
        new FileReading(POLICY, Delivery.COPY_TO_MEMORY, null, ProgressListener.NONE, List.of())
            .check(SourceFile.stat("w.aaa", w, false, sha), ROLE, VALIDATION, false);
    assertTrue(good.accepted());
    CheckedFile bad =
        new FileReading(POLICY, Delivery.COPY_TO_MEMORY, null, ProgressListener.NONE, List.of())
            .check(SourceFile.stat("w.aaa", w, false, "0".repeat(64)), ROLE, VALIDATION, false);
    assertEquals(List.of(Reason.CACHE_BLOB_MISMATCH), codes(bad));
  }

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.US_ASCII);
  }

  private static CheckedFile read(LoadPolicy policy, Delivery mode, Path p) throws IOException {
    return new FileReading(policy, mode, null, ProgressListener.NONE, List.of())
        .check(
            SourceFile.stat(p.getFileName().toString(), p, false, null), ROLE, VALIDATION, false);
  }

  private static List<ReasonCode> codes(CheckedFile f) {
    return f.findings().stream().map(Finding::reason).toList();
  }
}
