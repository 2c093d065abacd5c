package dev.safeload.junit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.platform.commons.PreconditionViolationException;

class JUnitVersionTest {
  @Test
  void olderThanTheMinimumFailsNamingIt() {
    PreconditionViolationException e =
        assertThrows(PreconditionViolationException.class, () -> JUnitVersion.require("5.9.3"));
    assertEquals(
        "safeload-junit needs JUnit Jupiter 5.10 or later, but the test class path has 5.9.3; upgrade"
            + " junit-jupiter (or import junit-bom 5.10.0 or later)",
        e.getMessage());
    assertThrows(PreconditionViolationException.class, () -> JUnitVersion.require("4.13"));
  }

  @Test
  void theMinimumAndLaterPass() {
    for (String v : new String[] {"5.10.0", "5.10.2", "5.14.1", "6.0.0-M1", "6.1.3", "unknown"}) {
      JUnitVersion.require(v);
    }
    JUnitVersion.require(null);
    JUnitVersion.require(); // the JUnit this build runs on
  }
}
