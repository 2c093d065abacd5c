package dev.safeload.internal;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A file found under the model root, with the attributes seen before it was opened, so that a change
 * while reading (or, for mapped delivery, until close) can be noticed.
 *
 * @param name    name relative to the model root, {@code /}-separated
 * @param path    absolute path
 * @param size    size before opening
 * @param mtime   modification time before opening
 * @param fileKey file identity (device and inode on Unix), if the platform has one
 */
record SourceFile(String name, Path path, long size, FileTime mtime, @Nullable Object fileKey) {

  static SourceFile of(String name, Path path, BasicFileAttributes attrs) {
    return new SourceFile(name, path, attrs.size(), attrs.lastModifiedTime(), attrs.fileKey());
  }

  /** Whether the attributes read now describe the same, unchanged file. */
  boolean sameAs(BasicFileAttributes now) {
    return now.isRegularFile() && now.size() == size && now.lastModifiedTime().equals(mtime)
        && Objects.equals(now.fileKey(), fileKey);
  }
}
