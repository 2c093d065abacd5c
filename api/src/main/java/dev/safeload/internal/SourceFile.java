package dev.safeload.internal;

import dev.safeload.ModelSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
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
 * <p>A file of a class-path or stream source has no path: it is read once through its {@code
 * stream} opener, into a private copy, and its declared size is enforced while it is read ({@link
 * StreamChannel}), so it cannot change after the read.
 *
 * @param name name relative to the model root, {@code /}-separated
 * @param path absolute path that is opened (for a Hugging Face cache link: the blob); null for a
 *     file read through a stream
 * @param size size before opening (for a stream: the size its source declared)
 * @param mtime modification time before opening
 * @param ctime status-change time before opening, where the platform has one
 * @param fileKey file identity (device and inode on Unix), if the platform has one
 * @param links hard-link count, or -1 where the platform does not say
 * @param cacheBlob for a file reached through a Hugging Face cache link: the blob's name, which is
 *     the digest its bytes must have; otherwise null
 * @param stream for a file of a class-path or stream source, how to open it; null for a local file
 */
record SourceFile(
    String name,
    @Nullable Path path,
    long size,
    FileTime mtime,
    @Nullable FileTime ctime,
    @Nullable Object fileKey,
    int links,
    @Nullable String cacheBlob,
    ModelSource.@Nullable StreamOpener stream) {

  /** A local file. */
  SourceFile(
      String name,
      Path path,
      long size,
      FileTime mtime,
      @Nullable FileTime ctime,
      @Nullable Object fileKey,
      int links,
      @Nullable String cacheBlob) {
    this(name, path, size, mtime, ctime, fileKey, links, cacheBlob, null);
  }

  /** A file read through a stream, with the size its source declared. */
  static SourceFile stream(String name, long size, ModelSource.StreamOpener opener) {
    return new SourceFile(name, null, size, FileTime.fromMillis(0), null, null, 1, null, opener);
  }

  /** Whether the file is on a local file system (and could be mapped). */
  boolean local() {
    return stream == null;
  }

  /**
   * Opens the file for one read: a local file without following links (unless allowed), a stream
   * through a channel that yields exactly the declared size or fails.
   */
  FileChannel open(boolean followLinks) throws IOException {
    if (stream != null) {
      java.io.InputStream in;
      try {
        in = stream.open();
      } catch (RuntimeException e) {
        throw new IOException("opening the stream of " + name + " failed: " + e, e);
      }
      if (in == null) {
        throw new IOException("the stream opener of " + name + " returned null");
      }
      return new StreamChannel(name, in, size);
    }
    return SourceReader.open(localPath(), followLinks);
  }

  /** The local path; only for a {@link #local()} file. */
  Path localPath() {
    // Invariant: every SourceFile without a stream was made by stat() or the local constructor.
    return Objects.requireNonNull(path, "a stream has no path");
  }

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
    if (stream != null) {
      return true; // read once into a private copy, its size enforced while read: nothing can
      // change
    }
    Attrs now = Attrs.read(localPath(), followLinks);
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
