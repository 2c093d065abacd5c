package dev.safeload.formats.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headers that declare huge sizes, counts and depths, validated in a separate JVM limited to a 64
 * MiB heap: each must end in its rejection, without OutOfMemoryError, stack overflow or hang.
 */
// Slow: a JVM of its own with a 64 MiB heap (the root pom: -Pquick skips the "slow" tag).
@Tag("slow")
class HostileHeadersTest {
  @TempDir Path dir;

  @Test
  void hostileHeadersAreRejectedWithinA64MiBHeap() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-Xmx64m",
                "-Xss512k",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                HostileHeaders.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    boolean finished = p.waitFor(180, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(finished, "the hostile run did not finish in 180 s:\n" + out);
    assertEquals(0, p.exitValue(), out);
    Map<String, String> verdicts = new LinkedHashMap<>();
    for (String line : out.split("\n")) {
      String[] parts = line.trim().split(" ");
      if (parts.length >= 2) {
        verdicts.put(parts[0], parts[1]);
      }
    }
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("st-length-near-cap-tiny-file", "SAFETENSORS_HEADER_LENGTH_INVALID");
    expected.put("st-length-2^64-1", "SAFETENSORS_HEADER_TOO_LARGE");
    expected.put("st-shape-2^62x4", "SAFETENSORS_SIZE_OVERFLOW");
    expected.put("st-offsets-2^60-1", "SAFETENSORS_DATA_TRUNCATED");
    expected.put("st-million-tensors", "SAFETENSORS_TOO_MANY_TENSORS");
    expected.put("st-deeply-nested-shape", "SAFETENSORS_SHAPE_INVALID");
    expected.put("st-deeply-nested-metadata", "SAFETENSORS_METADATA_INVALID");
    expected.put("st-48MB-escaped-name", "SAFETENSORS_NAME_INVALID");
    expected.put("st-48MB-metadata-value", "SAFETENSORS_METADATA_TOO_LARGE");
    expected.put("json-10M-nested-arrays", "JSON_LIMIT_EXCEEDED");
    expected.put("json-1.5M-keys", "JSON_LIMIT_EXCEEDED");
    expected.put("index-1M-entries", "JSON_LIMIT_EXCEEDED");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      assertEquals(e.getValue(), verdicts.get(e.getKey()), e.getKey() + " in:\n" + out);
    }
    assertTrue(List.of(out.split("\n")).contains("done"), out);
  }
}
