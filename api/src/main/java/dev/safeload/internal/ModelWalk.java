package dev.safeload.internal;

import dev.safeload.FileGlob;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Stage 1: which files make up the model. Walks the path without following links, applies the ignore
 * patterns, refuses names that cannot be served as one unambiguous name, and reads the verifiers' side
 * files. Reads no model file's content.
 *
 * <p>Name rules, in check order: a name with a control character or backslash, or one the platform
 * could not decode (undecodable bytes come back as U+FFFD), is {@code FILE_NAME_INVALID}; two names
 * that are one name once case and Unicode normalisation are folded are both {@code
 * FILE_NAME_COLLISION} (a loader on a case-insensitive or normalising file system, or one that globs,
 * would read either). Links are refused except the relative links of a Hugging Face cache snapshot
 * into its own {@code blobs/} folder ({@link HfCache}).
 */
final class ModelWalk {
  /** Largest side file (signature bundle, ...) read for a verifier. */
  static final long MAX_SIDE_FILE_BYTES = 16L << 20;
  /** Longest name folded for the collision check; longer names are refused before any work. */
  static final int MAX_NAME_CHARS = 4096;

  /**
   * What the walk found.
   *
   * @param ignored names of present files left out by an ignore pattern, sorted
   */
  record Result(Path root, boolean directory, List<SourceFile> files, Map<String, ByteBuffer> sideFiles,
      List<String> ignored, List<Finding> findings) {}

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
    BasicFileAttributes rootAttrs = Files.readAttributes(root, BasicFileAttributes.class,
        LinkOption.NOFOLLOW_LINKS); // NoSuchFileException for a missing path: an I/O error, not a finding
    boolean follow = policy.allowsSymlinks();
    if (!follow && !noSymlinkAbove(root, rootAttrs, findings)) {
      return new Result(root, false, files, side, ignored, findings);
    }
    if (follow) {
      rootAttrs = Files.readAttributes(root, BasicFileAttributes.class);
    }
    boolean directory = rootAttrs.isDirectory();
    if (directory) {
      walkDirectory(root, files, side, ignored, findings);
    } else if (rootAttrs.isRegularFile()) {
      files.add(SourceFile.stat(root.getFileName().toString(), root, follow, null));
      Path parent = root.getParent();
      if (parent != null) {
        for (String name : sideFileNames) {
          Path p = parent.resolve(name).normalize();
          if (!p.equals(root) && p.startsWith(parent) && Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            readSideFile(name, p, side, findings);
          }
        }
      }
    } else {
      findings.add(new Finding(Reason.NOT_REGULAR_FILE, null, Finding.NO_OFFSET,
          "not a regular file or directory: " + root));
    }
    if (files.isEmpty() && findings.isEmpty()) {
      findings.add(new Finding(Reason.EMPTY_MODEL, null, Finding.NO_OFFSET, "no files to load"));
    }
    return new Result(root, directory, List.copyOf(files), Map.copyOf(side), List.copyOf(ignored),
        List.copyOf(findings));
  }

  /** False (with a finding) if the root or a directory above it is a symbolic link. */
  private static boolean noSymlinkAbove(Path root, BasicFileAttributes rootAttrs, List<Finding> findings) {
    if (rootAttrs.isSymbolicLink()) {
      findings.add(new Finding(Reason.SYMLINK, null, Finding.NO_OFFSET,
          "the model path is a symbolic link: " + root));
      return false;
    }
    for (Path p = root.getParent(); p != null && p.getParent() != null; p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        findings.add(new Finding(Reason.SYMLINK, null, Finding.NO_OFFSET,
            "a directory above the model is a symbolic link: " + p));
        return false;
      }
    }
    return true;
  }

  private void walkDirectory(Path root, List<SourceFile> files, Map<String, ByteBuffer> side,
      List<String> ignored, List<Finding> findings) throws IOException {
    long maxFiles = policy.get(LoadPolicy.MAX_FILES);
    boolean follow = policy.allowsSymlinks();
    @Nullable HfCache cache = follow ? null : HfCache.enclosing(root);
    TreeMap<String, SourceFile> found = new TreeMap<>();
    Map<String, String> folded = new HashMap<>();
    Set<FileVisitOption> opts = follow
        ? EnumSet.of(FileVisitOption.FOLLOW_LINKS) : EnumSet.noneOf(FileVisitOption.class);
    Files.walkFileTree(root, opts, 64, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        if (dir.equals(root)) {
          return FileVisitResult.CONTINUE;
        }
        String name = servableName(root, dir, findings);
        if (name == null) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        // A directory an ignore pattern matches is left out whole, and so are its files.
        return isIgnored(name + "/") ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        String name = servableName(root, file, findings);
        if (name == null) {
          return FileVisitResult.CONTINUE;
        }
        // A verifier's side file (model.sig) is read for the verifier whatever an ignore pattern says:
        // a pin file that ignores "*.sig" must not hide the signature from the signature check.
        if (isIgnored(name) && !sideFileNames.contains(name)) {
          ignored.add(name);
          return FileVisitResult.CONTINUE;
        }
        String key = foldedName(name);
        String earlier = folded.putIfAbsent(key, name);
        if (earlier != null) {
          // Neither is served: which one a second reader picks is not ours to guess.
          findings.add(new Finding(Reason.FILE_NAME_COLLISION, name, Finding.NO_OFFSET,
              "the same name as '" + earlier + "' once case and Unicode form are folded"));
          if (found.remove(earlier) != null || side.remove(earlier) != null) {
            findings.add(new Finding(Reason.FILE_NAME_COLLISION, earlier, Finding.NO_OFFSET,
                "the same name as '" + name + "' once case and Unicode form are folded"));
          }
          return FileVisitResult.CONTINUE;
        }
        if (sideFileNames.contains(name) && !attrs.isSymbolicLink()) {
          readSideFile(name, file, side, findings);
          return FileVisitResult.CONTINUE;
        }
        if (found.size() >= maxFiles) {
          findings.add(new Finding(Reason.TOO_MANY_FILES, null, Finding.NO_OFFSET,
              "more than " + maxFiles + " files"));
          return FileVisitResult.TERMINATE;
        }
        if (attrs.isSymbolicLink()) {
          HfCache.Blob blob = cache == null ? null : cache.blobOf(file);
          if (blob == null) {
            findings.add(new Finding(Reason.SYMLINK, name, Finding.NO_OFFSET,
                cache == null ? "symbolic link inside the model"
                    : "symbolic link that does not lead to a blob of this Hugging Face cache repository"));
          } else {
            found.put(name, SourceFile.stat(name, blob.path(), false, blob.name()));
          }
        } else if (!attrs.isRegularFile()) {
          findings.add(new Finding(Reason.NOT_REGULAR_FILE, name, Finding.NO_OFFSET,
              "not a regular file"));
        } else {
          found.put(name, SourceFile.stat(name, file, follow, null));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        String name = servableName(root, file, findings);
        findings.add(new Finding(Reason.IO_ERROR, name, Finding.NO_OFFSET, String.valueOf(e)));
        return FileVisitResult.CONTINUE;
      }
    });
    files.addAll(found.values());
    ignored.sort(null);
  }

  private boolean isIgnored(String name) {
    for (FileGlob g : ignore) {
      if (g.matches(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The {@code /}-separated name under the root, or null (with a finding) if it cannot be served as
   * one unambiguous name.
   */
  private static @Nullable String servableName(Path root, Path file, List<Finding> findings) {
    StringBuilder sb = new StringBuilder();
    for (Path part : root.relativize(file)) {
      String s = part.toString();
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x20 || c == 0x7f || c == '\\') {
          findings.add(new Finding(Reason.FILE_NAME_INVALID, null, Finding.NO_OFFSET,
              "file name with a control character or backslash under " + root));
          return null;
        }
        if (c == '\uFFFD') {
          // The platform could not decode the name's bytes; two such names may become one string.
          findings.add(new Finding(Reason.FILE_NAME_INVALID, sb + s, Finding.NO_OFFSET,
              "file name with bytes that are not valid in the platform's encoding"));
          return null;
        }
      }
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(s);
    }
    if (sb.length() > MAX_NAME_CHARS) {
      findings.add(new Finding(Reason.FILE_NAME_INVALID, null, Finding.NO_OFFSET,
          "file name longer than " + MAX_NAME_CHARS + " characters under " + root));
      return null;
    }
    return sb.toString();
  }

  /** The name as a case-insensitive, normalising reader sees it. Bounded: names are length-checked. */
  static String foldedName(String name) {
    return Normalizer.normalize(name, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
  }

  private void readSideFile(String name, Path p, Map<String, ByteBuffer> side, List<Finding> findings) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile()) {
        findings.add(new Finding(a.isSymbolicLink() ? Reason.SYMLINK : Reason.NOT_REGULAR_FILE,
            name, Finding.NO_OFFSET, "side file is not a regular file"));
        return;
      }
      if (a.size() > MAX_SIDE_FILE_BYTES) {
        findings.add(new Finding(Reason.FILE_TOO_LARGE, name, Finding.NO_OFFSET,
            "side file larger than " + MAX_SIDE_FILE_BYTES + " bytes"));
        return;
      }
      try (FileChannel ch = SourceReader.open(p, policy.allowsSymlinks())) {
        ByteBuffer buf = ByteBuffer.allocate((int) a.size());
        while (buf.hasRemaining() && ch.read(buf) >= 0) {
          // read fully
        }
        if (buf.hasRemaining() || ch.read(ByteBuffer.allocate(1)) >= 0) {
          findings.add(new Finding(Reason.SOURCE_CHANGED, name, Finding.NO_OFFSET,
              "side file changed while being read"));
          return;
        }
        side.put(name, buf.flip().asReadOnlyBuffer());
      }
    } catch (IOException e) {
      findings.add(new Finding(Reason.IO_ERROR, name, Finding.NO_OFFSET, String.valueOf(e)));
    }
  }
}
