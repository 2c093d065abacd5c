package dev.safeload.verify.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.testing.SharedVectors;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.intoto.OmsManifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The reference's unsigned statement goldens ({@code payloads/signing/TestPayload}): every manifest
 * parses with a consistent root digest, except empty manifests, which we reject on purpose (an
 * empty manifest with broad ignores would validate any directory).
 */
class OmsPayloadGoldenTest {
  static Path payloads() {
    return SharedVectors.dir("oms/model-transparency/payloads/signing/TestPayload");
  }

  @TestFactory
  Stream<DynamicTest> everyPayloadGolden() throws Exception {
    List<Path> all;
    try (Stream<Path> s = Files.list(payloads())) {
      all = s.sorted().toList();
    }
    assertTrue(all.size() >= 21, "expected the 21 payload goldens");
    return all.stream()
        .map(
            p ->
                DynamicTest.dynamicTest(
                    p.getFileName().toString(),
                    () -> {
                      byte[] b = Files.readAllBytes(p);
                      boolean empty =
                          new String(b, StandardCharsets.UTF_8)
                              .replaceAll("\\s", "")
                              .contains("\"resources\":[]");
                      if (empty) {
                        SignatureVerificationException e =
                            assertThrows(
                                SignatureVerificationException.class,
                                () -> OmsManifest.parse(b, false));
                        assertEquals(VerifyReason.SIGNATURE_MANIFEST_INVALID, e.reason());
                      } else {
                        OmsManifest m = OmsManifest.parse(b, false);
                        assertTrue(!m.resources.isEmpty());
                        boolean shards = p.getFileName().toString().contains("shard");
                        assertEquals(shards ? "shards" : "files", m.method);
                        if (p.getFileName().toString().endsWith("_small_shards")) {
                          assertEquals(8, m.shardSize); // written as the float 8.0
                        }
                      }
                    }));
  }

  @Test
  void sampleModelFileMatchesTheFixtureText() throws Exception {
    OmsManifest m =
        OmsManifest.parse(Files.readAllBytes(payloads().resolve("sample_model_file")), false);
    assertTrue(m.singleFile());
    // tests/conftest.py: KNOWN_MODEL_TEXT = b"This is a simple model"
    assertEquals(
        Vectors.sha256("This is a simple model".getBytes(StandardCharsets.UTF_8)).hex(),
        HexFormat.of().formatHex(m.resources.get(0).digest()));
  }

  @Test
  void filesAndOneGigabyteShardsShareTheRootButNotTheSerialization() throws Exception {
    OmsManifest files =
        OmsManifest.parse(Files.readAllBytes(payloads().resolve("sample_model_folder")), false);
    OmsManifest shards =
        OmsManifest.parse(
            Files.readAllBytes(payloads().resolve("sample_model_folder_shard")), false);
    assertTrue(java.util.Arrays.equals(files.root, shards.root));
    assertEquals(1_000_000_000L, shards.shardSize);
  }
}
