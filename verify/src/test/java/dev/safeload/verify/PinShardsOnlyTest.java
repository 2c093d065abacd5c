package dev.safeload.verify;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.ModelRejectedException;
import dev.safeload.Reason;
import dev.safeload.VerifiedModel;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.Sha256;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins of shard digests alone (pin file version 3 entries without {@code sha256}): the file is
 * proven range by range and no whole-file digest is computed or claimed.
 */
class PinShardsOnlyTest {
  static final long MIB = PinShardsTest.MIB;
  static final int SIZE = PinShardsTest.SIZE;
  @TempDir Path tmp;
  Path model;
  byte[] body;

  @BeforeEach
  void writeModel() throws Exception {
    model = Files.createDirectory(tmp.resolve("model"));
    body = new byte[SIZE];
    new java.util.Random(14).nextBytes(body);
    System.arraycopy("TOY!".getBytes(UTF_8), 0, body, 0, 4);
    Files.write(model.resolve("weights.toy"), body);
  }

  PinSet pins(List<Sha256> shards) {
    return PinSet.builder()
        .source("test pins")
        .shardSize(MIB)
        .pinShards("weights.toy", SIZE, shards)
        .build();
  }

  @Test
  void acceptsMatchingShardsWithoutAWholeFileDigest() throws Exception {
    PinSet pins = pins(PinShardsTest.shards(body, MIB));
    assertFalse(pins.needsSha256("weights.toy"));
    assertTrue(pins.needsSha256("other.toy"), "an unpinned file is reported with its digest");
    try (VerifiedModel m = PinSetLoadTest.loader(pins).load(model)) {
      VerifiedModel.VerifiedFile f = m.file("weights.toy");
      assertNull(f.sha256());
      assertEquals(PinShardsTest.shards(body, MIB), f.shards().get(MIB));
      assertEquals(Set.of("weights.toy"), m.proofs().get(0).fileNames());
      assertNull(m.proofs().get(0).files().get(0).sha256(), "the proof claims no whole digest");
    }
  }

  @Test
  void aChangedShardIsRefusedWithItsOffset() throws Exception {
    PinSet pins = pins(PinShardsTest.shards(body, MIB));
    body[(int) (2 * MIB) + 1] ^= 1;
    Files.write(model.resolve("weights.toy"), body);
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class, () -> PinSetLoadTest.loader(pins).load(model).close());
    assertEquals(
        Set.of(VerifyReason.PIN_SHARD_MISMATCH, Reason.UNPROVEN_FILE),
        e.findings().stream().map(Finding::reason).collect(Collectors.toSet()));
    assertEquals(
        2 * MIB,
        e.findings().stream()
            .filter(x -> x.reason() == VerifyReason.PIN_SHARD_MISMATCH)
            .findFirst()
            .orElseThrow()
            .offset());
  }

  @Test
  void aDifferentSizeIsASizeMismatch() throws Exception {
    Files.write(model.resolve("weights.toy"), java.util.Arrays.copyOf(body, SIZE + 1));
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class,
            () -> PinSetLoadTest.loader(pins(PinShardsTest.shards(body, MIB))).load(model).close());
    assertTrue(
        e.findings().stream().anyMatch(x -> x.reason() == VerifyReason.PIN_SIZE_MISMATCH),
        e.findings().toString());
  }

  @Test
  void shardsThatCannotBeComparedAreAnErrorNeverAPass() {
    PinSet pins = pins(List.of(sha(0), sha(1), sha(2)));
    DigestedModel noShards =
        new DigestedModel() {
          final DigestedFile f =
              new DigestedFile("weights.toy", SIZE, sha(9), Map.of()); // no shards, no ranges

          @Override
          public boolean isDirectory() {
            return false;
          }

          @Override
          public List<DigestedFile> files() {
            return List.of(f);
          }

          @Override
          public Optional<DigestedFile> file(String name) {
            return name.equals(f.name()) ? Optional.of(f) : Optional.empty();
          }

          @Override
          public Optional<ByteBuffer> sideFile(String name) {
            return Optional.empty();
          }
        };
    assertThrows(IllegalStateException.class, () -> pins.verify(noShards));
  }

  @Test
  void writesEntriesWithoutSha256AndReadsThemBack() throws Exception {
    PinSet pins = pins(PinShardsTest.shards(body, MIB));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    pins.writeJson(out);
    String json = out.toString(UTF_8);
    assertTrue(json.contains("\"version\" : 3"), json);
    assertFalse(json.contains("\"sha256\""), json);
    PinSet back = PinSet.parse(out.toByteArray(), "back");
    assertNull(back.pin("weights.toy").orElseThrow().sha256());
    assertEquals(PinShardsTest.shards(body, MIB), back.pin("weights.toy").orElseThrow().shards());
  }

  @Test
  void refusesEntriesWithNeitherDigestNorShardsAndShardsOnlyOutsideVersion3() {
    String h = "a".repeat(64);
    for (String bad :
        List.of(
            "{\"version\": 3, \"shard_size\": 1048576, \"files\": [{\"path\": \"a\", \"size\": 1}]}",
            "{\"version\": 3, \"shard_size\": 1048576, \"files\": [{\"path\": \"a\", \"shards\":"
                + " [\""
                + h
                + "\"]}]}",
            "{\"version\": 2, \"files\": [{\"path\": \"a\", \"size\": 1, \"shards\": [\""
                + h
                + "\"]}]}",
            "{\"version\": 3, \"files\": [{\"path\": \"a\", \"size\": 1, \"shards\": [\""
                + h
                + "\"]}]}")) {
      assertThrows(PinFileException.class, () -> PinSet.parse(bad.getBytes(UTF_8), "t"), bad);
    }
  }

  @Test
  void anEmptyFileIsPinnedByItsSizeAlone() throws Exception {
    String json =
        "{\"version\": 3, \"shard_size\": 1048576,"
            + " \"files\": [{\"path\": \"a\", \"size\": 0, \"shards\": []}]}";
    PinSet p = PinSet.parse(json.getBytes(UTF_8), "t");
    assertTrue(p.pin("a").orElseThrow().shardsOnly());
  }

  static Sha256 sha(int seed) {
    byte[] b = new byte[32];
    b[0] = (byte) seed;
    return Sha256.of(b);
  }
}
