package dev.safeload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.FileGlob;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stage 1 on its own: which files make up the model, without reading any model file. */
class ModelWalkTest {
  @TempDir Path dir;

  static ModelWalk walk(LoadPolicy policy, String... ignore) {
    return new ModelWalk(
        policy, Set.of("model.sig"), java.util.Arrays.stream(ignore).map(FileGlob::of).toList());
  }

  @Test
  void aDirectorysFilesAreListedInNameOrderWithSideFilesApart() throws IOException {
    write("b.bin", "sub/a.bin", "model.sig");
    ModelWalk.Result r = walk(LoadPolicy.strict()).walk(dir);
    assertTrue(r.directory());
    assertEquals(List.of("b.bin", "sub/a.bin"), names(r));
    assertEquals(Set.of("model.sig"), r.sideFiles().keySet());
    assertEquals(List.of(), r.findings());
  }

  @Test
  void ignoredFilesAndDirectoriesAreLeftOutButSideFilesAreStillRead() throws IOException {
    write("w.bin", "README.md", "docs/a.bin", "model.sig");
    ModelWalk.Result r = walk(LoadPolicy.strict(), "*.md", "docs/", "*.sig").walk(dir);
    assertEquals(List.of("w.bin"), names(r));
    assertEquals(List.of("README.md", "docs/a.bin"), r.ignored());
    assertEquals(Set.of("model.sig"), r.sideFiles().keySet());
  }

  /**
   * An ignored folder's files are listed by name (a pin or signature that lists one must find it
   * ignored, not missing) and never judged: a link or a name no loader could be served under inside
   * it is no finding.
   */
  @Test
  void anIgnoredFoldersFilesAreListedAndNeverJudged() throws IOException {
    write("w.bin", "coreml/pkg/Manifest.json", "coreml/pkg/Data/weight.bin", "coreml/a\\b.bin");
    Files.createSymbolicLink(dir.resolve("coreml/link.bin"), dir.resolve("w.bin"));
    ModelWalk.Result r = walk(LoadPolicy.strict(), "coreml/").walk(dir);
    assertEquals(List.of("w.bin"), names(r));
    assertEquals(
        List.of("coreml/link.bin", "coreml/pkg/Data/weight.bin", "coreml/pkg/Manifest.json"),
        r.ignored());
    assertEquals(List.of(), r.findings());
  }

  @Test
  void bothNamesOfACollisionAreRefused() throws IOException {
    write("Model.bin", "model.bin", "other.bin");
    ModelWalk.Result r = walk(LoadPolicy.strict()).walk(dir);
    assertEquals(List.of("other.bin"), names(r));
    assertEquals(List.of(Reason.FILE_NAME_COLLISION, Reason.FILE_NAME_COLLISION), codes(r));
  }

  @Test
  void aLinkInsideTheModelIsRefused() throws IOException {
    write("w.bin");
    Files.createSymbolicLink(dir.resolve("link.bin"), dir.resolve("w.bin"));
    ModelWalk.Result r = walk(LoadPolicy.strict()).walk(dir);
    assertEquals(List.of("w.bin"), names(r));
    assertEquals(List.of(Reason.SYMLINK), codes(r));
  }

  @Test
  void theModelPathItselfMustNotBeALink() throws IOException {
    write("real/w.bin");
    Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("real"));
    ModelWalk.Result r = walk(LoadPolicy.strict()).walk(link);
    assertEquals(List.of(), names(r));
    assertEquals(List.of(Reason.SYMLINK), codes(r));
  }

  /**
   * {@code link/../model} is {@code model} to {@code Path.normalize} and the parent of the link's
   * target's {@code model} to the kernel, and so to whatever loads the same path after the scan.
   */
  @Test
  void aDotDotAfterALinkInTheModelPathIsALink() throws IOException {
    write("model/w.bin", "elsewhere/x/keep", "elsewhere/model/evil.bin");
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("elsewhere/x"));
    Path path = dir.resolve("link/../model");
    assertTrue(Files.exists(path.resolve("evil.bin")), "the kernel's reading of the path");
    ModelWalk.Result r = walk(LoadPolicy.strict()).walk(path);
    assertEquals(List.of(), names(r));
    assertEquals(List.of(Reason.SYMLINK), codes(r));
  }

  @Test
  void theWalkStopsAtTheFileLimit() throws IOException {
    write("a.bin", "b.bin", "c.bin");
    LoadPolicy two = LoadPolicy.strict().toBuilder().set(LoadPolicy.MAX_FILES, 2L).build();
    ModelWalk.Result r = walk(two).walk(dir);
    assertEquals(2, r.files().size());
    assertEquals(List.of(Reason.TOO_MANY_FILES), codes(r));
  }

  /**
   * Ignored files, links, special files and folders are entries the walk visits and remembers (a
   * name, a finding) too: a model of a million links or ignored files must stop at the limit as one
   * of a million served files does.
   */
  @Test
  void everyEntryCountsTowardsTheFileLimit() throws IOException {
    write("a.md", "b.md", "c.md", "d.md", "w.bin");
    LoadPolicy two = LoadPolicy.strict().toBuilder().set(LoadPolicy.MAX_FILES, 2L).build();
    ModelWalk.Result r = walk(two, "*.md").walk(dir);
    assertEquals(List.of(Reason.TOO_MANY_FILES), codes(r));
    assertTrue(r.ignored().size() <= 2, r.ignored().toString());
  }

  @Test
  void linksCountTowardsTheFileLimit() throws IOException {
    write("w.bin");
    for (int i = 0; i < 5; i++) {
      Files.createSymbolicLink(dir.resolve("l" + i + ".bin"), dir.resolve("w.bin"));
    }
    LoadPolicy two = LoadPolicy.strict().toBuilder().set(LoadPolicy.MAX_FILES, 2L).build();
    ModelWalk.Result r = walk(two).walk(dir);
    List<ReasonCode> codes = codes(r);
    assertTrue(codes.contains(Reason.TOO_MANY_FILES), codes.toString());
    assertTrue(codes.size() <= 3, codes.toString());
  }

  @Test
  void foldersCountTowardsTheFileLimit() throws IOException {
    write("a/x.md", "b/x.md", "c/x.md", "d/x.md");
    LoadPolicy two = LoadPolicy.strict().toBuilder().set(LoadPolicy.MAX_FILES, 2L).build();
    ModelWalk.Result r = walk(two, "x.md").walk(dir);
    assertEquals(List.of(Reason.TOO_MANY_FILES), codes(r));
  }

  @Test
  void aModelWithoutFilesIsEmpty() throws IOException {
    write("README.md");
    ModelWalk.Result r = walk(LoadPolicy.strict(), "*.md").walk(dir);
    assertEquals(List.of(Reason.EMPTY_MODEL), codes(r));
  }

  @Test
  void aSingleFileModelReadsItsSideFilesBesideIt() throws IOException {
    write("w.bin", "model.sig", "other.bin");
    ModelWalk.Result r = walk(LoadPolicy.strict()).walk(dir.resolve("w.bin"));
    assertFalse(r.directory());
    assertEquals(List.of("w.bin"), names(r));
    assertEquals(Set.of("model.sig"), r.sideFiles().keySet());
  }

  private void write(String... names) throws IOException {
    for (String n : names) {
      Path p = dir.resolve(n);
      Files.createDirectories(p.getParent());
      Files.writeString(p, n);
    }
  }

  private static List<String> names(ModelWalk.Result r) {
    return r.files().stream().map(SourceFile::name).toList();
  }

  private static List<ReasonCode> codes(ModelWalk.Result r) {
    return r.findings().stream().map(Finding::reason).toList();
  }
}
