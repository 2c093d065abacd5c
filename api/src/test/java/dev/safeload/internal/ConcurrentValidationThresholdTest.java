package dev.safeload.internal;

import static dev.safeload.internal.StageFixtures.allowing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Delivery;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ProgressListener;
import dev.safeload.provenance.Sha256;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scanned file from {@link SourceReader#CONCURRENT_VALIDATION_MIN_BYTES} on is validated on a
 * second thread while it is hashed (a 47 MB checkpoint is, since the threshold came down from 64
 * MiB), one byte less is validated after the hash in the reading thread, and either way the work is
 * the same: every byte hashed once and, by a validator that walks the file, read once through the
 * stream. Counted, never timed.
 */
class ConcurrentValidationThresholdTest {
  static final int AT = Math.toIntExact(SourceReader.CONCURRENT_VALIDATION_MIN_BYTES);

  @TempDir Path dir;

  /**
   * Files of the magic {@code WALK}, read to the end through {@link ModelBytes#openStream} as a zip
   * CRC pass reads them; valid when they end in {@code OK}. Records the validating thread.
   */
  static final class Walker implements FormatHandler {
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public String id() {
      return "walk";
    }

    @Override
    public Set<String> extensions() {
      return Set.of("walk");
    }

    @Override
    public Confidence detect(ByteBuffer head, long fileSize) {
      return head.remaining() >= 4
              && head.get(0) == 'W'
              && head.get(1) == 'A'
              && head.get(2) == 'L'
              && head.get(3) == 'K'
          ? Confidence.MAGIC
          : Confidence.NONE;
    }

    @Override
    public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
      threads.add(Thread.currentThread().getName());
      byte[] buf = new byte[8192];
      int a = 0;
      int b = 0;
      try (InputStream in = bytes.openStream(0)) {
        for (int n; (n = in.read(buf)) >= 0; ) {
          for (int i = 0; i < n; i++) {
            a = b;
            b = buf[i];
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (a != 'O' || b != 'K') {
        throw new FormatException(
            StageFixtures.TestReason.BODY_INVALID, bytes.size() - 2, "does not end in OK");
      }
      return ModelDescription.empty(id());
    }
  }

  private Path file(int size, String end) throws IOException {
    byte[] b = new byte[size];
    System.arraycopy("WALK".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 4);
    for (int i = 4; i < size - 2; i += 4093) {
      b[i] = (byte) i;
    }
    System.arraycopy(end.getBytes(StandardCharsets.US_ASCII), 0, b, size - 2, 2);
    return Files.write(dir.resolve(size + end + ".walk"), b);
  }

  /** Stage 3a as a scan runs it: a mapping, and a core to spare. */
  private static CheckedFile scan(Walker h, Path p) throws IOException {
    LoadPolicy policy = allowing("walk");
    FileValidation validation = new FileValidation(policy, List.of(h), List.of());
    return new FileReading(policy, Delivery.MAPPED_TRUSTED, null, ProgressListener.NONE, List.of())
        .check(
            SourceFile.stat(p.getFileName().toString(), p, false, null),
            new NameRoles.Claimed(List.of(h), ".walk"),
            validation,
            true);
  }

  @Test
  void fromTheThresholdAScanIsValidatedWhileItIsHashedWithEveryByteReadOnceByEach()
      throws IOException {
    Path p = file(AT, "OK");
    Walker h = new Walker();
    long hashed0 = Hasher.BYTES_HASHED.get();
    long streamed0 = StreamedBytes.BYTES_STREAMED.get();
    CheckedFile f = scan(h, p);
    assertEquals(List.of("safeload-validate"), h.threads);
    assertTrue(f.accepted(), f.findings().toString());
    assertEquals(Sha256.hash(Files.readAllBytes(p)), f.sha256());
    assertEquals(AT, Hasher.BYTES_HASHED.get() - hashed0, "every byte hashed once");
    assertEquals(AT, StreamedBytes.BYTES_STREAMED.get() - streamed0, "every byte streamed once");
  }

  @Test
  void oneByteBelowItTheReadingThreadValidatesAfterTheHashWithTheSameWork() throws IOException {
    Path p = file(AT - 1, "OK");
    Walker h = new Walker();
    long hashed0 = Hasher.BYTES_HASHED.get();
    long streamed0 = StreamedBytes.BYTES_STREAMED.get();
    CheckedFile f = scan(h, p);
    assertEquals(List.of(Thread.currentThread().getName()), h.threads);
    assertTrue(f.accepted(), f.findings().toString());
    assertEquals(AT - 1, Hasher.BYTES_HASHED.get() - hashed0);
    assertEquals(AT - 1, StreamedBytes.BYTES_STREAMED.get() - streamed0);
  }

  @Test
  void aRejectionFoundWhileHashingKeepsItsReasonOffsetAndTheDigest() throws IOException {
    Path p = file(AT, "no");
    Walker h = new Walker();
    CheckedFile f = scan(h, p);
    assertEquals(List.of("safeload-validate"), h.threads);
    assertFalse(f.accepted());
    assertEquals(
        List.of(StageFixtures.TestReason.BODY_INVALID),
        f.findings().stream().map(Finding::reason).toList());
    assertEquals(AT - 2, f.findings().get(0).offset());
    assertEquals(Sha256.hash(Files.readAllBytes(p)), f.sha256());
  }
}
