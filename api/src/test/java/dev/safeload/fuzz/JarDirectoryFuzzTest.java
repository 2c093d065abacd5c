package dev.safeload.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.safeload.internal.JarDirectoryFuzzing;

/**
 * The class-path source's jar listing: any bytes either list or end in a refusal with a message;
 * nothing else escapes, and no listing holds more entries than the bytes could describe.
 */
class JarDirectoryFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void listsOrRefuses(byte[] input) {
    JarDirectoryFuzzing.listOrRefuse(input);
  }
}
