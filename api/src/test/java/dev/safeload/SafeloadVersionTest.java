package dev.safeload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SafeloadVersionTest {
  @Test
  void theBuildWritesThePomVersion() {
    // Surefire passes the pom's version (root pom); the resource must carry the same string.
    assertEquals(System.getProperty("safeload.expectedVersion"), SafeloadVersion.get());
  }
}
