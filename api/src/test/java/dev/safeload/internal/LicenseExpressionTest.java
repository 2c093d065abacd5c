package dev.safeload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.LoadPolicy;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The SPDX expression reader and the allowlist rule of {@link LoadPolicy.Builder#allowLicenses}.
 */
class LicenseExpressionTest {
  private static boolean allowed(String declared, String... allow) {
    Set<String> canon =
        Stream.of(allow)
            .map(a -> LicenseExpression.parse(a).canonical())
            .collect(Collectors.toSet());
    LicenseExpression.Node n = LicenseExpression.parse(declared);
    assertNotNull(n, declared);
    return LicenseExpression.allowed(n, canon);
  }

  @Test
  void readsSpdxExpressions() {
    assertEquals("mit", LicenseExpression.parse("MIT").canonical());
    assertEquals("mit OR apache-2.0", LicenseExpression.parse(" MIT  OR Apache-2.0 ").canonical());
    assertEquals(
        "gpl-2.0+ WITH classpath-exception-2.0",
        LicenseExpression.parse("GPL-2.0+ WITH Classpath-exception-2.0").canonical());
    assertEquals(
        "(mit OR bsd-3-clause) AND licenseref-x",
        LicenseExpression.parse("(MIT OR BSD-3-Clause) AND LicenseRef-x").canonical());
    assertNotNull(LicenseExpression.parse("DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2"));
  }

  @Test
  void refusesWhatIsNotAnExpression() {
    for (String s :
        new String[] {
          "",
          "  ",
          "MIT, Apache-2.0",
          "MIT and Apache-2.0",
          "MIT OR",
          "(MIT",
          "MIT)",
          "AND",
          "MIT WITH",
          "other",
          "NOASSERTION",
          "MIT OR none",
          "unknown",
          "MIT/Apache"
        }) {
      assertNull(LicenseExpression.parse(s), s);
    }
    assertNull(LicenseExpression.parse("M".repeat(LicenseExpression.MAX_CHARS + 1)));
    assertNull(
        LicenseExpression.parse(
            "(".repeat(LicenseExpression.MAX_DEPTH + 1)
                + "MIT"
                + ")".repeat(LicenseExpression.MAX_DEPTH + 1)));
    assertNotNull(
        LicenseExpression.parse(
            "(".repeat(LicenseExpression.MAX_DEPTH)
                + "MIT"
                + ")".repeat(LicenseExpression.MAX_DEPTH)));
  }

  @Test
  void allowlistRule() {
    assertTrue(allowed("apache-2.0", "Apache-2.0"));
    assertTrue(allowed("MIT OR GPL-3.0-only", "MIT"));
    assertFalse(allowed("MIT AND GPL-3.0-only", "MIT"));
    assertTrue(allowed("MIT AND GPL-3.0-only", "MIT", "GPL-3.0-only"));
    assertTrue(allowed("MIT AND GPL-3.0-only", "MIT AND GPL-3.0-only"));
    assertFalse(allowed("GPL-2.0 WITH Classpath-exception-2.0", "GPL-2.0"));
    assertTrue(
        allowed("GPL-2.0 WITH Classpath-exception-2.0", "GPL-2.0 WITH Classpath-exception-2.0"));
    assertFalse(allowed("GPL-2.0+", "GPL-2.0"));
  }

  @Test
  void policyRefusesABadEntry() {
    assertThrows(
        IllegalArgumentException.class,
        () -> LoadPolicy.strict().toBuilder().allowLicenses("MIT,"));
    LoadPolicy p =
        LoadPolicy.strict().toBuilder().allowLicenses("MIT").allowLicenses(" Apache-2.0").build();
    assertTrue(p.checksLicenses());
    assertEquals(java.util.List.of("MIT", "Apache-2.0"), p.allowedLicenses());
    assertEquals(p.allowedLicenses(), p.toBuilder().build().allowedLicenses());
    assertFalse(LoadPolicy.strict().checksLicenses());
  }
}
