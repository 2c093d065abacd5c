package dev.safeload.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Delivery;
import dev.safeload.SafeModelLoader;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.provenance.Sha256;
import dev.safeload.toy.ToyHandler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link DigestedModel#rangeSha256}: digests of byte ranges of the verified bytes, in every
 * delivery mode.
 */
class RangeDigestTest {
  @TempDir Path dir;

  /** Records what the loader answers for a few ranges of one file. */
  static final class RangeProbe implements ProvenanceVerifier {
    final List<Optional<Sha256>> answers = new ArrayList<>();
    final long[][] ranges;
    final String file;

    RangeProbe(String file, long[][] ranges) {
      this.file = file;
      this.ranges = ranges;
    }

    @Override
    public String id() {
      return "range-probe";
    }

    @Override
    public ProvenanceResult verify(DigestedModel model) {
      for (long[] r : ranges) {
        answers.add(model.rangeSha256(file, r[0], r[1]));
      }
      return ProvenanceResult.of(
          dev.safeload.provenance.Proof.builder(id(), dev.safeload.provenance.Technique.PIN)
              .file(model.file(file).orElseThrow())
              .build());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Delivery.class,
      names = {"COPY_TO_MEMORY", "PRIVATE_FILE", "MAPPED_TRUSTED"})
  void rangesAreDigestsOfTheServedBytes(Delivery delivery) throws Exception {
    byte[] body = ToyHandler.valid();
    Fixtures.write(dir, "w.toy", body);
    int n = body.length;
    RangeProbe probe =
        new RangeProbe(
            "w.toy", new long[][] {{0, n}, {1, n - 1}, {0, 0}, {0, n + 1}, {-1, 2}, {3, 2}});
    SafeModelLoader l =
        SafeModelLoader.builder()
            .handler(new ToyHandler())
            .verifier(probe)
            .policy(Fixtures.unpinnedToyPolicy().delivery(delivery).build())
            .build();
    l.load(dir).close();
    assertEquals(Sha256.of(Fixtures.sha256(body)), probe.answers.get(0).orElseThrow());
    assertEquals(
        Sha256.of(Fixtures.sha256(Arrays.copyOfRange(body, 1, n - 1))),
        probe.answers.get(1).orElseThrow());
    assertEquals(Sha256.of(Fixtures.sha256(new byte[0])), probe.answers.get(2).orElseThrow());
    assertTrue(probe.answers.get(3).isEmpty(), "past the end");
    assertTrue(probe.answers.get(4).isEmpty(), "negative start");
    assertTrue(probe.answers.get(5).isEmpty(), "end before start");
    RangeProbe absent = new RangeProbe("nope.toy", new long[][] {{0, 1}});
    SafeModelLoader.builder()
        .handler(new ToyHandler())
        .verifier(absent)
        .policy(Fixtures.unpinnedToyPolicy().build())
        .build()
        .scan(dir);
    assertTrue(absent.answers.get(0).isEmpty());
  }
}
