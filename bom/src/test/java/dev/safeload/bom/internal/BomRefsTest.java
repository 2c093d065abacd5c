package dev.safeload.bom.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bom-refs stay unique at a cost linear in the refs: a model of 10,000 identical files (within
 * loader.maxFiles) gives 10,000 files one digest ref, and trying #2, #3, ... afresh for each took
 * 50 million set operations.
 */
class BomRefsTest {

  @Test
  void manyFilesOfOneDigestCostLinearWork() {
    BomRefs refs = new BomRefs();
    int n = 10_000;
    String last = "";
    for (int i = 0; i < n; i++) {
      last = refs.unique("file:sha256:e3b0");
    }
    assertEquals("file:sha256:e3b0#" + n, last);
    assertTrue(refs.attempts() <= 2L * n, () -> refs.attempts() + " set operations for " + n);
  }

  @Test
  void aSuffixAlreadyTakenIsSkipped() {
    BomRefs refs = new BomRefs();
    List<String> got =
        List.of(
            refs.unique("x"),
            refs.unique("x#3"),
            refs.unique("x"),
            refs.unique("x"),
            refs.unique("x#3"),
            refs.unique("x"));
    assertEquals(List.of("x", "x#3", "x#2", "x#4", "x#3#2", "x#5"), got);
  }
}
