package dev.safeload;

import dev.safeload.internal.HfCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The links of a Hugging Face hub cache snapshot ({@code models--ORG--NAME/snapshots/REV/}), as the
 * loader follows them, for a tool that must read a file of a snapshot before the loader walks it (a
 * signature whose ignore list applies to the walk).
 */
public final class HuggingFaceCache {
  private HuggingFaceCache() {}

  /**
   * The blob that {@code link} leads to, if it is a link of a cache snapshot in the form
   * huggingface_hub writes (relative, {@code ..} segments then {@code blobs/DIGEST}, staying inside
   * the repository folder, ending at a regular file directly in its {@code blobs/}): the one rule
   * by which the loader follows such links. Empty for any other path or link. The blob's name is
   * the digest its bytes must have; the loader checks that for what it reads ({@link
   * Reason#CACHE_BLOB_MISMATCH}).
   *
   * @throws IOException if the link cannot be read
   */
  public static Optional<Path> blobOf(Path link) throws IOException {
    return Optional.ofNullable(HfCache.followedBlob(link));
  }
}
