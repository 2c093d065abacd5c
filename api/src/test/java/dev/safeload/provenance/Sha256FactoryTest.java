package dev.safeload.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one SHA-256 factory every module uses: the JDK's SUN provider, a fresh digest per call. */
class Sha256FactoryTest {
  @Test
  void theDigestComesFromSunAndIsFreshEachTime() {
    assertEquals("SUN", Sha256.newMessageDigest().getProvider().getName());
    assertEquals("SHA-256", Sha256.newMessageDigest().getAlgorithm());
    assertNotSame(Sha256.newMessageDigest(), Sha256.newMessageDigest());
  }

  @Test
  void hashIsSha256() {
    // FIPS 180-2 appendix B.1: SHA-256("abc").
    assertEquals(
        Sha256.ofHex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        Sha256.hash("abc".getBytes(StandardCharsets.US_ASCII)));
  }
}
