package dev.safeload.benchmarks;

import dev.safeload.LoadPolicy;
import dev.safeload.formats.onnx.OnnxHandler;
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
 * The ONNX handler (protobuf walk, schema checks, tensor sizes) over a synthetic model of {@code
 * nodes} MatMul/Add nodes with a 64x64 FLOAT initializer per MatMul, against a plain SHA-256 of the
 * same bytes.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar OnnxReaderBenchmark -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OnnxReaderBenchmark {

  @Param({"2000"})
  public int nodes;

  private ModelBytes file;
  private ByteBuffer whole;
  private final OnnxHandler handler = new OnnxHandler();
  private final LoadPolicy policy = LoadPolicy.strict();

  @Setup
  public void setup() {
    Pb graph = new Pb().str(2, "bench");
    String prev = "X";
    for (int i = 0; i < nodes; i++) {
      String w = "w" + i;
      String mm = "mm" + i;
      String out = "y" + i;
      graph.msg(
          1, new Pb().str(1, prev).str(1, w).str(2, mm).str(3, "matmul" + i).str(4, "MatMul"));
      graph.msg(1, new Pb().str(1, mm).str(1, "bias").str(2, out).str(3, "add" + i).str(4, "Add"));
      graph.msg(
          5,
          new Pb()
              .varint(1, 64)
              .varint(1, 64)
              .varint(2, 1)
              .str(8, w)
              .bytes(9, new byte[64 * 64 * 4]));
      prev = out;
    }
    graph.msg(5, new Pb().varint(1, 64).varint(2, 1).str(8, "bias").bytes(9, new byte[64 * 4]));
    Pb tensorType =
        new Pb()
            .varint(1, 1)
            .msg(2, new Pb().msg(1, new Pb().varint(1, 1)).msg(1, new Pb().varint(1, 64)));
    graph.msg(11, new Pb().str(1, "X").msg(2, new Pb().msg(1, tensorType)));
    graph.msg(12, new Pb().str(1, prev).msg(2, new Pb().msg(1, tensorType)));
    byte[] model =
        new Pb()
            .varint(1, 8)
            .str(2, "bench")
            .msg(7, graph)
            .msg(8, new Pb().str(1, "").varint(2, 17))
            .out
            .toByteArray();
    whole = HandlerBench.direct(model);
    file = ModelBytes.of(whole.duplicate());
    HandlerBench.requireValid(handler, file, "b.onnx", policy);
  }

  @Benchmark
  public ModelDescription validate() {
    return HandlerBench.validate(handler, file, "b.onnx", policy);
  }

  @Benchmark
  public byte[] sha256() throws Exception {
    return HandlerBench.sha256(whole);
  }

  /** Minimal protobuf writer for the synthetic model. */
  static final class Pb {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Pb raw(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
      return this;
    }

    Pb varint(int field, long v) {
      return raw((long) field << 3).raw(v);
    }

    Pb bytes(int field, byte[] b) {
      raw(((long) field << 3) | 2).raw(b.length);
      out.writeBytes(b);
      return this;
    }

    Pb str(int field, String s) {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    Pb msg(int field, Pb m) {
      return bytes(field, m.out.toByteArray());
    }
  }
}
