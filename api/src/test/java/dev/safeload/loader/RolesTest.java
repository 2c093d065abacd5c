package dev.safeload.loader;

import static dev.safeload.loader.Fixtures.loader;
import static dev.safeload.loader.Fixtures.unpinnedToyPolicy;
import static dev.safeload.loader.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.ModelDescription;
import dev.safeload.spi.SecondReader;
import dev.safeload.spi.ValidationContext;
import dev.safeload.toy.ToyHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file's role: its name, its content and the references to it must agree (design principle 3),
 * and names that one reader would confuse are refused. One rule, one code.
 */
class RolesTest {
  @TempDir Path dir;

  private static List<ReasonCode> codes(ScanReport r) {
    return r.findings().stream().map(Finding::reason).toList();
  }

  private static FileReport file(ScanReport r, String name) {
    return r.files().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void codeFilesAreRefusedByName() throws Exception {
    write(dir, "model.toy", ToyHandler.valid());
    write(dir, "modeling_custom.py", "import os\n".getBytes(StandardCharsets.UTF_8));
    ScanReport r = loader(unpinnedToyPolicy().build()).scan(dir);
    assertEquals(List.of(Reason.CODE_FILE), codes(r));
    assertEquals("modeling_custom.py", r.findings().get(0).file());
  }

  @Test
  void codeFilesCannotBeMadeOpaque() throws Exception {
    write(dir, "model.toy", ToyHandler.valid());
    write(dir, "setup.sh", "rm -rf /\n".getBytes(StandardCharsets.UTF_8));
    ScanReport r = loader(unpinnedToyPolicy().opaqueFiles("*").build()).scan(dir);
    assertEquals(List.of(Reason.CODE_FILE), codes(r));
  }

  @Test
  void namesThatDifferOnlyInCaseCollide() throws Exception {
    write(dir, "Model.toy", ToyHandler.valid());
    write(dir, "model.toy", ToyHandler.valid());
    ScanReport r = loader(unpinnedToyPolicy().build()).scan(dir);
    assertEquals(List.of(Reason.FILE_NAME_COLLISION, Reason.FILE_NAME_COLLISION), codes(r));
    assertTrue(r.files().isEmpty(), "neither colliding file is served");
  }

  @Test
  void namesThatDifferOnlyInUnicodeFormCollide() throws Exception {
    write(dir, "caf\u00e9.toy", ToyHandler.valid()); // precomposed
    write(dir, "cafe\u0301.toy", ToyHandler.valid()); // decomposed
    ScanReport r = loader(unpinnedToyPolicy().build()).scan(dir);
    assertEquals(List.of(Reason.FILE_NAME_COLLISION, Reason.FILE_NAME_COLLISION), codes(r));
  }

  @Test
  void namesWithUndecodableBytesAreNeverServedOrMerged() throws Exception {
    // \xfe and \xff are never valid UTF-8: the JVM decodes both names to one string.
    write(dir, "model.toy", ToyHandler.valid());
    Process p =
        new ProcessBuilder(
                "sh",
                "-c",
                "printf x > \"$(printf '\\376_optim_states.toy')\" && printf y > \"$(printf '\\377_optim_states.toy')\"")
            .directory(dir.toFile())
            .inheritIO()
            .start();
    assertEquals(0, p.waitFor());
    ScanReport r = loader(unpinnedToyPolicy().build()).scan(dir);
    assertFalse(r.accepted());
    List<ReasonCode> c = codes(r);
    // UTF-8 platforms decode the bytes to U+FFFD (refused as undecodable); others to '?' (a
    // collision).
    Reason expected =
        "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"))
            ? Reason.FILE_NAME_INVALID
            : Reason.FILE_NAME_COLLISION;
    assertEquals(List.of(expected, expected), c);
    assertEquals(List.of("model.toy"), r.files().stream().map(FileReport::name).toList());
  }

  @Test
  void opaqueFilesAreServedWithoutAFormatClaim() throws Exception {
    write(dir, "model.toy", ToyHandler.valid());
    write(dir, "README.md", "[![badge]] a model card\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(
        List.of(Reason.UNKNOWN_FORMAT), codes(loader(unpinnedToyPolicy().build()).scan(dir)));
    SafeModelLoader l = loader(unpinnedToyPolicy().opaqueFiles("*.md").build());
    ScanReport r = l.scan(dir);
    assertTrue(r.accepted(), r.findings().toString());
    assertEquals("opaque", file(r, "README.md").format());
    try (VerifiedModel m = l.load(dir)) {
      assertEquals("opaque", m.file("README.md").format());
    }
  }

  @Test
  void aNameThatImpliesAFormatIsNeverOpaque() throws Exception {
    write(dir, "model.toy", ToyHandler.valid());
    write(dir, "extra.pkl", "not a pickle".getBytes(StandardCharsets.UTF_8));
    ScanReport r = loader(unpinnedToyPolicy().opaqueFiles("*").build()).scan(dir);
    assertEquals(List.of(Reason.UNKNOWN_FORMAT), codes(r));
  }

  @Test
  void opaqueContentThatIsAFormatIsAMismatch() throws Exception {
    write(dir, "NOTES.md", ToyHandler.valid());
    ScanReport r = loader(unpinnedToyPolicy().opaqueFiles("*.md").build()).scan(dir);
    assertEquals(List.of(Reason.EXTENSION_MISMATCH), codes(r));
  }

  @Test
  void ignoredFilesAreListedAndUnanchoredPatternsMatchAtAnyDepth() throws Exception {
    write(dir, "model.toy", ToyHandler.valid());
    write(dir, "README.md", "x".getBytes(StandardCharsets.UTF_8));
    write(dir, "docs/USAGE.md", "y".getBytes(StandardCharsets.UTF_8));
    ScanReport r = loader(unpinnedToyPolicy().ignoreFiles("*.md").build()).scan(dir);
    assertTrue(r.accepted(), r.findings().toString());
    assertEquals(List.of("README.md", "docs/USAGE.md"), r.ignoredFiles());
    assertEquals(List.of("model.toy"), r.files().stream().map(FileReport::name).toList());
  }

  @Test
  void anInvalidPatternIsRefusedWhenThePolicyIsBuilt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LoadPolicy.strict().toBuilder().ignoreFiles("[a-"));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  /**
   * A second reader that opens every file whose bytes start with "TOY1": a stand-in for tar or zip.
   */
  static final class EveryToy implements SecondReader {
    @Override
    public String id() {
      return "every-toy";
    }

    @Override
    public Set<String> formats() {
      return Set.of("other");
    }

    @Override
    public @Nullable String opens(ModelBytes bytes) {
      return bytes.size() >= 4 && bytes.get(0) == 'T' ? "a toy at offset 0" : null;
    }
  }

  @Test
  void aFileAnotherReaderWouldOpenIsAPolyglot() throws Exception {
    Path f = write(dir, "model.toy", ToyHandler.valid());
    SafeModelLoader l =
        SafeModelLoader.builder()
            .policy(unpinnedToyPolicy().build())
            .handler(new ToyHandler())
            .secondReader(new EveryToy())
            .build();
    assertEquals(List.of(Reason.POLYGLOT), codes(l.scan(f)));
  }

  /** A toy handler whose validation fails with an Error, as an allocation beyond the heap would. */
  static final class ExhaustedToy extends ToyHandler {
    @Override
    public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
      throw new OutOfMemoryError("Java heap space");
    }
  }

  @Test
  void anErrorInAHandlerEndsInAReportWithAReason() throws Exception {
    Path f = write(dir, "model.toy", ToyHandler.valid());
    SafeModelLoader l =
        SafeModelLoader.builder()
            .policy(unpinnedToyPolicy().build())
            .discoverHandlers(false)
            .handler(new ExhaustedToy())
            .build();
    assertEquals(List.of(Reason.RESOURCE_EXHAUSTED), codes(l.scan(f)));
  }

  /**
   * Rewrites the file it validates in place — same size, modification time restored — as a
   * concurrent writer would between the hash and the verdict of a scan.
   */
  static final class RewritingToy extends ToyHandler {
    @Override
    public ModelDescription validate(ModelBytes bytes, ValidationContext context) {
      ModelDescription d = super.validate(bytes, context);
      try {
        Path p = Path.of(context.fileName()).isAbsolute() ? Path.of(context.fileName()) : target;
        FileTime mtime = Files.getLastModifiedTime(p);
        Thread.sleep(20); // let the clock move, so the change time differs
        Files.write(p, "TOY1NO".getBytes(StandardCharsets.US_ASCII));
        Files.setLastModifiedTime(p, mtime);
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return d;
    }

    static Path target;
  }

  @Test
  void aScanVerdictIsAboutTheBytesThatWereHashed() throws Exception {
    Path f = write(dir, "model.toy", ToyHandler.valid());
    RewritingToy.target = f;
    SafeModelLoader l =
        SafeModelLoader.builder()
            .policy(unpinnedToyPolicy().build())
            .discoverHandlers(false)
            .handler(new RewritingToy())
            .build();
    ScanReport r = l.scan(f);
    assertEquals(List.of(Reason.SOURCE_CHANGED), codes(r));
  }
}
