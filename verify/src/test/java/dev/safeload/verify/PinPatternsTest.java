package dev.safeload.verify;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.Sha256;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pin file version 2: recorded ignore and opaque patterns, and how ignored or unreadable pinned
 * files are judged.
 */
class PinPatternsTest {
  static final String A = PinFileTest.A;
  static final String B = PinFileTest.B;

  static PinSet parse(String text) throws PinFileException {
    return PinSet.parse(text.getBytes(UTF_8), "test.pins.json");
  }

  static String refuse(String text) {
    return assertThrows(PinFileException.class, () -> parse(text)).getMessage();
  }

  @Test
  void readsVersion2Patterns() throws Exception {
    PinSet pins =
        parse(
            """
        {"version": 2, "ignore": ["*.md", ".gitattributes"], "opaque": ["LICENSE"],
         "files": [{"path": "model.safetensors", "size": 1, "sha256": "%s"}]}
        """
                .formatted(A));
    assertEquals(List.of("*.md", ".gitattributes"), List.copyOf(pins.ignoredFiles()));
    assertEquals(Set.of("LICENSE"), pins.opaqueFiles());
    assertEquals(1, pins.pins().size());
  }

  /** Old files keep loading: version 1 has no patterns, and the verifier records none. */
  @Test
  void version1FilesStillLoad() throws Exception {
    PinSet pins =
        parse("{\"version\": 1, \"files\": [{\"path\": \"m\", \"sha256\": \"" + A + "\"}]}");
    assertEquals(Set.of(), pins.ignoredFiles());
    assertEquals(Set.of(), pins.opaqueFiles());
    PinSet sums = parse(A + "  m\n");
    assertEquals(Set.of(), sums.ignoredFiles());
  }

  @Test
  void writesVersion1WithoutPatternsAndVersion2WithThem() throws Exception {
    PinSet plain = PinSet.builder().pin("m", 1, Sha256.ofHex(A)).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    plain.writeJson(out);
    assertTrue(out.toString(UTF_8).contains("\"version\" : 1"), out.toString(UTF_8));
    assertTrue(!out.toString(UTF_8).contains("ignore"), out.toString(UTF_8));

    PinSet withPatterns =
        PinSet.builder()
            .pin("m", 1, Sha256.ofHex(A))
            .pin("LICENSE", 3, Sha256.ofHex(B))
            .ignoreFiles("*.md", "docs/")
            .opaqueFiles("LICENSE")
            .build();
    out.reset();
    withPatterns.writeJson(out);
    String json = out.toString(UTF_8);
    assertTrue(json.contains("\"version\" : 2"), json);
    assertTrue(
        json.indexOf("\"ignore\"") < json.indexOf("\"files\""), "patterns come before the files");
    PinSet back = PinSet.parse(out.toByteArray(), "x");
    assertEquals(List.of("*.md", "docs/"), List.copyOf(back.ignoredFiles()));
    assertEquals(List.of("LICENSE"), List.copyOf(back.opaqueFiles()));
    assertEquals(withPatterns.pins(), back.pins());
  }

  @Test
  void refusesPatternsInAVersion1File() {
    assertTrue(
        refuse(
                "{\"version\": 1, \"ignore\": [\"*.md\"], \"files\": [{\"path\": \"m\", \"sha256\": \""
                    + A
                    + "\"}]}")
            .contains("needs \"version\": 2"));
  }

  @Test
  void refusesInvalidRepeatedOrMistypedPatterns() {
    String files = ", \"files\": [{\"path\": \"m\", \"sha256\": \"" + A + "\"}]}";
    assertTrue(refuse("{\"version\": 2, \"ignore\": [\"!keep.md\"]" + files).contains("negated"));
    assertTrue(refuse("{\"version\": 2, \"opaque\": [\"[a-\"]" + files).contains("opaque"));
    assertTrue(
        refuse("{\"version\": 2, \"ignore\": [\"*.md\", \"*.md\"]" + files).contains("twice"));
    assertTrue(refuse("{\"version\": 2, \"ignore\": \"*.md\"" + files).contains("array"));
    assertTrue(refuse("{\"version\": 2, \"ignore\": [1]" + files).contains("string"));
    assertTrue(refuse("{\"version\": 4" + files).contains("unsupported version"));
  }

  @Test
  void builderRefusesInvalidPatterns() {
    assertThrows(IllegalArgumentException.class, () -> PinSet.builder().ignoreFiles("!x"));
    assertThrows(IllegalArgumentException.class, () -> PinSet.builder().opaqueFiles(""));
  }

  // ------------------------------------------------------------------------------- verification

  static DigestedModel model(
      List<DigestedFile> served, List<String> ignored, List<String> unreadable) {
    return new DigestedModel() {
      @Override
      public boolean isDirectory() {
        return true;
      }

      @Override
      public List<DigestedFile> files() {
        return served;
      }

      @Override
      public List<String> ignoredFiles() {
        return ignored;
      }

      @Override
      public List<String> unservedFiles() {
        return unreadable;
      }

      @Override
      public Optional<DigestedFile> file(String name) {
        return served.stream().filter(f -> f.name().equals(name)).findFirst();
      }

      @Override
      public Optional<ByteBuffer> sideFile(String name) {
        return Optional.empty();
      }
    };
  }

  static final PinSet PINS =
      PinSet.builder()
          .source("snap.pins.json")
          .pin("model.bin", 5, Sha256.ofHex(A))
          .pin("README.md", 3, Sha256.ofHex(B))
          .build();
  static final List<DigestedFile> SERVED =
      List.of(new DigestedFile("model.bin", 5, Sha256.ofHex(A)));

  @Test
  void pinnedFilePresentButIgnoredIsNotMissing() {
    ProvenanceResult r = PINS.verify(model(SERVED, List.of("README.md"), List.of()));
    assertEquals(List.of(), r.findings());
    assertEquals(Set.of("model.bin"), r.proven());
    assertEquals(
        "README.md", r.proofs().get(0).attribute(dev.safeload.provenance.Proof.IGNORED_FILES));
  }

  @Test
  void pinnedFileAbsentIsMissingAndSaysAbsent() {
    ProvenanceResult r = PINS.verify(model(SERVED, List.of(), List.of()));
    assertEquals(1, r.findings().size());
    Finding f = r.findings().get(0);
    assertEquals(VerifyReason.PIN_FILE_MISSING, f.reason());
    assertTrue(f.message().endsWith("which is absent from the model"), f.message());
    assertTrue(!f.message().contains("unreadable"), f.message());
  }

  /** An unreadable pinned file carries the loader's IO_ERROR; the pins do not call it missing. */
  @Test
  void pinnedFileUnreadableIsLeftToTheLoadersIoError() {
    ProvenanceResult r = PINS.verify(model(SERVED, List.of(), List.of("README.md")));
    assertEquals(List.of(), r.findings());
  }
}
