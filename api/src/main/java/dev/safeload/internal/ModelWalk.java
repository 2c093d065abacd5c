package dev.safeload.internal;

import dev.safeload.FileGlob;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Stage 1: which files make up the model. Walks the path without following links, applies the
 * ignore patterns, refuses names that cannot be served as one unambiguous name ({@link
 * ModelNames}), and reads the verifiers' side files ({@link SideFiles}). Reads no model file's
 * content.
 *
 * <p>Two names that are one name once case and Unicode normalisation are folded are both {@code
 * FILE_NAME_COLLISION} (a loader on a case-insensitive or normalising file system, or one that
 * globs, would read either). Links are refused except the relative links of a Hugging Face cache
 * snapshot into its own {@code blobs/} folder ({@link HfCache}).
 */
final class ModelWalk {
  /**
   * What the walk found.
   *
   * @param root the model's path; for a source that is not a local path, a relative path naming the
   *     model (the last segment of its location), never opened
   * @param ignored names of present files left out by an ignore pattern, sorted
   * @param location where the model was loaded from, for reports and BOMs ({@link
   *     dev.safeload.ModelSource#location()})
   * @param local whether every file is a local file (and may be mapped)
   */
  record Result(
      Path root,
      boolean directory,
      List<SourceFile> files,
      Map<String, ByteBuffer> sideFiles,
      List<String> ignored,
      List<Finding> findings,
      String location,
      boolean local) {

    /** A walk of a local path, reported as that path. */
    Result(
        Path root,
        boolean directory,
        List<SourceFile> files,
        Map<String, ByteBuffer> sideFiles,
        List<String> ignored,
        List<Finding> findings) {
      this(root, directory, files, sideFiles, ignored, findings, root.toString(), true);
    }

    /** The same walk, reported as loaded from {@code where} (a class-path folder). */
    Result at(String where) {
      return new Result(root, directory, files, sideFiles, ignored, findings, where, local);
    }
  }

  private final LoadPolicy policy;
  private final Set<String> sideFileNames;
  private final List<FileGlob> ignore;

  ModelWalk(LoadPolicy policy, Set<String> sideFileNames, List<FileGlob> ignore) {
    this.policy = policy;
    this.sideFileNames = sideFileNames;
    this.ignore = ignore;
  }

  Result walk(Path path) throws IOException {
    Path root = path.toAbsolutePath().normalize();
    List<Finding> findings = new ArrayList<>();
    Map<String, ByteBuffer> side = new TreeMap<>();
    List<SourceFile> files = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    BasicFileAttributes rootAttrs =
        Files.readAttributes(
            root,
            BasicFileAttributes.class,
            LinkOption
                .NOFOLLOW_LINKS); // NoSuchFileException for a missing path: an I/O error, not a
    // finding
    boolean follow = policy.allowsSymlinks();
    // One file of a cache snapshot, as hf_hub_download returns it: the link is followed exactly as
    // a directory walk of the snapshot follows it (HfCache), and the blob's bytes must match its
    // name.
    HfCache.@Nullable Blob cachedRoot =
        !follow && rootAttrs.isSymbolicLink() ? cacheBlob(root) : null;
    if (!follow
        && (!noSymlinkAbove(root, rootAttrs, cachedRoot != null, findings)
            || !noLinkUndone(path, findings))) {
      return new Result(root, false, files, side, ignored, findings);
    }
    if (follow) {
      rootAttrs = Files.readAttributes(root, BasicFileAttributes.class);
    }
    boolean directory = rootAttrs.isDirectory();
    @Nullable String cacheFolder = directory ? HfCache.notASnapshot(root) : null;
    if (cacheFolder != null) {
      findings.add(new Finding(Reason.CACHE_NOT_SNAPSHOT, null, Finding.NO_OFFSET, cacheFolder));
      return new Result(root, true, files, side, ignored, findings);
    }
    SideFiles sideFiles = new SideFiles(follow, side, findings);
    if (directory) {
      walkDirectory(root, files, sideFiles, ignored, findings);
    } else if (cachedRoot != null) {
      files.add(
          SourceFile.stat(
              root.getFileName().toString(), cachedRoot.path(), false, cachedRoot.name()));
      sideFiles.besides(root, sideFileNames);
    } else if (rootAttrs.isRegularFile()) {
      files.add(SourceFile.stat(root.getFileName().toString(), root, follow, null));
      sideFiles.besides(root, sideFileNames);
    } else {
      findings.add(
          new Finding(
              Reason.NOT_REGULAR_FILE,
              null,
              Finding.NO_OFFSET,
              "not a regular file or directory: " + root));
    }
    if (files.isEmpty() && findings.isEmpty()) {
      findings.add(new Finding(Reason.EMPTY_MODEL, null, Finding.NO_OFFSET, "no files to load"));
    }
    return new Result(
        root,
        directory,
        List.copyOf(files),
        Map.copyOf(side),
        List.copyOf(ignored),
        List.copyOf(findings));
  }

  /**
   * False (with a finding) if a folder named in the path as given is a symbolic link that a later
   * {@code ..} takes back out of. {@code normalize} drops {@code link/..} without looking at {@code
   * link}; the kernel, and so whatever loads the same path after the scan, follows it first: the
   * walk would judge one folder and the loader open another.
   */
  private static boolean noLinkUndone(Path given, List<Finding> findings) {
    Path abs = given.toAbsolutePath();
    Path prefix = abs.getRoot();
    if (prefix == null || abs.equals(abs.normalize())) {
      return true;
    }
    for (Path part : abs) {
      prefix = prefix.resolve(part);
      String s = part.toString();
      if (!s.equals("..") && !s.equals(".") && Files.isSymbolicLink(prefix)) {
        findings.add(
            new Finding(
                Reason.SYMLINK,
                null,
                Finding.NO_OFFSET,
                "a folder in the model path is a symbolic link: " + prefix));
        return false;
      }
    }
    return true;
  }

  /** The blob {@code link} leads to if it is a file of a Hugging Face cache snapshot, or null. */
  private static HfCache.@Nullable Blob cacheBlob(Path link) throws IOException {
    HfCache cache = HfCache.enclosing(link);
    return cache == null ? null : cache.blobOf(link);
  }

  /**
   * False (with a finding) if the root (unless {@code cacheLink}: a snapshot file's link into its
   * blobs) or a directory above it is a symbolic link.
   */
  private static boolean noSymlinkAbove(
      Path root, BasicFileAttributes rootAttrs, boolean cacheLink, List<Finding> findings) {
    if (rootAttrs.isSymbolicLink() && !cacheLink) {
      findings.add(
          new Finding(
              Reason.SYMLINK,
              null,
              Finding.NO_OFFSET,
              "the model path is a symbolic link: " + root));
      return false;
    }
    for (Path p = root.getParent(); p != null && p.getParent() != null; p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        findings.add(
            new Finding(
                Reason.SYMLINK,
                null,
                Finding.NO_OFFSET,
                "a directory above the model is a symbolic link: " + p));
        return false;
      }
    }
    return true;
  }

  private void walkDirectory(
      Path root,
      List<SourceFile> files,
      SideFiles side,
      List<String> ignored,
      List<Finding> findings)
      throws IOException {
    long maxFiles = policy.get(LoadPolicy.MAX_FILES);
    boolean follow = policy.allowsSymlinks();
    @Nullable HfCache cache = follow ? null : HfCache.enclosing(root);
    TreeMap<String, SourceFile> found = new TreeMap<>();
    ModelNames names = new ModelNames(root, findings);
    // Names inside an ignored folder are only listed: a name no loader could be served under is
    // no reason to refuse a folder the user left out.
    ModelNames ignoredNames = new ModelNames(root, new ArrayList<>());
    Set<FileVisitOption> opts =
        follow ? EnumSet.of(FileVisitOption.FOLLOW_LINKS) : EnumSet.noneOf(FileVisitOption.class);
    Files.walkFileTree(
        root,
        opts,
        64,
        new SimpleFileVisitor<>() {
          // Every entry visited counts, not only the files served: an ignored file, a link, a
          // special file or a folder is remembered too (a name, a finding), so a model of a
          // million links or empty folders must stop where a million served files stop.
          private long entries;

          // The ignored folder being walked, if any: its files are listed as ignored, never read.
          private @Nullable Path ignoredFolder;

          private boolean overLimit() {
            if (++entries <= maxFiles) {
              return false;
            }
            findings.add(
                new Finding(
                    Reason.TOO_MANY_FILES,
                    null,
                    Finding.NO_OFFSET,
                    "more than " + maxFiles + " files and folders"));
            return true;
          }

          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            if (dir.equals(root)) {
              return FileVisitResult.CONTINUE;
            }
            if (overLimit()) {
              return FileVisitResult.TERMINATE;
            }
            if (ignoredFolder != null) {
              return FileVisitResult.CONTINUE;
            }
            String name = names.servable(dir);
            if (name == null) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            // A directory an ignore pattern matches is left out whole, and so are its files; they
            // are still listed by name, so that a report shows them and a pin or signature that
            // lists one finds it ignored rather than missing (coreml/ of a Hub repository).
            if (isIgnored(name + "/")) {
              ignoredFolder = dir;
              return FileVisitResult.CONTINUE;
            }
            // A cache repository folder below (the whole hub cache scanned): its snapshots are
            // the models, and what else it holds is the cache's bookkeeping.
            String cacheFolder = HfCache.notASnapshot(dir);
            if (cacheFolder != null) {
              findings.add(
                  new Finding(Reason.CACHE_NOT_SNAPSHOT, name, Finding.NO_OFFSET, cacheFolder));
              return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, @Nullable IOException e)
              throws IOException {
            boolean inIgnored = ignoredFolder != null;
            if (dir.equals(ignoredFolder)) {
              ignoredFolder = null;
            }
            if (e != null && !inIgnored) {
              throw e; // as SimpleFileVisitor does: a folder of the model that cannot be listed
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (overLimit()) {
              return FileVisitResult.TERMINATE;
            }
            if (ignoredFolder != null) {
              String listed = ignoredNames.servable(file);
              if (listed != null) {
                ignored.add(listed);
              }
              return FileVisitResult.CONTINUE;
            }
            String name = names.servable(file);
            if (name == null) {
              return FileVisitResult.CONTINUE;
            }
            // A verifier's side file (model.sig) is read for the verifier whatever an ignore
            // pattern says:
            // a pin file that ignores "*.sig" must not hide the signature from the signature check.
            if (isIgnored(name) && !sideFileNames.contains(name)) {
              ignored.add(name);
              return FileVisitResult.CONTINUE;
            }
            String earlier = names.collidesWith(name);
            if (earlier != null) {
              // Neither is served: which one a second reader picks is not ours to guess.
              findings.add(
                  new Finding(
                      Reason.FILE_NAME_COLLISION,
                      name,
                      Finding.NO_OFFSET,
                      "the same name as '" + earlier + "' once case and Unicode form are folded"));
              if (found.remove(earlier) != null || side.forget(earlier)) {
                findings.add(
                    new Finding(
                        Reason.FILE_NAME_COLLISION,
                        earlier,
                        Finding.NO_OFFSET,
                        "the same name as '" + name + "' once case and Unicode form are folded"));
              }
              return FileVisitResult.CONTINUE;
            }
            // A link among them is read only if it is a cache snapshot's (SideFiles#read).
            if (sideFileNames.contains(name)
                && (!attrs.isSymbolicLink() || (cache != null && cache.blobOf(file) != null))) {
              side.read(name, file);
              return FileVisitResult.CONTINUE;
            }
            if (attrs.isSymbolicLink()) {
              HfCache.Blob blob = cache == null ? null : cache.blobOf(file);
              if (blob == null) {
                findings.add(
                    new Finding(
                        Reason.SYMLINK,
                        name,
                        Finding.NO_OFFSET,
                        cache == null
                            ? "symbolic link inside the model"
                            : "symbolic link that does not lead to a blob of this Hugging Face cache repository"));
              } else {
                found.put(name, SourceFile.stat(name, blob.path(), false, blob.name()));
              }
            } else if (!attrs.isRegularFile()) {
              findings.add(
                  new Finding(
                      Reason.NOT_REGULAR_FILE, name, Finding.NO_OFFSET, "not a regular file"));
            } else {
              found.put(name, SourceFile.stat(name, file, follow, null));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            if (overLimit()) {
              return FileVisitResult.TERMINATE;
            }
            if (ignoredFolder != null) {
              return FileVisitResult.CONTINUE; // never read: its trouble is not the model's
            }
            String name = names.servable(file);
            findings.add(new Finding(Reason.IO_ERROR, name, Finding.NO_OFFSET, String.valueOf(e)));
            return FileVisitResult.CONTINUE;
          }
        });
    files.addAll(found.values());
    ignored.sort(null);
  }

  private boolean isIgnored(String name) {
    return isIgnored(ignore, name);
  }

  /** Whether an ignore pattern matches {@code name}. */
  static boolean isIgnored(List<FileGlob> ignore, String name) {
    for (FileGlob g : ignore) {
      if (g.matches(name)) {
        return true;
      }
    }
    return false;
  }
}
