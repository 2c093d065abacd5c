package dev.safeload.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Delivery;
import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.provenance.Sha256;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import dev.safeload.toy.ToyReason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large file read through a mapping, with a core to spare, is validated on a second thread while
 * it is hashed; the verdict, findings and digest must be exactly those of the sequential order.
 */
class ConcurrentValidationTest {
  /** The size from which the engine validates while hashing (the prefetching threshold). */
  static final int LARGE = 64 << 20;

  @TempDir Path tmp;

  /**
   * Files of the magic {@code BIG1}; valid when the last byte is 0. Records the validating thread.
   */
  static final class BigHandler implements FormatHandler {
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public String id() {
      return "big";
    }

    @Override
    public Set<String> extensions() {
      return Set.of("big");
    }

    @Override
    public Confidence detect(ByteBuffer head, long fileSize) {
      return head.remaining() >= 4
              && head.get(0) == 'B'
              && head.get(1) == 'I'
              && head.get(2) == 'G'
              && head.get(3) == '1'
          ? Confidence.MAGIC
          : Confidence.NONE;
    }

    @Override
    public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
      threads.add(Thread.currentThread().getName());
      if (bytes.get(bytes.size() - 1) != 0) {
        throw new FormatException(
            ToyReason.TOY_BODY_INVALID, bytes.size() - 1, "last byte must be 0");
      }
      return ModelDescription.empty(id());
    }
  }

  static byte[] bigFile(byte last) {
    byte[] b = new byte[LARGE];
    System.arraycopy("BIG1".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 4);
    for (int i = 4; i < b.length - 1; i += 4093) {
      b[i] = (byte) i;
    }
    b[b.length - 1] = last;
    return b;
  }

  private static SafeModelLoader loader(BigHandler h, long parallelism, Delivery delivery) {
    LoadPolicy.Builder p =
        LoadPolicy.strict().toBuilder()
            .allowFormat("big")
            .allowUnpinnedFiles()
            .set(LoadPolicy.PARALLELISM, parallelism);
    if (delivery == Delivery.MAPPED_TRUSTED) {
      p.delivery(Delivery.MAPPED_TRUSTED);
    }
    return SafeModelLoader.builder().discoverHandlers(false).handler(h).policy(p.build()).build();
  }

  @Test
  void aLargeScanIsValidatedOnASecondThreadWithTheSequentialResult() throws Exception {
    byte[] bytes = bigFile((byte) 0);
    Path f = Fixtures.write(tmp, "m.big", bytes);
    BigHandler concurrent = new BigHandler();
    BigHandler sequential = new BigHandler();
    ScanReport a = loader(concurrent, 2, Delivery.AUTOMATIC).scan(f);
    ScanReport b = loader(sequential, 1, Delivery.AUTOMATIC).scan(f);
    assertEquals(List.of("safeload-validate"), concurrent.threads);
    assertEquals(List.of(Thread.currentThread().getName()), sequential.threads);
    assertTrue(a.accepted(), a.findings().toString());
    FileReport fa = a.files().get(0);
    assertEquals(Sha256.of(Fixtures.sha256(bytes)), fa.sha256());
    assertEquals(b.files(), a.files());
  }

  @Test
  void aRejectionFoundWhileHashingIsTheSameRejection() throws Exception {
    Path f = Fixtures.write(tmp, "m.big", bigFile((byte) 1));
    BigHandler concurrent = new BigHandler();
    ScanReport a = loader(concurrent, 2, Delivery.AUTOMATIC).scan(f);
    ScanReport b = loader(new BigHandler(), 1, Delivery.AUTOMATIC).scan(f);
    assertEquals(List.of("safeload-validate"), concurrent.threads);
    assertFalse(a.accepted());
    assertEquals(
        List.of(ToyReason.TOY_BODY_INVALID), a.findings().stream().map(Finding::reason).toList());
    assertEquals((long) LARGE - 1, a.findings().get(0).offset());
    assertEquals(b.files(), a.files());
  }

  @Test
  void aMappedLoadValidatedWhileHashingDeliversTheMapping() throws Exception {
    byte[] bytes = bigFile((byte) 0);
    Path f = Fixtures.write(tmp, "m.big", bytes);
    BigHandler h = new BigHandler();
    try (VerifiedModel m = loader(h, 2, Delivery.MAPPED_TRUSTED).load(f)) {
      assertEquals(List.of("safeload-validate"), h.threads);
      ByteBuffer buf = m.file("m.big").buffer();
      assertEquals(LARGE, buf.remaining());
      assertEquals((byte) 4097, buf.get(4097));
      assertEquals(0, buf.get(4098));
    }
  }

  @Test
  void smallFilesAreValidatedInTheReadingThread() throws Exception {
    Path f = Fixtures.write(tmp, "m.big", "BIG1\0".getBytes(StandardCharsets.US_ASCII));
    BigHandler h = new BigHandler();
    assertTrue(loader(h, 2, Delivery.AUTOMATIC).scan(f).accepted());
    assertEquals(List.of(Thread.currentThread().getName()), h.threads);
  }
}
