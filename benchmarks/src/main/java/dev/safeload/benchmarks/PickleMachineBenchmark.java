package dev.safeload.benchmarks;

import dev.safeload.formats.internal.pickle.PickleLimits;
import dev.safeload.formats.internal.pickle.PickleMachine;
import dev.safeload.formats.internal.pickle.Value;
import dev.safeload.formats.pickle.GlobalRule;
import dev.safeload.formats.pickle.PickleProfile;
import dev.safeload.provenance.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The pickle machine on a real state-dict pickle: {@code data.pkl} of torchvision's ResNet-50 as
 * {@code torch.save} (PyTorch 1.13) writes it, 39,117 bytes, 320 tensors, run under {@code
 * torch-weights-strict}. The baseline is plain SHA-256 (JDK "SUN" provider) over the same bytes.
 * Throughput in ops/s; MB/s = ops/s x 39,117 / 10^6 (see BENCHMARKS.md).
 *
 * <p>Run: {@code mvn -B -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar PickleMachineBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class PickleMachineBenchmark {
  static final String RESOURCE = "PickleMachineBenchmark-resnet50-data.pkl";

  private ByteBuffer pickle;
  private byte[] bytes;
  private PickleProfile profile;
  private PickleLimits limits;
  private MessageDigest sha256;

  /**
   * The storage table stand-in: the same tuple checks the PyTorch handler applies, without the zip
   * records (this benchmark measures the machine, not the container).
   */
  private static final PickleMachine.PersistentIds STORAGES =
      (pid, offset) -> {
        List<Value> t = ((Value.TupleV) pid).items();
        GlobalRule r = ((Value.GlobalV) t.get(1)).rule();
        return new Value.StorageV(
            ((Value.StrV) t.get(2)).value(),
            r.dtype(),
            r.elementSize(),
            ((Value.IntV) t.get(4)).value(),
            ((Value.StrV) t.get(3)).value());
      };

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    try (InputStream in = PickleMachineBenchmark.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("missing resource " + RESOURCE);
      }
      bytes = in.readAllBytes();
    }
    pickle = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    profile = PickleProfile.torchWeightsStrict();
    limits = PickleLimits.defaults();
    sha256 = Sha256.newMessageDigest();
    PickleMachine.Result r = PickleMachine.run(pickle.duplicate(), 0, profile, limits, STORAGES);
    if (r.end() != bytes.length) {
      throw new IllegalStateException("benchmark pickle did not end at its last byte");
    }
  }

  @Benchmark
  public void pickleMachine(Blackhole bh) {
    bh.consume(PickleMachine.run(pickle.duplicate(), 0, profile, limits, STORAGES));
  }

  @Benchmark
  public void sha256(Blackhole bh) {
    sha256.update(bytes);
    bh.consume(sha256.digest());
  }
}
