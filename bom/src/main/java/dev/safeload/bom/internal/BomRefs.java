package dev.safeload.bom.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The bom-refs of one BOM, each unique: a ref already given gets the next free {@code #n} suffix.
 * Each ref remembers the last suffix it was given, so n files of one digest (10,000 identical files
 * fit {@code loader.maxFiles}) cost about 2n set operations; trying {@code #2}, {@code #3}, ...
 * afresh for each cost n²/2 (50 million for 10,000 files).
 */
final class BomRefs {
  private final Set<String> given = new HashSet<>();
  private final Map<String, Integer> lastSuffix = new HashMap<>();
  private long attempts;

  /** {@code ref}, or {@code ref#n} with the smallest n above the last one given for it. */
  String unique(String ref) {
    attempts++;
    if (given.add(ref)) {
      return ref;
    }
    // A taken "ref#n" is tried by this ref alone (n is the part after the last '#') and at most
    // once, since the suffix only grows: the attempts stay linear in the refs given.
    int n = lastSuffix.getOrDefault(ref, 1);
    String r;
    do {
      n++;
      attempts++;
      r = ref + "#" + n;
    } while (!given.add(r));
    lastSuffix.put(ref, n);
    return r;
  }

  /** Set lookups so far, counted for the tests. */
  long attempts() {
    return attempts;
  }
}
