package dev.safeload.internal;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The Hugging Face hub cache layout, the one place where safeload follows a symbolic link by
 * default.
 *
 * <p>{@code huggingface_hub} stores each file once under {@code models--ORG--NAME/blobs/} with its
 * digest as its name (SHA-256 for LFS files, the git blob SHA-1 for small ones) and makes each
 * snapshot {@code models--ORG--NAME/snapshots/REV/} a tree of relative links into {@code blobs/}. A
 * link is accepted only if it has the form huggingface_hub writes ({@code ..} segments, then {@code
 * blobs/DIGEST}) and, without leaving the repository folder, leads to a regular file directly in
 * that repository's {@code blobs/} folder whose name has the form of a digest, and neither the
 * blobs folder nor the blob is itself a link. The loader then checks the bytes it reads against
 * that name ({@code CACHE_BLOB_MISMATCH}), so a blob edited in place is refused. Every other link
 * stays refused.
 */
public final class HfCache {
  private final Path repo;
  private final Path blobs;

  /**
   * A blob a snapshot link leads to: the file to read and its name, the digest its bytes must have.
   */
  record Blob(Path path, String name) {}

  private HfCache(Path repo) {
    this.repo = repo;
    this.blobs = repo.resolve("blobs");
  }

  /**
   * The cache repository that {@code root} is a snapshot of (or lies inside), or null if {@code
   * root} is not under {@code <kind>s--…/snapshots/<rev>}.
   */
  static @Nullable HfCache enclosing(Path root) {
    for (Path p = root; p != null && p.getParent() != null; p = p.getParent()) {
      Path parent = p.getParent();
      if (parent.getFileName() != null
          && parent.getFileName().toString().equals("snapshots")
          && parent.getParent() != null
          && parent.getParent().getFileName() != null
          && isRepoFolder(parent.getParent().getFileName().toString())) {
        return new HfCache(parent.getParent());
      }
    }
    return null;
  }

  /**
   * Why {@code root}, a directory, is not a model but a cache repository folder ({@code
   * models--ORG--NAME}) or its {@code blobs}, {@code snapshots} or {@code refs} folder, naming the
   * snapshots to scan instead; null for any other directory. Walked as a model, such a folder is
   * nonsense: blobs have digests for names (every one an extension mismatch or unknown) and the
   * snapshots' links are not of the snapshot being walked. Reads at most {@value #READ} names of
   * {@code snapshots/}.
   */
  static @Nullable String notASnapshot(Path root) {
    Path name = root.getFileName();
    if (name == null) {
      return null;
    }
    Path repo;
    if (isRepoFolder(name.toString())) {
      repo = root;
    } else if (Set.of("blobs", "snapshots", "refs").contains(name.toString())
        && root.getParent() != null
        && root.getParent().getFileName() != null
        && isRepoFolder(root.getParent().getFileName().toString())) {
      repo = root.getParent();
    } else {
      return null;
    }
    Path snapshots = repo.resolve("snapshots");
    if (!Files.isDirectory(snapshots, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    List<String> revs = new ArrayList<>();
    try (DirectoryStream<Path> d = Files.newDirectoryStream(snapshots)) {
      for (Path rev : d) {
        if (revs.size() == READ) {
          break;
        }
        revs.add(rev.toString());
      }
    } catch (IOException | DirectoryIteratorException e) {
      // The advice loses its list, not its point.
    }
    revs.sort(null);
    return "scan a snapshot: "
        + (revs.isEmpty()
            ? snapshots + "/REV"
            : String.join(", ", revs.subList(0, Math.min(LISTED, revs.size()))))
        + (revs.size() > LISTED ? ", …" : "")
        + " (this is a Hugging Face cache repository folder, not a model: its blobs are named by"
        + " digest and its snapshots are links into them)";
  }

  /** Snapshots read, and named, by {@link #notASnapshot}. */
  private static final int READ = 64;

  private static final int LISTED = 3;

  private static boolean isRepoFolder(String name) {
    return (name.startsWith("models--")
            || name.startsWith("datasets--")
            || name.startsWith("spaces--"))
        && name.length() > name.indexOf("--") + 2;
  }

  /**
   * The blob file a link of a cache snapshot leads to, by {@link #blobOf}; null for any other path
   * or link. For {@link dev.safeload.HuggingFaceCache}.
   */
  public static @Nullable Path followedBlob(Path link) throws IOException {
    if (!Files.isSymbolicLink(link)) {
      return null;
    }
    HfCache cache = enclosing(link.toAbsolutePath().normalize());
    Blob blob = cache == null ? null : cache.blobOf(link.toAbsolutePath().normalize());
    return blob == null ? null : blob.path();
  }

  /** The blob {@code link} leads to, or null if it is not a cache link this layout allows. */
  @Nullable Blob blobOf(Path link) throws IOException {
    Path target = Files.readSymbolicLink(link);
    if (target.isAbsolute()) {
      return null; // huggingface_hub writes relative links; an absolute one can point anywhere
    }
    // huggingface_hub writes os.path.relpath: some "..", then blobs/DIGEST. Only that form is
    // resolved here: normalize() drops "x/.." without looking at x, while the kernel (and every
    // other reader of the snapshot) follows x first, so "../../blobs/lure/../H" with blobs/lure a
    // link elsewhere would have us check blobs/H and the loader open another H.
    int n = target.getNameCount();
    if (n < 3 || !target.getName(n - 2).toString().equals("blobs")) {
      return null;
    }
    for (int i = 0; i < n - 2; i++) {
      if (!target.getName(i).toString().equals("..")) {
        return null;
      }
    }
    // A link found inside the cache always has a parent directory.
    Path resolved = Objects.requireNonNull(link.getParent()).resolve(target).normalize();
    if (!resolved.startsWith(repo) || !blobs.equals(resolved.getParent())) {
      return null;
    }
    String name = resolved.getFileName().toString();
    if (!isDigestName(name)) {
      return null;
    }
    // Only the link itself is followed: the folders between it and the blob must be real folders.
    for (Path p = resolved.getParent(); p != null && p.startsWith(repo); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        return null;
      }
    }
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(resolved, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null; // a dangling link
    }
    return a.isRegularFile() ? new Blob(resolved, name) : null;
  }

  /** 40 (git SHA-1) or 64 (SHA-256) lower-case hex digits. */
  static boolean isDigestName(String name) {
    if (name.length() != 40 && name.length() != 64) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
