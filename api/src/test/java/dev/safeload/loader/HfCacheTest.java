package dev.safeload.loader;

import static dev.safeload.loader.Fixtures.loader;
import static dev.safeload.loader.Fixtures.unpinnedToyPolicy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.ScanReport;
import dev.safeload.VerifiedModel;
import dev.safeload.toy.ToyHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hugging Face hub cache: {@code models--ORG--NAME/snapshots/REV/} holds relative links into
 * {@code ../../blobs/}, whose names are the digests of their bytes. Such links are followed,
 * nothing else is, and a blob whose bytes do not match its name is refused.
 */
class HfCacheTest {
  @TempDir Path home;
  Path repo;
  Path snapshot;

  @BeforeEach
  void layout() throws Exception {
    repo = home.resolve("hub/models--org--toy");
    snapshot = repo.resolve("snapshots/0123abcd");
    Files.createDirectories(repo.resolve("blobs"));
    Files.createDirectories(snapshot);
  }

  private static List<ReasonCode> codes(ScanReport r) {
    return r.findings().stream().map(Finding::reason).toList();
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static String gitBlobSha1(byte[] b) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-1");
    md.update(("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII));
    return HexFormat.of().formatHex(md.digest(b));
  }

  /** Writes a blob under its digest and links {@code name} in the snapshot to it. */
  private Path blob(String name, byte[] bytes, String digest) throws Exception {
    Path blob = repo.resolve("blobs").resolve(digest);
    Files.write(blob, bytes);
    Path link = snapshot.resolve(name);
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, link.getParent().relativize(blob));
    return blob;
  }

  /**
   * A new user points safeload at the cache repository folder, its blobs, or the whole hub cache:
   * walked as a model, every blob was an extension mismatch and every snapshot link a SYMLINK. One
   * finding says which folder to scan instead, naming the snapshot.
   */
  @Test
  void aCacheRepositoryFolderIsNotAModelAndTheFindingNamesItsSnapshot() throws Exception {
    byte[] weights = ToyHandler.valid();
    blob("model.toy", weights, sha256(weights));
    for (Path notAModel : List.of(repo, repo.resolve("blobs"), repo.resolve("snapshots"))) {
      ScanReport r = loader(unpinnedToyPolicy().build()).scan(notAModel);
      assertEquals(List.of(Reason.CACHE_NOT_SNAPSHOT), codes(r), notAModel.toString());
      assertTrue(r.files().isEmpty(), r.files().toString());
      assertTrue(
          r.findings().get(0).message().startsWith("scan a snapshot: " + snapshot + " ("),
          r.findings().get(0).message());
    }
    Files.createDirectories(home.resolve("hub/models--org--other/snapshots/4567"));
    ScanReport hub = loader(unpinnedToyPolicy().build()).scan(home.resolve("hub"));
    assertEquals(List.of(Reason.CACHE_NOT_SNAPSHOT, Reason.CACHE_NOT_SNAPSHOT), codes(hub));
    assertEquals(
        List.of("models--org--other", "models--org--toy"),
        hub.findings().stream().map(Finding::file).sorted().toList());
    assertTrue(loader(unpinnedToyPolicy().build()).scan(snapshot).accepted());
  }

  @Test
  void linksIntoTheRepositorysBlobsAreFollowedAndChecked() throws Exception {
    byte[] weights = ToyHandler.valid();
    blob("model.toy", weights, sha256(weights));
    byte[] small = ToyHandler.valid();
    blob("sub/small.toy", small, gitBlobSha1(small));
    ScanReport r = loader(unpinnedToyPolicy().build()).scan(snapshot);
    assertTrue(r.accepted(), r.findings().toString());
    assertEquals(2, r.files().size());
    try (VerifiedModel m = loader(unpinnedToyPolicy().build()).load(snapshot)) {
      byte[] served = new byte[weights.length];
      m.file("model.toy").buffer().get(served);
      assertArrayEquals(weights, served);
    }
  }

  /**
   * One file of a snapshot, as {@code hf_hub_download} returns its path (a link into blobs/): the
   * link is followed as a walk of the snapshot follows it, and the blob must match its name. Any
   * other link given as the model path stays refused.
   */
  @Test
  void oneFileOfASnapshotIsItsBlobCheckedAgainstItsName() throws Exception {
    byte[] weights = ToyHandler.valid();
    blob("model.toy", weights, sha256(weights));
    blob("bad.toy", weights, sha256("something else".getBytes(StandardCharsets.UTF_8)));
    Path outside = home.resolve(sha256(weights));
    Files.write(outside, weights);
    Files.createSymbolicLink(snapshot.resolve("out.toy"), snapshot.relativize(outside));
    ScanReport r = loader(unpinnedToyPolicy().build()).scan(snapshot.resolve("model.toy"));
    assertTrue(r.accepted(), r.findings().toString());
    assertEquals(List.of("model.toy"), r.files().stream().map(f -> f.name()).toList());
    try (VerifiedModel m =
        loader(unpinnedToyPolicy().build()).load(snapshot.resolve("model.toy"))) {
      byte[] served = new byte[weights.length];
      m.file("model.toy").buffer().get(served);
      assertArrayEquals(weights, served);
    }
    assertEquals(
        List.of(Reason.CACHE_BLOB_MISMATCH),
        codes(loader(unpinnedToyPolicy().build()).scan(snapshot.resolve("bad.toy"))));
    assertEquals(
        List.of(Reason.SYMLINK),
        codes(loader(unpinnedToyPolicy().build()).scan(snapshot.resolve("out.toy"))));
  }

  @Test
  void aBlobWhoseBytesDoNotMatchItsNameIsRefused() throws Exception {
    byte[] weights = ToyHandler.valid();
    Path blob =
        blob("model.toy", weights, sha256("something else".getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        List.of(Reason.CACHE_BLOB_MISMATCH),
        codes(loader(unpinnedToyPolicy().build()).scan(snapshot)));
    Files.delete(blob);
  }

  @Test
  void linksThatLeaveTheBlobsFolderStayRefused() throws Exception {
    byte[] weights = ToyHandler.valid();
    Path outside = home.resolve(sha256(weights));
    Files.write(outside, weights);
    Files.createSymbolicLink(snapshot.resolve("model.toy"), snapshot.relativize(outside));
    assertEquals(
        List.of(Reason.SYMLINK), codes(loader(unpinnedToyPolicy().build()).scan(snapshot)));
  }

  @Test
  void absoluteLinksAndLinksToNonDigestNamesStayRefused() throws Exception {
    byte[] weights = ToyHandler.valid();
    Path blob = repo.resolve("blobs").resolve(sha256(weights));
    Files.write(blob, weights);
    Files.createSymbolicLink(snapshot.resolve("a.toy"), blob.toAbsolutePath());
    Path named = repo.resolve("blobs").resolve("weights.toy");
    Files.write(named, weights);
    Files.createSymbolicLink(snapshot.resolve("b.toy"), snapshot.relativize(named));
    assertEquals(
        List.of(Reason.SYMLINK, Reason.SYMLINK),
        codes(loader(unpinnedToyPolicy().build()).scan(snapshot)));
  }

  /**
   * {@code Path.normalize} drops {@code x/..} without looking at {@code x}; the kernel follows
   * {@code x} first. A link {@code ../../blobs/lure/../H} normalises to {@code blobs/H}, which was
   * checked, while {@code blobs/lure} (a link into the attacker's tree, never walked) makes every
   * other reader of the snapshot open a different {@code H}.
   */
  @Test
  void aLinkWhoseDotDotsPassThroughAnotherLinkIsRefused() throws Exception {
    byte[] weights = ToyHandler.valid();
    String digest = sha256(weights);
    Files.write(repo.resolve("blobs").resolve(digest), weights);
    Path elsewhere = home.resolve("elsewhere/deeper");
    Files.createDirectories(elsewhere);
    Files.write(home.resolve("elsewhere").resolve(digest), "not the checked bytes".getBytes());
    Files.createSymbolicLink(repo.resolve("blobs/lure"), elsewhere);
    Files.createSymbolicLink(
        snapshot.resolve("model.toy"), Path.of("../../blobs/lure/../" + digest));
    // What any other reader of the snapshot opens is not the blob safeload would check.
    assertEquals("not the checked bytes", Files.readString(snapshot.resolve("model.toy")));
    assertEquals(
        List.of(Reason.SYMLINK), codes(loader(unpinnedToyPolicy().build()).scan(snapshot)));
  }

  @Test
  void dotAndDotDotAfterANameAreRefusedInALink() throws Exception {
    byte[] weights = ToyHandler.valid();
    String digest = sha256(weights);
    Files.write(repo.resolve("blobs").resolve(digest), weights);
    Files.createDirectories(snapshot.resolve("sub"));
    Files.createSymbolicLink(snapshot.resolve("a.toy"), Path.of("sub/../../../blobs/" + digest));
    Files.createSymbolicLink(snapshot.resolve("b.toy"), Path.of("../../blobs/./" + digest));
    assertEquals(
        List.of(Reason.SYMLINK, Reason.SYMLINK),
        codes(loader(unpinnedToyPolicy().build()).scan(snapshot)));
  }

  @Test
  void outsideACacheLayoutLinksAreRefusedAsBefore() throws Exception {
    Path plain = home.resolve("plain");
    Files.createDirectories(plain.resolve("blobs"));
    byte[] weights = ToyHandler.valid();
    Path blob = plain.resolve("blobs").resolve(sha256(weights));
    Files.write(blob, weights);
    Files.createSymbolicLink(plain.resolve("model.toy"), plain.relativize(blob));
    ScanReport r = loader(unpinnedToyPolicy().build()).scan(plain.resolve("model.toy").getParent());
    assertTrue(codes(r).contains(Reason.SYMLINK), codes(r).toString());
  }
}
