package dev.safeload.loader;

import static dev.safeload.loader.Fixtures.loader;
import static dev.safeload.loader.Fixtures.unpinnedToyPolicy;
import static dev.safeload.loader.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Delivery;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ModelRejectedException;
import dev.safeload.ModelSource;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.provenance.Sha256;
import dev.safeload.toy.DigestAllowlist;
import dev.safeload.toy.ToyHandler;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Models read through a {@link ModelSource} other than a local path: a caller's streams and
 * class-path folders in a directory or a jar. Each rule with its exact code.
 */
class ModelSourceTest {
  @TempDir Path dir;

  private static final byte[] TOY = ToyHandler.valid();

  private static SafeModelLoader toyLoader() {
    return loader(unpinnedToyPolicy().build());
  }

  private static ModelSource.StreamOpener bytes(byte[] b) {
    return () -> new ByteArrayInputStream(b);
  }

  private static List<ReasonCode> codes(ModelSource source) throws IOException {
    return toyLoader().scan(source).findings().stream().map(Finding::reason).toList();
  }

  private static byte[] bytesOf(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  // ------------------------------------------------------------------ streams

  @ParameterizedTest
  @EnumSource(
      value = Delivery.class,
      names = {"AUTOMATIC", "COPY_TO_MEMORY", "PRIVATE_FILE"})
  void streamsAreReadOnceIntoTheDeliveredCopy(Delivery delivery) throws Exception {
    AtomicInteger opens = new AtomicInteger();
    ModelSource source =
        ModelSource.streams("s3://bucket/models/toy")
            .add(
                "sub/w.toy",
                TOY.length,
                () -> {
                  opens.incrementAndGet();
                  return new ByteArrayInputStream(TOY);
                })
            .build();
    assertEquals("s3://bucket/models/toy", source.location());
    try (VerifiedModel m = loader(unpinnedToyPolicy().delivery(delivery).build()).load(source)) {
      assertArrayEquals(TOY, bytesOf(m.file("sub/w.toy").buffer()));
      assertEquals("toy", m.file("sub/w.toy").format());
      assertEquals("s3://bucket/models/toy", m.location());
      assertEquals(Path.of("toy"), m.source());
      assertEquals(
          delivery == Delivery.AUTOMATIC ? Delivery.COPY_TO_MEMORY : delivery, m.delivery());
      Path copy = m.materialize();
      assertArrayEquals(TOY, Files.readAllBytes(copy.resolve("sub/w.toy")));
    }
    assertEquals(1, opens.get(), "each file is read once");
  }

  @Test
  void aScanOfStreamsReportsTheLocation() throws Exception {
    ScanReport r =
        toyLoader()
            .scan(
                ModelSource.streams("https://example.org/m/")
                    .add("w.toy", TOY.length, bytes(TOY))
                    .build());
    assertTrue(r.accepted(), r.findings()::toString);
    assertEquals("https://example.org/m/", r.location());
    assertEquals(Sha256.hash(TOY), r.files().get(0).sha256());
  }

  @Test
  void pinsProveStreamedFilesLikeLocalOnes() throws Exception {
    SafeModelLoader pinned =
        SafeModelLoader.builder()
            .policy(LoadPolicy.strict().toBuilder().allowFormat("toy").build())
            .handler(new ToyHandler())
            .verifier(new DigestAllowlist(Set.of(Sha256.hash(TOY))))
            .build();
    try (VerifiedModel m =
        pinned.load(ModelSource.streams("mem").add("w.toy", TOY.length, bytes(TOY)).build())) {
      assertFalse(m.file("w.toy").proofs().isEmpty());
    }
    SafeModelLoader pinnedElse =
        SafeModelLoader.builder()
            .policy(LoadPolicy.strict().toBuilder().allowFormat("toy").build())
            .handler(new ToyHandler())
            .verifier(new DigestAllowlist(Set.of(Sha256.hash(new byte[1]))))
            .build();
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class,
            () ->
                pinnedElse.load(
                    ModelSource.streams("mem").add("w.toy", TOY.length, bytes(TOY)).build()));
    assertTrue(e.findings().stream().allMatch(f -> "w.toy".equals(f.file())), e::toString);
  }

  @Test
  void aNameListedTwiceIsRefused() throws Exception {
    ModelSource source =
        ModelSource.streams("mem")
            .add("w.toy", TOY.length, bytes(TOY))
            .add("w.toy", TOY.length, bytes(TOY))
            .build();
    assertEquals(List.of(Reason.DUPLICATE_NAME), codes(source));
    assertThrows(ModelRejectedException.class, () -> toyLoader().load(source));
  }

  /** As in a walked directory, every listed entry counts, ignored and duplicated ones too. */
  @Test
  void everyListedEntryCountsTowardsTheFileLimit() throws Exception {
    ModelSource.Builder b = ModelSource.streams("mem").add("w.toy", TOY.length, bytes(TOY));
    for (int i = 0; i < 5; i++) {
      b.add("n" + i + ".md", 1, bytes(new byte[1]));
    }
    LoadPolicy two = unpinnedToyPolicy().ignoreFiles("*.md").set(LoadPolicy.MAX_FILES, 2L).build();
    ScanReport r = loader(two).scan(b.build());
    assertEquals(
        List.of(Reason.TOO_MANY_FILES), r.findings().stream().map(Finding::reason).toList());
  }

  @Test
  void namesThatFoldToOneCollide() throws Exception {
    ModelSource source =
        ModelSource.streams("mem")
            .add("W.toy", TOY.length, bytes(TOY))
            .add("w.toy", TOY.length, bytes(TOY))
            .build();
    assertEquals(List.of(Reason.FILE_NAME_COLLISION, Reason.FILE_NAME_COLLISION), codes(source));
  }

  @Test
  void aNameThatIsAlsoAFolderCollides() throws Exception {
    ModelSource source =
        ModelSource.streams("mem")
            .add("a", TOY.length, bytes(TOY))
            .add("a/w.toy", TOY.length, bytes(TOY))
            .build();
    assertEquals(List.of(Reason.FILE_NAME_COLLISION), codes(source));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../w.toy",
        "a/../../w.toy",
        "/etc/w.toy",
        "a//w.toy",
        "./w.toy",
        "a\\w.toy",
        "w\u0000.toy",
        "",
        // the rules of a walked directory's names hold for listed names too: written out by
        // materialize(), Windows drops a trailing dot or space, and invisible characters hide
        "w.toy.",
        "w.toy ",
        "sub./w.toy",
        "w\u200b.toy",
        "w\u202eyot.toy",
        "w\udb40\udc01.toy",
        "w\ud800.toy"
      })
  void aNameThatLeavesTheModelOrHasTwoSpellingsIsRefused(String name) throws Exception {
    ModelSource source = ModelSource.streams("mem").add(name, TOY.length, bytes(TOY)).build();
    assertEquals(List.of(Reason.FILE_NAME_INVALID), codes(source));
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, +1})
  void aStreamShorterOrLongerThanDeclaredIsRefused(int delta) throws Exception {
    ModelSource source =
        ModelSource.streams("mem").add("w.toy", TOY.length + delta, bytes(TOY)).build();
    assertEquals(List.of(Reason.SOURCE_CHANGED), codes(source));
    ModelRejectedException e =
        assertThrows(ModelRejectedException.class, () -> toyLoader().load(source));
    assertEquals(Reason.SOURCE_CHANGED, e.findings().get(0).reason());
  }

  @Test
  void mappedDeliveryOfAStreamIsRefused() throws Exception {
    ModelSource source = ModelSource.streams("mem").add("w.toy", TOY.length, bytes(TOY)).build();
    ModelRejectedException e =
        assertThrows(
            ModelRejectedException.class,
            () ->
                loader(unpinnedToyPolicy().delivery(Delivery.MAPPED_TRUSTED).build()).load(source));
    assertEquals(
        List.of(Reason.SOURCE_NOT_MAPPABLE), e.findings().stream().map(Finding::reason).toList());
  }

  @Test
  void aStreamThatFailsIsAnIoError() throws Exception {
    ModelSource source =
        ModelSource.streams("mem")
            .add(
                "w.toy",
                TOY.length,
                () -> {
                  throw new IOException("connection reset");
                })
            .add(
                "x.toy",
                TOY.length,
                () -> {
                  throw new IllegalStateException("SDK bug");
                })
            .build();
    assertEquals(List.of(Reason.IO_ERROR, Reason.IO_ERROR), codes(source));
  }

  /**
   * Bounded: a large stream is read in bounded steps, never more than its declared size plus the
   * one byte that proves its end.
   */
  @Test
  void aStreamIsReadInBoundedStepsAndNoFurtherThanItsSize() throws Exception {
    byte[] big = new byte[5 << 20];
    System.arraycopy(TOY, 0, big, 0, TOY.length);
    AtomicInteger largestAsk = new AtomicInteger();
    long[] delivered = new long[1];
    ModelSource.StreamOpener counting =
        () ->
            new FilterInputStream(new ByteArrayInputStream(big)) {
              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                largestAsk.accumulateAndGet(len, Math::max);
                int n = super.read(b, off, len);
                delivered[0] += Math.max(n, 0);
                return n;
              }
            };
    codes(ModelSource.streams("mem").add("w.toy", big.length - 7, counting).build());
    assertTrue(largestAsk.get() <= 64 << 10, "largest read " + largestAsk.get());
    assertTrue(delivered[0] <= big.length - 7 + 1, "read " + delivered[0]);
  }

  // ------------------------------------------------------------------ class path

  @Test
  void aClassPathFolderInADirectory() throws Exception {
    Path classes = dir.resolve("classes");
    write(classes, "models/toy/w.toy", TOY);
    write(classes, "models/other.toy", TOY);
    write(classes, "models/toy-b.toy", TOY);
    try (URLClassLoader cl = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
      try (VerifiedModel m = toyLoader().load(ModelSource.classpath(cl, "/models/toy/"))) {
        assertEquals(List.of("w.toy"), names(m));
        assertEquals("classpath:models/toy/", m.location());
        assertEquals(Delivery.COPY_TO_MEMORY, m.delivery());
      }
      // A name prefix: the files whose names start with it, named from the prefix's folder.
      try (VerifiedModel m = toyLoader().load(ModelSource.classpath(cl, "models/toy"))) {
        assertEquals(List.of("toy-b.toy", "toy/w.toy"), names(m));
      }
    }
  }

  private static List<String> names(VerifiedModel m) {
    return m.files().stream().map(VerifiedModel.VerifiedFile::name).toList();
  }

  @Test
  void aClassPathFolderInAJar() throws Exception {
    Path jar = jar("models/toy/w.toy", "models/toy/sub/x.toy", "models/elsewhere.toy");
    try (URLClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
        VerifiedModel m = toyLoader().load(ModelSource.classpath(cl, "models/toy/"))) {
      assertEquals(
          List.of("sub/x.toy", "w.toy"),
          m.files().stream().map(VerifiedModel.VerifiedFile::name).toList());
      assertArrayEquals(TOY, bytesOf(m.file("sub/x.toy").buffer()));
      assertEquals("classpath:models/toy/", m.location());
    }
  }

  @Test
  void filesAtAJarsRootByNamePrefix() throws Exception {
    // Like the langchain4j embedding jars: model files at the root, no folder to name.
    Path jar = jar("mini.toy", "mini-extra.toy", "other.toy", "dev/x/Some.class");
    Path other = jar("dev/y/Other.class");
    try (URLClassLoader cl =
            new URLClassLoader(new URL[] {other.toUri().toURL(), jar.toUri().toURL()}, null);
        VerifiedModel m = toyLoader().load(ModelSource.classpath(cl, "mini"))) {
      assertEquals(
          List.of("mini-extra.toy", "mini.toy"),
          m.files().stream().map(VerifiedModel.VerifiedFile::name).toList());
    }
  }

  @Test
  void aJarEntryListedTwiceIsRefused() throws Exception {
    Path jar = jar("models/toy/a.toy", "models/toy/b.toy");
    // Rename b.toy to a.toy in both its local header and its central directory record.
    byte[] b = Files.readAllBytes(jar);
    String s =
        new String(b, StandardCharsets.ISO_8859_1).replace("models/toy/b.toy", "models/toy/a.toy");
    Files.write(jar, s.getBytes(StandardCharsets.ISO_8859_1));
    try (URLClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      assertEquals(List.of(Reason.DUPLICATE_NAME), codes(ModelSource.classpath(cl, "models/toy/")));
    }
  }

  @Test
  void aJarEntryThatEscapesThePrefixIsRefused() throws Exception {
    Path jar = jar("models/toy/w.toy", "models/toy/../../evil.toy");
    try (URLClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      assertEquals(
          List.of(Reason.FILE_NAME_INVALID), codes(ModelSource.classpath(cl, "models/toy/")));
    }
  }

  @Test
  void aJarWhoseDirectoryCannotBeReadIsRefused() throws Exception {
    Path jar = jar("models/toy/w.toy");
    byte[] b = Files.readAllBytes(jar);
    // Two bytes after the end record: no end record reaches the end of the file any more.
    byte[] longer = java.util.Arrays.copyOf(b, b.length + 2);
    Files.write(jar, longer);
    // The JDK still finds the folder (it searches for the end record leniently); we refuse.
    try (URLClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      assertEquals(
          List.of(Reason.SOURCE_LISTING_INVALID), codes(ModelSource.classpath(cl, "models/toy/")));
    }
  }

  @Test
  void aFolderInTwoClassPathEntriesIsRefused() throws Exception {
    Path a = jar("models/toy/w.toy");
    Path classes = dir.resolve("classes");
    write(classes, "models/toy/w.toy", TOY);
    try (URLClassLoader cl =
        new URLClassLoader(new URL[] {a.toUri().toURL(), classes.toUri().toURL()}, null)) {
      assertEquals(List.of(Reason.DUPLICATE_NAME), codes(ModelSource.classpath(cl, "models/toy/")));
    }
  }

  @Test
  void aMissingFolderIsAnIoException() throws Exception {
    try (URLClassLoader cl = new URLClassLoader(new URL[] {jar("x/w.toy").toUri().toURL()}, null)) {
      assertThrows(
          NoSuchFileException.class, () -> toyLoader().scan(ModelSource.classpath(cl, "models")));
    }
  }

  @Test
  void mappedDeliveryOfAJarIsRefused() throws Exception {
    Path jar = jar("models/toy/w.toy");
    try (URLClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      ModelRejectedException e =
          assertThrows(
              ModelRejectedException.class,
              () ->
                  loader(unpinnedToyPolicy().delivery(Delivery.MAPPED_TRUSTED).build())
                      .load(ModelSource.classpath(cl, "models/toy/")));
      assertEquals(Reason.SOURCE_NOT_MAPPABLE, e.findings().get(0).reason());
    }
  }

  /**
   * A jar with a manifest and the folder entries a jar tool writes, each file holding a valid toy
   * body.
   */
  private Path jar(String... names) throws IOException {
    Path jar = Files.createTempFile(dir, "models", ".jar");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new ZipEntry("META-INF/"));
      out.closeEntry();
      out.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
      out.write("Manifest-Version: 1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.closeEntry();
      java.util.Set<String> folders = new java.util.TreeSet<>();
      for (String n : names) {
        for (int i = n.indexOf('/'); i > 0; i = n.indexOf('/', i + 1)) {
          folders.add(n.substring(0, i + 1));
        }
      }
      for (String f : folders) {
        out.putNextEntry(new ZipEntry(f));
        out.closeEntry();
      }
      for (String n : names) {
        out.putNextEntry(new ZipEntry(n));
        out.write(TOY);
        out.closeEntry();
      }
    }
    return jar;
  }
}
