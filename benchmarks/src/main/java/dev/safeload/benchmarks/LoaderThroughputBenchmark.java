package dev.safeload.benchmarks;

import dev.safeload.Delivery;
import dev.safeload.LoadPolicy;
import dev.safeload.SafeModelLoader;
import dev.safeload.VerifiedModel;
import dev.safeload.provenance.Sha256;
import dev.safeload.spi.Confidence;
import dev.safeload.spi.FormatHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.ValidationContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the loader's single pass costs over plain hashing: loading a file in each delivery mode
 * versus SHA-256 of the same bytes read with a {@link FileChannel} (the floor for "hash every byte
 * once"). The format handler is trivial so that only reading, copying and hashing are measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LoaderThroughputBenchmark {

  @Param({"268435456"})
  public long bytes;

  private Path file;
  private SafeModelLoader copy;
  private SafeModelLoader privateFile;
  private SafeModelLoader mapped;

  /** Accepts any file starting with "BNCH": the benchmark measures the loader, not a format. */
  public static final class BenchFormat implements FormatHandler {
    @Override
    public String id() {
      return "bench";
    }

    @Override
    public Set<String> extensions() {
      return Set.of("bench");
    }

    @Override
    public Confidence detect(ByteBuffer head, long size) {
      return head.remaining() >= 4 && head.getInt(0) == 0x48434e42
          ? Confidence.MAGIC
          : Confidence.NONE;
    }

    @Override
    public ModelDescription validate(ModelBytes b, ValidationContext c) {
      return ModelDescription.empty("bench");
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    file = Files.createTempFile("safeload-bench", ".bench");
    byte[] block = new byte[1 << 20];
    new Random(42).nextBytes(block);
    block[0] = 'B';
    block[1] = 'N';
    block[2] = 'C';
    block[3] = 'H';
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      for (long done = 0; done < bytes; done += block.length) {
        ch.write(ByteBuffer.wrap(block, 0, (int) Math.min(block.length, bytes - done)));
        block[0] = 0;
      }
    }
    copy = loader(Delivery.COPY_TO_MEMORY);
    privateFile = loader(Delivery.PRIVATE_FILE);
    mapped = loader(Delivery.MAPPED_TRUSTED);
  }

  private static SafeModelLoader loader(Delivery d) {
    return SafeModelLoader.builder()
        .discoverHandlers(false)
        .handler(new BenchFormat())
        .policy(
            LoadPolicy.strict().toBuilder()
                .allowFormat("bench")
                .allowUnpinnedFiles()
                .delivery(d)
                .build())
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(file);
  }

  @Benchmark
  public byte[] baselineSha256FileChannel() throws Exception {
    MessageDigest md = Sha256.newMessageDigest();
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (ch.read(buf.clear()) > 0) {
        md.update(buf.array(), 0, buf.position());
      }
    }
    return md.digest();
  }

  @Benchmark
  public Object scan() throws Exception {
    return copy.scan(file);
  }

  @Benchmark
  public Object loadCopyToMemory() throws Exception {
    try (VerifiedModel m = copy.load(file)) {
      return java.util.Objects.requireNonNull(
          m.files().get(0).sha256()); // no verifiers: always computed
    }
  }

  @Benchmark
  public Object loadPrivateFile() throws Exception {
    try (VerifiedModel m = privateFile.load(file)) {
      return java.util.Objects.requireNonNull(
          m.files().get(0).sha256()); // no verifiers: always computed
    }
  }

  @Benchmark
  public Object loadMappedTrusted() throws Exception {
    try (VerifiedModel m = mapped.load(file)) {
      return java.util.Objects.requireNonNull(
          m.files().get(0).sha256()); // no verifiers: always computed
    }
  }
}
