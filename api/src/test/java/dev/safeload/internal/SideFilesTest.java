package dev.safeload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verifiers' side files: read whole, bounded, never through a link. */
class SideFilesTest {
  @TempDir Path dir;
  final Map<String, ByteBuffer> read = new TreeMap<>();
  final List<Finding> findings = new ArrayList<>();
  final SideFiles side = new SideFiles(false, read, findings);

  @Test
  void aSideFileIsReadWhole() throws IOException {
    Files.writeString(dir.resolve("model.sig"), "bundle");
    side.read("model.sig", dir.resolve("model.sig"));
    assertEquals("bundle", StandardCharsets.US_ASCII.decode(read.get("model.sig")).toString());
    assertTrue(read.get("model.sig").isReadOnly());
    assertEquals(List.of(), findings);
    assertTrue(side.forget("model.sig"));
    assertEquals(Map.of(), read);
  }

  @Test
  void aLinkIsRefused() throws IOException {
    Files.writeString(dir.resolve("real"), "bundle");
    Files.createSymbolicLink(dir.resolve("model.sig"), dir.resolve("real"));
    side.read("model.sig", dir.resolve("model.sig"));
    assertEquals(List.of(Reason.SYMLINK), codes());
  }

  @Test
  void aDirectoryIsNotARegularFile() throws IOException {
    Files.createDirectory(dir.resolve("model.sig"));
    side.read("model.sig", dir.resolve("model.sig"));
    assertEquals(List.of(Reason.NOT_REGULAR_FILE), codes());
  }

  @Test
  void aSideFileOverTheLimitIsNotRead() throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("model.sig").toFile(), "rw")) {
      f.setLength(SideFiles.MAX_SIDE_FILE_BYTES + 1); // sparse: nothing is written
    }
    side.read("model.sig", dir.resolve("model.sig"));
    assertEquals(List.of(Reason.FILE_TOO_LARGE), codes());
    assertEquals(Map.of(), read);
  }

  @Test
  void aModelThatIsOneFileFindsItsSideFilesBesideIt() throws IOException {
    Files.writeString(dir.resolve("w.bin"), "weights");
    Files.writeString(dir.resolve("model.sig"), "bundle");
    side.besides(dir.resolve("w.bin"), Set.of("model.sig", "absent.sig", "w.bin", "../escape.sig"));
    assertEquals(Set.of("model.sig"), read.keySet());
    assertEquals(List.of(), findings);
  }

  private List<ReasonCode> codes() {
    return findings.stream().map(Finding::reason).toList();
  }
}
