package dev.safeload.internal;

import dev.safeload.provenance.Sha256;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The bytes of one file as read (and, for the copying modes, copied) in one pass, with their
 * digests.
 *
 * @param bytes the bytes validation will see and the application will get
 * @param digests digests of exactly those bytes: the whole file and the declared shards
 * @param privateCopy the private file holding them, for {@code PRIVATE_FILE}
 * @param copyChannel the open descriptor of {@code privateCopy} that {@code bytes} maps, for
 *     reading it as a stream while it is judged ({@link StreamedBytes}); the caller closes it
 */
record ReadBytes(
    ChunkedBytes bytes,
    Hasher.FileDigests digests,
    @Nullable Path privateCopy,
    @Nullable FileChannel copyChannel) {
  ReadBytes(ChunkedBytes bytes, Hasher.FileDigests digests) {
    this(bytes, digests, null, null);
  }

  /** SHA-256 of the whole file, or null if only its shards were hashed. */
  @Nullable Sha256 sha256() {
    return digests.sha256();
  }
}
