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

  /**
   * A proof that hashes bytes the pass did not (a SHA-512 subject, a range it did not hash) hashes
   * the live mapping of a scan or a {@code MAPPED_TRUSTED} load, after the file's own unchanged
   * check: a file rewritten in between was accepted and proven for bytes other than those hashed
   * and validated. It is now {@code SOURCE_CHANGED}.
   */
  @ParameterizedTest
  @EnumSource(
      value = Delivery.class,
      names = {"COPY_TO_MEMORY", "MAPPED_TRUSTED"})
  void aFileRewrittenBeforeAProofHashesItIsChanged(Delivery delivery) throws Exception {
    byte[] body = ToyHandler.valid();
    Path file = Fixtures.write(dir, "w.toy", body);
    byte[] other = body.clone();
    other[other.length - 1] ^= 1;
    ProvenanceVerifier rewriting =
        new ProvenanceVerifier() {
          @Override
          public String id() {
            return "late-hash";
          }

          @Override
          public ProvenanceResult verify(DigestedModel model) {
            try {
              // A writer racing the run: same size, other bytes, after the file was read.
              java.nio.file.Files.write(file, other);
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
            model.sha512("w.toy").orElseThrow();
            model.rangeSha256("w.toy", 1, body.length).orElseThrow();
            return ProvenanceResult.of(
                dev.safeload.provenance.Proof.builder(id(), dev.safeload.provenance.Technique.PIN)
                    .file(model.file("w.toy").orElseThrow())
                    .build());
          }
        };
    SafeModelLoader l =
        SafeModelLoader.builder()
            .handler(new ToyHandler())
            .verifier(rewriting)
            .policy(Fixtures.unpinnedToyPolicy().delivery(delivery).build())
            .build();
    // A scan always reads through a mapping.
    assertEquals(
        List.of(dev.safeload.Reason.SOURCE_CHANGED),
        l.scan(dir).findings().stream().map(dev.safeload.Finding::reason).toList());
    java.nio.file.Files.write(file, body);
    if (delivery == Delivery.MAPPED_TRUSTED) {
      dev.safeload.ModelRejectedException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              dev.safeload.ModelRejectedException.class, () -> l.load(dir).close());
      assertEquals(
          List.of(dev.safeload.Reason.SOURCE_CHANGED),
          e.findings().stream().map(dev.safeload.Finding::reason).toList());
    } else {
      l.load(dir).close(); // a private copy: what the proof hashed is what was read
    }
  }
}
