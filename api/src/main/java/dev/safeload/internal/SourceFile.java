package dev.safeload.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A file found under the model root, with the attributes seen before it was opened, so that a
 * change while reading or validating (or, for mapped delivery, until close) can be noticed.
 *
 * <p>The status-change time ({@code ctime}) is part of the identity because it cannot be set back:
 * a file rewritten in place with its old size and a restored modification time still shows a new
 * ctime.
 *
 * @param name name relative to the model root, {@code /}-separated
 * @param path absolute path that is opened (for a Hugging Face cache link: the blob)
 * @param size size before opening
 * @param mtime modification time before opening
 * @param ctime status-change time before opening, where the platform has one
 * @param fileKey file identity (device and inode on Unix), if the platform has one
 * @param links hard-link count, or -1 where the platform does not say
 * @param cacheBlob for a file reached through a Hugging Face cache link: the blob's name, which is
 *     the digest its bytes must have; otherwise null
 */
record SourceFile(
    String name,
    Path path,
    long size,
    FileTime mtime,
    @Nullable FileTime ctime,
    @Nullable Object fileKey,
    int links,
    @Nullable String cacheBlob) {

  /** Reads a regular file's attributes with one status call where the platform allows it. */
  static SourceFile stat(String name, Path path, boolean followLinks, @Nullable String cacheBlob)
      throws IOException {
    Attrs a = Attrs.read(path, followLinks);
    return new SourceFile(
        name,
        path,
        a.basic.size(),
        a.basic.lastModifiedTime(),
        a.ctime,
        a.basic.fileKey(),
        a.links,
        cacheBlob);
  }

  /** Whether the file at {@link #path()} is still this regular file, unchanged. */
  boolean unchanged(boolean followLinks) throws IOException {
    Attrs now = Attrs.read(path, followLinks);
    return now.basic.isRegularFile()
        && now.basic.size() == size
        && now.basic.lastModifiedTime().equals(mtime)
        && Objects.equals(now.ctime, ctime)
        && Objects.equals(now.basic.fileKey(), fileKey);
  }

  /** Basic attributes plus the Unix ones that {@link BasicFileAttributes} leaves out. */
  private record Attrs(BasicFileAttributes basic, @Nullable FileTime ctime, int links) {
    static Attrs read(Path path, boolean followLinks) throws IOException {
      LinkOption[] opts = Engine.linkOptions(followLinks);
      BasicFileAttributes basic = Files.readAttributes(path, BasicFileAttributes.class, opts);
      FileTime ctime = null;
      int links = -1;
      try {
        Map<String, Object> unix = Files.readAttributes(path, "unix:ctime,nlink", opts);
        if (unix.get("ctime") instanceof FileTime t) {
          ctime = t;
        }
        if (unix.get("nlink") instanceof Integer n) {
          links = n;
        }
      } catch (UnsupportedOperationException | IllegalArgumentException e) {
        // Not a Unix file system: size, mtime and file key are all there is.
      }
      return new Attrs(basic, ctime, links);
    }
  }
}
