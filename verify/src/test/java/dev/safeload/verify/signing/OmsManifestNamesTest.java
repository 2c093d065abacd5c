package dev.safeload.verify.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.intoto.OmsManifest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * A {@code files} manifest may not list two names that are one file on a case-insensitive file
 * system, folded as pin files fold them.
 */
class OmsManifestNamesTest {
  /** An unsigned v1.0 statement listing {@code names}, with the root digest they imply. */
  private static byte[] statement(String... names) throws Exception {
    MessageDigest root = MessageDigest.getInstance("SHA-256");
    StringBuilder resources = new StringBuilder();
    for (int i = 0; i < names.length; i++) {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(new byte[] {(byte) i});
      root.update(d);
      resources
          .append(i == 0 ? "" : ",")
          .append("{\"name\":\"")
          .append(names[i])
          .append("\",\"algorithm\":\"sha256\",\"digest\":\"")
          .append(HexFormat.of().formatHex(d))
          .append("\"}");
    }
    String json =
        "{\"_type\":\""
            + OmsManifest.STATEMENT_V1
            + "\",\"subject\":[{\"name\":\"model\",\"digest\":{\"sha256\":\""
            + HexFormat.of().formatHex(root.digest())
            + "\"}}],\"predicateType\":\""
            + OmsManifest.PREDICATE_V1
            + "\",\"predicate\":{\"serialization\":{\"method\":\"files\",\"hash_type\":\"sha256\","
            + "\"allow_symlinks\":false,\"ignore_paths\":[]},\"resources\":["
            + resources
            + "]}}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void distinctNamesParse() throws Exception {
    assertEquals(2, OmsManifest.parse(statement("a.bin", "b.bin"), false).resources.size());
  }

  @Test
  void namesThatFoldAlikeAreRefused() throws Exception {
    // ASCII case; the long s (U+017F), which upper-cases to S; the Kelvin sign (U+212A), which
    // lower-cases to k. Lower-casing alone kept the last two apart.
    for (String[] pair :
        new String[][] {{"A.bin", "a.bin"}, {"\u017f.bin", "s.bin"}, {"\u212a.bin", "k.bin"}}) {
      SignatureVerificationException e =
          assertThrows(
              SignatureVerificationException.class,
              () -> OmsManifest.parse(statement(pair), false),
              pair[0]);
      assertEquals(VerifyReason.SIGNATURE_MANIFEST_INVALID, e.reason(), pair[0]);
      assertTrue(e.getMessage().contains("letter case"), e.getMessage());
    }
  }
}
