package dev.safeload.verify;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.ModelRejectedException;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.VerifiedModel;
import dev.safeload.provenance.Sha256;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pins that carry shard digests (pin file version 3) beside the whole-file digest. */
class PinShardsTest {
  static final long MIB = 1 << 20;
  static final int SIZE = (int) (2 * MIB + 12345);
  @TempDir Path tmp;
  Path model;
  byte[] body;

  static Sha256 sha(byte[] b, int from, int to) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256", "SUN");
    md.update(b, from, to - from);
    return Sha256.of(md.digest());
  }

  static List<Sha256> shards(byte[] b, long size) throws Exception {
    List<Sha256> out = new ArrayList<>();
    for (long at = 0; at < b.length; at += size) {
      out.add(sha(b, (int) at, (int) Math.min(b.length, at + size)));
    }
    return out;
  }

  @BeforeEach
  void writeModel() throws Exception {
    model = Files.createDirectory(tmp.resolve("model"));
    body = new byte[SIZE];
    new Random(14).nextBytes(body);
    System.arraycopy("TOY!".getBytes(UTF_8), 0, body, 0, 4);
    Files.write(model.resolve("weights.toy"), body);
  }

  PinSet pins(List<Sha256> shardDigests, Sha256 whole) {
    return PinSet.builder()
        .source("test pins")
        .shardSize(MIB)
        .pin("weights.toy", SIZE, whole, shardDigests)
        .build();
  }

  Set<ReasonCode> rejection(PinSet pins) {
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class, () -> PinSetLoadTest.loader(pins).load(model).close());
    return e.findings().stream().map(Finding::reason).collect(Collectors.toSet());
  }

  @Test
  void acceptsAModelWhoseShardsAndDigestMatch() throws Exception {
    PinSet pins = pins(shards(body, MIB), sha(body, 0, SIZE));
    assertEquals(Set.of(MIB), pins.shardSizes());
    try (VerifiedModel m = PinSetLoadTest.loader(pins).load(model)) {
      assertEquals(1, m.proofs().size());
      assertEquals(Set.of("weights.toy"), m.proofs().get(0).fileNames());
    }
  }

  @Test
  void aChangedShardIsNamedWithItsRange() throws Exception {
    PinSet pins = pins(shards(body, MIB), sha(body, 0, SIZE));
    body[(int) MIB + 7] ^= 1; // in shard 1; same size
    Files.write(model.resolve("weights.toy"), body);
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class, () -> PinSetLoadTest.loader(pins).load(model).close());
    assertEquals(
        Set.of(VerifyReason.PIN_SHARD_MISMATCH, Reason.UNPROVEN_FILE),
        e.findings().stream().map(Finding::reason).collect(Collectors.toSet()));
    Finding f =
        e.findings().stream()
            .filter(x -> x.reason() == VerifyReason.PIN_SHARD_MISMATCH)
            .findFirst()
            .orElseThrow();
    assertEquals(MIB, f.offset());
    assertTrue(f.message().contains("shard 1 (bytes 1048576 to 2097152)"), f.message());
  }

  @Test
  void matchingShardsDoNotOverruleTheWholeFileDigest() throws Exception {
    assertEquals(
        Set.of(VerifyReason.PIN_DIGEST_MISMATCH, Reason.UNPROVEN_FILE),
        rejection(pins(shards(body, MIB), sha(body, 0, 10))));
  }

  @Test
  void aScanReportsTheShardMismatchToo() throws Exception {
    List<Sha256> wrong = new ArrayList<>(shards(body, MIB));
    wrong.set(2, sha(body, 0, 1));
    var report = PinSetLoadTest.loader(pins(wrong, sha(body, 0, SIZE))).scan(model);
    assertEquals(
        List.of(VerifyReason.PIN_SHARD_MISMATCH),
        report.files().get(0).findings().stream().map(Finding::reason).toList());
    assertEquals(2 * MIB, report.files().get(0).findings().get(0).offset());
  }

  @Test
  void writesVersion3AndReadsItBack() throws Exception {
    PinSet pins = pins(shards(body, MIB), sha(body, 0, SIZE));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    pins.writeJson(out);
    String json = out.toString(UTF_8);
    assertTrue(json.contains("\"version\" : 3"), json);
    assertTrue(json.contains("\"shard_size\" : 1048576"), json);
    PinSet back = PinSet.parse(out.toByteArray(), "back");
    assertEquals(pins.pins(), back.pins());
    assertEquals(MIB, back.shardSize());
    try (VerifiedModel m = PinSetLoadTest.loader(back).load(model)) {
      assertEquals(1, m.files().size());
    }
  }

  @Test
  void pinsWithoutShardsStayVersion1AndDeclareNoShardSize() throws Exception {
    PinSet pins = PinSet.builder().pin("weights.toy", SIZE, sha(body, 0, SIZE)).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    pins.writeJson(out);
    assertTrue(out.toString(UTF_8).contains("\"version\" : 1"));
    assertEquals(Set.of(), pins.shardSizes());
  }

  String file(int version, String shardSize, String entryExtra) throws Exception {
    return "{\"version\": "
        + version
        + shardSize
        + ", \"files\": [{\"path\": \"weights.toy\", \"size\": "
        + SIZE
        + ", \"sha256\": \""
        + sha(body, 0, SIZE).hex()
        + "\""
        + entryExtra
        + "}]}";
  }

  String shardList(int n) throws Exception {
    List<String> hex = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      hex.add("\"" + sha(body, 0, i + 1).hex() + "\"");
    }
    return ", \"shards\": [" + String.join(", ", hex) + "]";
  }

  @ParameterizedTest
  @ValueSource(strings = {"v2", "count", "small", "noSize", "noShardSize", "badHex", "v4"})
  void refusesMalformedShardPins(String what) throws Exception {
    String text =
        switch (what) {
          case "v2" -> file(2, ", \"shard_size\": 1048576", shardList(3));
          case "count" -> file(3, ", \"shard_size\": 1048576", shardList(2));
          case "small" -> file(3, ", \"shard_size\": 4096", "");
          case "noSize" ->
              "{\"version\": 3, \"shard_size\": 1048576, \"files\": [{\"path\": \"w.toy\", \"sha256\": \""
                  + sha(body, 0, 1).hex()
                  + "\""
                  + shardList(1)
                  + "}]}";
          case "noShardSize" -> file(3, "", shardList(3));
          case "badHex" ->
              file(3, ", \"shard_size\": 1048576", ", \"shards\": [\"abc\", \"abc\", \"abc\"]");
          default -> file(4, "", "");
        };
    assertThrows(PinFileException.class, () -> PinSet.parse(text.getBytes(UTF_8), "bad"));
  }

  @Test
  void acceptsAWellFormedVersion3File() throws Exception {
    PinSet p =
        PinSet.parse(file(3, ", \"shard_size\": 1048576", shardList(3)).getBytes(UTF_8), "ok");
    assertEquals(3, p.pins().get(0).shards().size());
  }

  @Test
  void theBuilderRefusesInconsistentShards() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> PinSet.builder().shardSize(4096));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            PinSet.builder()
                .pin("weights.toy", SIZE, sha(body, 0, SIZE), shards(body, MIB))
                .build()); // no shard size
    assertThrows(
        IllegalArgumentException.class,
        () ->
            PinSet.builder()
                .shardSize(MIB)
                .pin("weights.toy", SIZE, sha(body, 0, SIZE), shards(body, 2 * MIB))
                .build()); // wrong count
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new PinSet.Pin(
                "weights.toy", PinSet.UNKNOWN_SIZE, sha(body, 0, SIZE), shards(body, MIB)));
  }
}
