package dev.safeload.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Delivery;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ModelRejectedException;
import dev.safeload.Reason;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.SecondReader;
import dev.safeload.spi.ValidationContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A reader that walks a whole file through {@link ModelBytes#openStream} reads it with {@code
 * read()} from the file the served bytes live in (the source for scans and {@code MAPPED_TRUSTED},
 * the private copy for {@code PRIVATE_FILE}), never through the mapping, so memory stays bounded
 * whatever the file's size; and a file that changes while it is streamed is refused. Work is
 * counted ({@link StreamedBytes#BYTES_STREAMED}, {@link StreamedBytes#BYTES_VIEWED}), never timed.
 */
class StreamedBytesTest {
  static final long MIB = 1 << 20;

  /** Larger than the concurrent-validation threshold, so that path is covered too. */
  static final long SIZE = 80 * MIB + 3;

  @TempDir Path dir;

  /** Files named {@code .big} that start with {@code BIG!}, accepted whatever follows. */
  static final class BigHandler implements FormatHandler {
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
              && head.get(3) == '!'
          ? Confidence.MAGIC
          : Confidence.NONE;
    }

    /** Every {@code .big} file refers to a data file named {@code weights} beside it. */
    @Override
    public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
      return new ModelDescription("big", List.of(), java.util.Map.of(), List.of("weights"));
    }

    @Override
    public ModelDescription validateReferenced(
        dev.safeload.spi.ModelView.ValidatedFile referrer,
        String name,
        ModelBytes bytes,
        ValidationContext context) {
      return ModelDescription.empty("big-data");
    }
  }

  /** A second reader that reads every byte through a stream, as the pickle reader does. */
  static final class Walker implements SecondReader {
    volatile long streamed = -1;
    volatile int sum;

    @Override
    public String id() {
      return "walker";
    }

    @Override
    public Set<String> formats() {
      return Set.of();
    }

    @Override
    public @Nullable String opens(ModelBytes bytes) {
      try (InputStream in = bytes.openStream(0)) {
        byte[] b = new byte[8192];
        long n = 0;
        int s = 0;
        for (int r; (r = in.read(b)) >= 0; ) {
          n += r;
          for (int i = 0; i < r; i++) {
            s += b[i];
          }
        }
        streamed = n;
        sum = s;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return null;
    }
  }

  /** A sparse file: "BIG!", zeros, and a tail byte; only the head and tail take space. */
  Path sparseBig(String name, long size) throws IOException {
    Path f = dir.resolve(name);
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.write("BIG!".getBytes(StandardCharsets.US_ASCII));
      raf.setLength(size);
      raf.seek(size - 1);
      raf.write(7);
    }
    return f;
  }

  SafeModelLoader loader(SecondReader reader, Delivery mode, long threads) {
    return SafeModelLoader.builder()
        .discoverHandlers(false)
        .handler(new BigHandler())
        .secondReader(reader)
        .policy(
            LoadPolicy.strict().toBuilder()
                .allowFormat("big")
                .allowUnpinnedFiles()
                .delivery(mode)
                .set(LoadPolicy.PARALLELISM, threads)
                .build())
        .build();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2}) // 2: judged on a second thread while hashed
  void aScanStreamsTheWholeFileByReadAndViewsOnlyItsHead(long threads) throws Exception {
    sparseBig("m.big", SIZE);
    Walker w = new Walker();
    long streamed0 = StreamedBytes.BYTES_STREAMED.get();
    long viewed0 = StreamedBytes.BYTES_VIEWED.get();
    ScanReport r = loader(w, Delivery.AUTOMATIC, threads).scan(dir);
    assertEquals(List.of(), r.findings());
    assertEquals(SIZE, w.streamed);
    assertEquals('B' + 'I' + 'G' + '!' + 7, w.sum, "the bytes streamed are the file's");
    assertEquals(SIZE, StreamedBytes.BYTES_STREAMED.get() - streamed0, "each byte read once");
    long viewed = StreamedBytes.BYTES_VIEWED.get() - viewed0;
    assertTrue(viewed <= 64 * 1024, viewed + " bytes of the mapping viewed: only the head");
  }

  @ParameterizedTest
  @ValueSource(strings = {"MAPPED_TRUSTED", "PRIVATE_FILE"})
  void aLoadStreamsTheBytesItServesByRead(String modeName) throws Exception {
    Delivery mode = Delivery.valueOf(modeName);
    sparseBig("m.big", SIZE);
    Walker w = new Walker();
    long streamed0 = StreamedBytes.BYTES_STREAMED.get();
    try (VerifiedModel m = loader(w, mode, 1).load(dir)) {
      assertEquals(SIZE, w.streamed);
      assertEquals('B' + 'I' + 'G' + '!' + 7, w.sum);
      assertEquals(SIZE, StreamedBytes.BYTES_STREAMED.get() - streamed0);
      ByteBuffer served = m.file("m.big").buffer();
      assertEquals(SIZE, served.remaining());
      assertEquals(7, served.get((int) SIZE - 1));
      byte[] head = new byte[4];
      served.get(0, head);
      assertArrayEquals("BIG!".getBytes(StandardCharsets.US_ASCII), head);
    }
  }

  @Test
  void aCopyInMemoryIsStreamedFromMemory() throws Exception {
    sparseBig("m.big", 3 * MIB);
    Walker w = new Walker();
    long streamed0 = StreamedBytes.BYTES_STREAMED.get();
    try (VerifiedModel m = loader(w, Delivery.COPY_TO_MEMORY, 1).load(dir)) {
      assertEquals(3 * MIB, w.streamed);
      assertEquals(0, StreamedBytes.BYTES_STREAMED.get() - streamed0, "no file behind it");
    }
  }

  /** A reader that truncates the file it is asked about, then streams it. */
  final class Truncating implements SecondReader {
    final Path file;

    Truncating(Path file) {
      this.file = file;
    }

    @Override
    public String id() {
      return "truncating";
    }

    @Override
    public Set<String> formats() {
      return Set.of();
    }

    @Override
    public @Nullable String opens(ModelBytes bytes) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(bytes.size() / 2);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Walker().opens(bytes);
    }
  }

  @Test
  void aFileCutShortWhileStreamedIsRefusedAsChanged() throws Exception {
    Path f = sparseBig("m.big", 4 * MIB);
    ScanReport r = loader(new Truncating(f), Delivery.AUTOMATIC, 1).scan(dir);
    assertEquals(
        List.of(Reason.SOURCE_CHANGED),
        r.files().get(0).findings().stream().map(Finding::reason).toList());
  }

  @Test
  void aLoadOfAFileCutShortWhileStreamedIsRefused() throws Exception {
    Path f = sparseBig("m.big", 4 * MIB);
    ModelRejectedException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ModelRejectedException.class,
            () -> loader(new Truncating(f), Delivery.MAPPED_TRUSTED, 1).load(dir).close());
    assertEquals(
        List.of(Reason.SOURCE_CHANGED), e.findings().stream().map(Finding::reason).toList());
  }

  @Test
  void referencedDataIsStreamedByReadWhenItIsClaimedAfterItsOwnVerdict() throws Exception {
    sparseBig("m.big", MIB);
    Path data = dir.resolve("weights");
    try (RandomAccessFile raf = new RandomAccessFile(data.toFile(), "rw")) {
      raf.setLength(20 * MIB); // large enough to stay open until it is claimed
    }
    // Once first: classes the scan loads for the first time may open a jar of the class path, which
    // stays open and would count as a descriptor this scan kept.
    loader(new Walker(), Delivery.AUTOMATIC, 1).scan(dir);
    Walker w = new Walker();
    long streamed0 = StreamedBytes.BYTES_STREAMED.get();
    long before = openDescriptors(dir);
    ScanReport r = loader(w, Delivery.AUTOMATIC, 1).scan(dir);
    assertEquals(List.of(), r.findings());
    assertEquals("big-data", r.files().get(1).format());
    assertEquals(21 * MIB, StreamedBytes.BYTES_STREAMED.get() - streamed0, "both, once each");
    assertEquals(before, openDescriptors(dir), "released after the cross-file checks");
  }

  @Test
  void noDescriptorOutlivesTheRun() throws Exception {
    for (int i = 0; i < 3; i++) {
      sparseBig("m" + i + ".big", 20 * MIB); // large enough to be kept open if unclaimed
    }
    Files.write(dir.resolve("data"), new byte[(int) (17 * MIB)]); // unclaimed data, kept open
    // Both runs once first: classes a run loads for the first time may open a jar of the class
    // path, which stays open and would count as a descriptor the run kept.
    loader(new Walker(), Delivery.AUTOMATIC, 1).scan(dir);
    loader(new Walker(), Delivery.MAPPED_TRUSTED, 2).scan(dir);
    long before = openDescriptors(dir);
    loader(new Walker(), Delivery.AUTOMATIC, 1).scan(dir);
    assertEquals(before, openDescriptors(dir));
    loader(new Walker(), Delivery.MAPPED_TRUSTED, 2).scan(dir);
    assertEquals(before, openDescriptors(dir));
    try (java.nio.channels.FileChannel held =
        java.nio.channels.FileChannel.open(dir.resolve("data"))) {
      assertEquals(before + 1, openDescriptors(dir), "the count sees a descriptor left open");
    }
  }

  /**
   * The process's descriptors open on files under {@code root}: the ones a run could leak. Others
   * come and go with the JVM's own work (a compiler thread reads the cgroup's memory files while it
   * sizes its arena), so counting every descriptor made these tests fail under load.
   */
  static long openDescriptors(Path root) throws IOException {
    Path real = root.toRealPath();
    long n = 0;
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) s::iterator) {
        try {
          if (Files.readSymbolicLink(fd).startsWith(real)) {
            n++;
          }
        } catch (IOException e) {
          // closed between the listing and the read: not open any more
        }
      }
    }
    return n;
  }
}
