package dev.safeload.benchmarks;

import dev.safeload.formats.internal.safetensors.SafetensorsHeader;
import dev.safeload.spi.FormatException;
import dev.safeload.spi.ModelBytes;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Validating a safetensors header into a compact tensor index: safeload's zero-copy parser against
 * a jackson-core 3 streaming parser doing the same work (strict duplicate detection, integer
 * checks, dtype table, size and coverage checks, same index layout).
 *
 * <ul>
 *   <li>{@code zeroCopy}: parse in place over the direct buffer the loader holds; names stay spans.
 *   <li>{@code zeroCopyWithNames}: the same, then every name decoded to a {@code String}, as the
 *       handler does when it builds the model description (what jackson hands out anyway).
 *   <li>{@code jacksonWithCopy}: copy the header out of the direct buffer into a {@code byte[]}
 *       (jackson cannot read a ByteBuffer), then parse: what a loader built on jackson has to do.
 *   <li>{@code jacksonFromArray}: the header is already a {@code byte[]}: jackson's best case.
 * </ul>
 *
 * Setup checks that both parsers produce identical indexes, and that both reject a header with a
 * duplicate tensor name (so the baseline does its duplicate detection for real).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar SafetensorsHeaderBenchmark -prof gc}.
 * Compare {@code gc.alloc.rate.norm} (bytes per header) as well as time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class SafetensorsHeaderBenchmark {

  @Param({"10", "1000", "100000"})
  public int tensors;

  private static final SafetensorsHeader.Limits LIMITS =
      new SafetensorsHeader.Limits(100_000_000L, 300_000L, 16, 1024, 10_000, 16L << 20);

  private ModelBytes bytes;
  private ByteBuffer direct;
  private byte[] array;
  private int headerLength;
  private long dataLength;
  private JacksonHeaderParser jackson;

  @Setup
  public void setup() {
    HeaderFixture.Header h = HeaderFixture.build(tensors, false);
    array = h.prefixAndHeader();
    headerLength = h.headerLength();
    dataLength = h.dataLength();
    direct = HandlerBench.direct(array);
    bytes = HeaderFixture.modelBytes(direct, dataLength);
    jackson = new JacksonHeaderParser();
    checkSameIndex(
        SafetensorsHeader.parse(bytes, LIMITS), jackson.parse(array, headerLength, dataLength));

    HeaderFixture.Header dup = HeaderFixture.build(tensors, true);
    ByteBuffer dupDirect = HandlerBench.direct(dup.prefixAndHeader());
    try {
      SafetensorsHeader.parse(HeaderFixture.modelBytes(dupDirect, dup.dataLength()), LIMITS);
      throw new IllegalStateException("zero-copy parser accepted a duplicate name");
    } catch (FormatException expected) {
      if (!expected.reason().code().equals("SAFETENSORS_DUPLICATE_KEY")) {
        throw new IllegalStateException("unexpected rejection " + expected.reason(), expected);
      }
    }
    try {
      jackson.parse(dup.prefixAndHeader(), dup.headerLength(), dup.dataLength());
      throw new IllegalStateException("jackson baseline accepted a duplicate name");
    } catch (tools.jackson.core.exc.StreamReadException expected) {
      if (!expected.getOriginalMessage().contains("Duplicate")) {
        throw new IllegalStateException("unexpected rejection", expected);
      }
    }
  }

  private static void checkSameIndex(SafetensorsHeader a, JacksonHeaderParser.Index b) {
    check(a.size() == b.count, "tensor count");
    check(a.metadata().equals(b.metadata), "metadata");
    for (int i = 0; i < a.size(); i++) {
      check(a.name(i).equals(b.names[i]), "name " + i);
      check(a.dtype(i).ordinal() == b.dtype[i], "dtype " + i);
      check(
          Arrays.equals(
              a.shape(i), Arrays.copyOfRange(b.dims, b.shapeStart[i], b.shapeStart[i + 1])),
          "shape " + i);
      check(a.begin(i) == b.begin[i] && a.end(i) == b.end[i], "offsets " + i);
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("the parsers disagree on " + what);
    }
  }

  @Benchmark
  public SafetensorsHeader zeroCopy() {
    return SafetensorsHeader.parse(bytes, LIMITS);
  }

  @Benchmark
  public void zeroCopyWithNames(Blackhole bh) {
    SafetensorsHeader h = SafetensorsHeader.parse(bytes, LIMITS);
    for (int i = 0; i < h.size(); i++) {
      bh.consume(h.name(i));
    }
  }

  @Benchmark
  public JacksonHeaderParser.Index jacksonWithCopy() {
    byte[] copy = new byte[8 + headerLength];
    direct.get(0, copy);
    return jackson.parse(copy, headerLength, dataLength);
  }

  @Benchmark
  public JacksonHeaderParser.Index jacksonFromArray() {
    return jackson.parse(array, headerLength, dataLength);
  }
}
