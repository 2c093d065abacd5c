package dev.safeload.benchmarks;

import dev.safeload.LoadPolicy;
import dev.safeload.formats.gguf.GgufHandler;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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

/**
 * The GGUF handler over a llama-shaped file (a 32k-token vocabulary with scores and types, a chat
 * template, 291 quantised tensors), against a plain SHA-256 of the same header bytes and of the
 * whole file, which the loader computes anyway.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar GgufHeaderBenchmark -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GgufHeaderBenchmark {

  @Param({"32000"})
  public int vocabulary;

  private ModelBytes file;
  private ByteBuffer header;
  private ByteBuffer whole;
  private final GgufHandler handler = new GgufHandler();
  private final LoadPolicy policy = LoadPolicy.strict();

  @Setup
  public void setup() {
    Out o = new Out();
    int tensors = 291;
    int kvs = 6;
    o.raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(tensors).u64(kvs);
    o.str("general.architecture").u32(8).str("llama");
    o.str("llama.block_count").u32(4).u32(32);
    o.str("tokenizer.chat_template")
        .u32(8)
        .str(
            "{% for m in messages %}{{ '<|' + m['role'] + '|>\\n' + m['content'] + '</s>' }}{% endfor %}");
    o.str("tokenizer.ggml.tokens").u32(9).u32(8).u64(vocabulary);
    for (int i = 0; i < vocabulary; i++) {
      o.str("tok" + i);
    }
    o.str("tokenizer.ggml.scores").u32(9).u32(6).u64(vocabulary);
    for (int i = 0; i < vocabulary; i++) {
      o.u32(Float.floatToIntBits(-i));
    }
    o.str("tokenizer.ggml.token_type").u32(9).u32(5).u64(vocabulary);
    for (int i = 0; i < vocabulary; i++) {
      o.u32(1);
    }
    long rowBytes = 144; // one Q4_K block of 256 elements
    long tensorBytes = rowBytes * 4;
    for (int t = 0; t < tensors; t++) {
      o.str("blk." + (t / 9) + ".w" + (t % 9) + ".weight")
          .u32(2)
          .u64(256)
          .u64(4)
          .u32(12)
          .u64(t * tensorBytes);
    }
    while (o.size() % 32 != 0) {
      o.out.write(0);
    }
    int headerLength = o.size();
    o.raw(new byte[(int) (tensors * tensorBytes)]);
    byte[] bytes = o.out.toByteArray();
    whole = HandlerBench.direct(bytes);
    header = whole.duplicate().limit(headerLength).slice();
    file = ModelBytes.of(whole.duplicate());
    HandlerBench.requireValid(handler, file, "b.gguf", policy);
  }

  @Benchmark
  public ModelDescription validate() {
    return HandlerBench.validate(handler, file, "b.gguf", policy);
  }

  @Benchmark
  public byte[] sha256Header() throws Exception {
    return HandlerBench.sha256(header);
  }

  @Benchmark
  public byte[] sha256File() throws Exception {
    return HandlerBench.sha256(whole);
  }

  /** Little-endian GGUF writer for the synthetic file. */
  static final class Out {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Out raw(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    Out u32(long v) {
      for (int i = 0; i < 4; i++) {
        out.write((int) (v >>> (8 * i)));
      }
      return this;
    }

    Out u64(long v) {
      return u32(v).u32(v >>> 32);
    }

    Out str(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      return u64(b.length).raw(b);
    }

    int size() {
      return out.size();
    }
  }
}
