package dev.safeload.loader;

import static dev.safeload.loader.Fixtures.loader;
import static dev.safeload.loader.Fixtures.unpinnedToyPolicy;
import static dev.safeload.loader.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Delivery;
import dev.safeload.LoadPolicy;
import dev.safeload.ModelChangedException;
import dev.safeload.Reason;
import dev.safeload.VerifiedModel;
import dev.safeload.toy.ToyHandler;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The three delivery modes: what the application gets, and that changing the source after load
 * cannot change what a copying mode delivers.
 */
class DeliveryTest {
  @TempDir Path dir;

  private static byte[] bytesOf(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  private VerifiedModel load(Delivery delivery, Path path) throws Exception {
    return loader(unpinnedToyPolicy().delivery(delivery).build()).load(path);
  }

  @ParameterizedTest
  @EnumSource(
      value = Delivery.class,
      names = {"COPY_TO_MEMORY", "PRIVATE_FILE", "MAPPED_TRUSTED"})
  void buffersAreReadOnlyDirectAndHoldTheVerifiedBytes(Delivery delivery) throws Exception {
    Path f = write(dir, "w.toy", ToyHandler.valid());
    try (VerifiedModel m = load(delivery, f)) {
      assertEquals(delivery, m.delivery());
      ByteBuffer b = m.file("w.toy").buffer();
      assertTrue(b.isReadOnly());
      assertTrue(b.isDirect());
      assertArrayEquals(ToyHandler.valid(), bytesOf(b));
      try (InputStream in = m.file("w.toy").openStream()) {
        assertArrayEquals(ToyHandler.valid(), in.readAllBytes());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Delivery.class,
      names = {"COPY_TO_MEMORY", "PRIVATE_FILE"})
  void rewritingTheSourceAfterLoadDoesNotChangeWhatIsDelivered(Delivery delivery) throws Exception {
    Path f = write(dir, "w.toy", ToyHandler.valid());
    try (VerifiedModel m = load(delivery, f)) {
      // Same size, different content, written in place: a mapping of the source would show it.
      Files.write(f, "TOY1XX".getBytes(StandardCharsets.US_ASCII));
      assertArrayEquals(ToyHandler.valid(), bytesOf(m.file("w.toy").buffer()));
      Path copy = m.materialize().resolve("w.toy");
      assertArrayEquals(ToyHandler.valid(), Files.readAllBytes(copy));
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Delivery.class,
      names = {"COPY_TO_MEMORY", "PRIVATE_FILE"})
  void swappingTheSourceFileAfterLoadDoesNotChangeWhatIsDelivered(Delivery delivery)
      throws Exception {
    Path f = write(dir, "w.toy", ToyHandler.valid());
    Path evil = write(dir, "evil.bin", "TOY1EV".getBytes(StandardCharsets.US_ASCII));
    try (VerifiedModel m = load(delivery, f)) {
      Files.move(evil, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      assertArrayEquals(ToyHandler.valid(), bytesOf(m.file("w.toy").buffer()));
      assertArrayEquals(ToyHandler.valid(), Files.readAllBytes(m.materialize().resolve("w.toy")));
    }
  }

  @Test
  void materializeGivesAPrivateDirectoryOfReadOnlyCopiesAndCloseDeletesIt() throws Exception {
    write(dir, "m/a.toy", ToyHandler.valid());
    write(dir, "m/sub/b.toy", ToyHandler.valid());
    Path out;
    try (VerifiedModel m = load(Delivery.COPY_TO_MEMORY, dir.resolve("m"))) {
      out = m.materialize();
      assertEquals(out, m.materialize(), "materialize is idempotent");
      assertFalse(out.startsWith(dir), "never the source directory");
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
      assertEquals(
          "r--------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("a.toy"))));
      assertEquals(
          "r--------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("sub/b.toy"))));
      assertArrayEquals(ToyHandler.valid(), Files.readAllBytes(out.resolve("sub/b.toy")));
    }
    assertFalse(Files.exists(out), "close deletes the private directory");
  }

  @Test
  void privateFileModeCopiesBeforeValidating() throws Exception {
    Path f = write(dir, "w.toy", ToyHandler.valid());
    Path privateDir;
    try (VerifiedModel m = load(Delivery.PRIVATE_FILE, f)) {
      privateDir = m.materialize();
      assertNotEquals(dir, privateDir.getParent());
      assertArrayEquals(ToyHandler.valid(), Files.readAllBytes(privateDir.resolve("w.toy")));
    }
    assertFalse(Files.exists(privateDir));
  }

  @Test
  void mappedTrustedDetectsASizeChangeAtClose() throws Exception {
    Path f = write(dir, "w.toy", ToyHandler.valid());
    VerifiedModel m = load(Delivery.MAPPED_TRUSTED, f);
    Files.write(f, "TOY1OK-and-more".getBytes(StandardCharsets.US_ASCII));
    ModelChangedException e = assertThrows(ModelChangedException.class, m::close);
    assertEquals(Reason.SOURCE_CHANGED, e.findings().get(0).reason());
    assertThrows(IllegalStateException.class, () -> m.file("w.toy"), "closed even though it threw");
  }

  @Test
  void mappedTrustedDetectsAModificationTimeChangeAtClose() throws Exception {
    Path f = write(dir, "w.toy", ToyHandler.valid());
    VerifiedModel m = load(Delivery.MAPPED_TRUSTED, f);
    m.checkUnchanged();
    Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
    assertThrows(ModelChangedException.class, m::checkUnchanged);
    ModelChangedException e = assertThrows(ModelChangedException.class, m::close);
    assertEquals(Reason.SOURCE_CHANGED, e.findings().get(0).reason());
  }

  @Test
  void mappedTrustedMaterializeRefusesBytesThatChangedSinceVerification() throws Exception {
    // 1 MiB and more is served as a mapping (smaller files are copied: see the next test)
    byte[] body = new byte[1 << 20];
    System.arraycopy("RAW!".getBytes(StandardCharsets.US_ASCII), 0, body, 0, 4);
    Path f = write(dir, "w.raw", body);
    VerifiedModel m = rawLoader(Delivery.MAPPED_TRUSTED).build().load(f);
    body[100] = 1;
    Files.write(f, body); // in place, same size: the mapping shows it
    ModelChangedException e = assertThrows(ModelChangedException.class, m::materialize);
    assertEquals(Reason.SOURCE_CHANGED, e.findings().get(0).reason());
    assertThrows(ModelChangedException.class, m::close);
  }

  /**
   * A file under 1 MiB is read into memory under {@code MAPPED_TRUSTED} too: what it serves and
   * materializes are the bytes hashed and judged, whatever the file holds later, and the file's
   * change is still reported at close.
   */
  @Test
  void mappedTrustedServesASmallFileAsItWasVerified() throws Exception {
    Path f = write(dir, "w.toy", ToyHandler.valid());
    VerifiedModel m = load(Delivery.MAPPED_TRUSTED, f);
    Files.write(f, "TOY1XX".getBytes(StandardCharsets.US_ASCII)); // in place, same size
    Path copy = m.materialize();
    assertArrayEquals(ToyHandler.valid(), Files.readAllBytes(copy.resolve("w.toy")));
    assertArrayEquals(ToyHandler.valid(), bytesOf(m.file("w.toy").buffer()));
    assertThrows(ModelChangedException.class, m::close);
  }

  /**
   * {@code materialize()} of a trusted mapping hashes the bytes again on the way to the private
   * copy, to refuse bytes that changed since verification. It read the mapping twice, a 1 GiB chunk
   * at a time, once to hash and once to write, so a change between the two reads wrote bytes other
   * than those hashed and the copy was handed out. Here the first byte changes a few milliseconds
   * into the copy of a 32 MiB file, after the hash has read it and before the write does:
   * materialize must either refuse ({@code SOURCE_CHANGED}) or give a copy whose bytes have the
   * verified digest.
   */
  @Test
  void mappedTrustedMaterializeWritesTheBytesItHashes() throws Exception {
    byte[] body = new byte[32 << 20];
    new java.util.Random(11).nextBytes(body);
    System.arraycopy("RAW!".getBytes(StandardCharsets.US_ASCII), 0, body, 0, 4);
    Path f = write(dir, "big.raw", body);
    dev.safeload.SafeModelLoader l = rawLoader(Delivery.MAPPED_TRUSTED).build();
    for (int round = 0; round < 2; round++) {
      Files.write(f, body);
      VerifiedModel m = l.load(f);
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      Thread writer =
          new Thread(
              () -> {
                try (java.nio.channels.FileChannel ch =
                    java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
                  go.await();
                  Thread.sleep(3);
                  ch.write(ByteBuffer.wrap(new byte[] {'X'}), 0);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      writer.start();
      try {
        go.countDown();
        Path copy = m.materialize().resolve("big.raw");
        assertArrayEquals(
            m.file("big.raw").sha256().toByteArray(),
            Fixtures.sha256(Files.readAllBytes(copy)),
            "round " + round + ": the private copy is not the verified bytes");
      } catch (ModelChangedException e) {
        assertEquals(Reason.SOURCE_CHANGED, e.findings().get(0).reason());
      } finally {
        writer.join();
        try {
          m.close();
        } catch (ModelChangedException e) {
          // the writer changed the source: expected
        }
      }
    }
  }

  @Test
  void automaticCopiesSmallModelsToMemoryAndLargeOnesToAPrivateDirectory() throws Exception {
    Path f = write(dir, "w.toy", ToyHandler.valid());
    try (VerifiedModel m = loader(unpinnedToyPolicy().build()).load(f)) {
      assertEquals(Delivery.COPY_TO_MEMORY, m.delivery());
    }
    LoadPolicy tiny = unpinnedToyPolicy().set(LoadPolicy.MAX_IN_MEMORY_BYTES, 5L).build();
    try (VerifiedModel m = loader(tiny).load(f)) {
      assertEquals(Delivery.PRIVATE_FILE, m.delivery());
    }
  }

  /**
   * Files larger than the loader's read step and with an odd length, in every mode, through scan
   * too.
   */
  @ParameterizedTest
  @EnumSource(
      value = Delivery.class,
      names = {"COPY_TO_MEMORY", "PRIVATE_FILE", "MAPPED_TRUSTED"})
  void multiMegabyteFilesAreDeliveredWholeAndHashedExactly(Delivery delivery) throws Exception {
    byte[] body = new byte[(3 << 20) + 12345];
    new java.util.Random(7).nextBytes(body);
    System.arraycopy("RAW!".getBytes(StandardCharsets.US_ASCII), 0, body, 0, 4);
    Path f = write(dir, "big.raw", body);
    dev.safeload.SafeModelLoader l = rawLoader(delivery).build();
    try (VerifiedModel m = l.load(f)) {
      VerifiedModel.VerifiedFile file = m.file("big.raw");
      assertEquals(body.length, file.size());
      assertArrayEquals(Fixtures.sha256(body), file.sha256().toByteArray());
      assertArrayEquals(body, bytesOf(file.buffer()));
      try (InputStream in = file.openStream()) {
        assertArrayEquals(body, in.readAllBytes());
      }
      assertArrayEquals(body, Files.readAllBytes(m.materialize().resolve("big.raw")));
    }
    assertArrayEquals(Fixtures.sha256(body), l.scan(f).files().get(0).sha256().toByteArray());
  }

  @ParameterizedTest
  @EnumSource(
      value = Delivery.class,
      names = {"COPY_TO_MEMORY", "PRIVATE_FILE", "MAPPED_TRUSTED"})
  void progressIsReportedUpToTheFileSizeAndAFailingListenerChangesNothing(Delivery delivery)
      throws Exception {
    byte[] body = new byte[(2 << 20) + 5];
    System.arraycopy("RAW!".getBytes(StandardCharsets.US_ASCII), 0, body, 0, 4);
    Path f = write(dir, "p.raw", body);
    java.util.List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    dev.safeload.SafeModelLoader.Builder b = rawLoader(delivery);
    try (VerifiedModel m =
        b.progress(
                (name, done, size) -> {
                  assertEquals("p.raw", name);
                  assertEquals(body.length, size);
                  seen.add(done);
                })
            .build()
            .load(f)) {
      assertEquals(body.length, m.file("p.raw").size());
    }
    assertEquals(body.length, seen.get(seen.size() - 1));
    for (int i = 1; i < seen.size(); i++) {
      assertTrue(seen.get(i) > seen.get(i - 1), "monotonic: " + seen);
    }
    try (VerifiedModel m =
        b.progress(
                (name, done, size) -> {
                  throw new IllegalStateException("display broke");
                })
            .build()
            .load(f)) {
      assertEquals(body.length, m.file("p.raw").size());
    }
  }

  /** Accepts anything starting with RAW!, so that the loader's reading is what is tested. */
  static final class RawHandler implements dev.safeload.spi.FormatHandler {
    @Override
    public String id() {
      return "raw";
    }

    @Override
    public java.util.Set<String> extensions() {
      return java.util.Set.of("raw");
    }

    @Override
    public dev.safeload.spi.Confidence detect(ByteBuffer head, long size) {
      return head.remaining() >= 4
              && head.get(0) == 'R'
              && head.get(1) == 'A'
              && head.get(2) == 'W'
              && head.get(3) == '!'
          ? dev.safeload.spi.Confidence.MAGIC
          : dev.safeload.spi.Confidence.NONE;
    }

    @Override
    public dev.safeload.spi.ModelDescription validate(
        dev.safeload.spi.ModelBytes bytes, dev.safeload.spi.ValidationContext context) {
      // Touch the last byte through the SPI view so that a short copy would show.
      bytes.get(bytes.size() - 1);
      return dev.safeload.spi.ModelDescription.empty("raw");
    }
  }

  @Test
  void accessAfterCloseFails() throws Exception {
    Path f = write(dir, "w.toy", ToyHandler.valid());
    VerifiedModel m = load(Delivery.COPY_TO_MEMORY, f);
    VerifiedModel.VerifiedFile file = m.file("w.toy");
    m.close();
    assertThrows(IllegalStateException.class, file::buffer);
    assertThrows(IllegalStateException.class, m::materialize);
    m.close(); // idempotent
  }

  /** A loader of {@link RawHandler}'s files alone, unpinned, delivering as {@code delivery}. */
  private static dev.safeload.SafeModelLoader.Builder rawLoader(Delivery delivery) {
    return dev.safeload.SafeModelLoader.builder()
        .discoverHandlers(false)
        .handler(new RawHandler())
        .policy(
            LoadPolicy.strict().toBuilder()
                .allowFormat("raw")
                .allowUnpinnedFiles()
                .delivery(delivery)
                .build());
  }
}
