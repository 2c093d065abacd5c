package dev.safeload.internal;

import dev.safeload.Delivery;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ProgressListener;
import dev.safeload.Reason;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.jspecify.annotations.Nullable;

/**
 * Stage 3a: one file, read once while hashed, then judged ({@link FileValidation}) — and the
 * verdict kept only if the bytes judged are the bytes hashed.
 *
 * <p>A copy ({@code COPY_TO_MEMORY}, {@code PRIVATE_FILE}) is judged after the read, so the bytes
 * judged are the private copy that was hashed. A mapping ({@code MAPPED_TRUSTED}, and every scan)
 * is shared with the file on disk, so the file's size, modification and change times and identity
 * are compared after the verdict as well as after the read: a file rewritten in place, even with
 * its old size and modification time restored, shows a new change time and is {@code
 * SOURCE_CHANGED}.
 */
final class FileReading {
  private final LoadPolicy policy;
  private final Delivery mode;
  private final @Nullable Path privateDir;
  private final ProgressListener progress;
  private final List<Long> shardSizes;

  /**
   * @param shardSizes shard sizes to hash in the single pass, from {@link Hasher#plan}
   */
  FileReading(
      LoadPolicy policy,
      Delivery mode,
      @Nullable Path privateDir,
      ProgressListener progress,
      List<Long> shardSizes) {
    this.policy = policy;
    this.mode = mode;
    this.privateDir = privateDir;
    this.progress = progress;
    this.shardSizes = List.copyOf(shardSizes);
  }

  /**
   * Reads and judges one file.
   *
   * @param spareCore whether a core is free (files are read one at a time), so that a large mapping
   *     may be judged on a second thread while this one hashes it
   */
  CheckedFile check(
      SourceFile src, NameRoles.Role role, FileValidation validation, boolean spareCore)
      throws IOException {
    String name = src.name();
    boolean follow = policy.allowsSymlinks();
    if (!policy.allowsHardLinks() && src.links() != 1) {
      return CheckedFile.unread(
          src,
          new Finding(
              Reason.HARDLINK,
              name,
              Finding.NO_OFFSET,
              src.links() < 0
                  ? "cannot read the link count on this file system; allowHardLinks() to skip the check"
                  : "the file has " + src.links() + " hard links"));
    }
    if (src.size() > policy.get(LoadPolicy.MAX_FILE_BYTES)) {
      return CheckedFile.unread(
          src,
          new Finding(
              Reason.FILE_TOO_LARGE,
              name,
              Finding.NO_OFFSET,
              src.size() + " bytes is over the limit of " + policy.get(LoadPolicy.MAX_FILE_BYTES)));
    }
    boolean concurrent =
        spareCore
            && mode == Delivery.MAPPED_TRUSTED
            && src.size() >= SourceReader.CONCURRENT_VALIDATION_MIN_BYTES;
    ReadBytes read;
    FutureTask<FileValidation.Outcome> early = null;
    try (FileChannel ch = src.open(follow)) {
      SafeProgress progressOfFile = new SafeProgress(progress, name, src.size());
      if (concurrent) {
        List<ByteBuffer> mapping = SourceReader.mapReadOnly(ch, src.size());
        ChunkedBytes bytes = new ChunkedBytes(mapping);
        early = new FutureTask<>(() -> validation.validate(name, bytes, role));
        Thread t = new Thread(early, "safeload-validate");
        t.setDaemon(true);
        t.start();
        Hasher.FileDigests digests;
        try {
          digests = SourceReader.hashByReading(ch, src.size(), shardSizes, progressOfFile);
        } finally {
          awaitQuietly(early);
        }
        read = new ReadBytes(bytes, digests, null);
      } else {
        read =
            SourceReader.read(
                ch,
                src.size(),
                mode,
                // Only PRIVATE_FILE writes there, and it always has a private directory.
                privateDir != null ? privateDir : Path.of(""),
                name,
                shardSizes,
                progressOfFile);
      }
    } catch (SourceReader.ShortReadException e) {
      return CheckedFile.unread(
          src, new Finding(Reason.SOURCE_CHANGED, name, Finding.NO_OFFSET, e.getMessage()));
    } catch (IOException | UncheckedIOException e) {
      if (e instanceof InterruptedIOException) {
        throw (InterruptedIOException) e;
      }
      return CheckedFile.unread(
          src, new Finding(Reason.IO_ERROR, name, Finding.NO_OFFSET, String.valueOf(e)));
    } catch (InternalError e) {
      // A mapped file truncated under us faults on access; HotSpot reports it as InternalError.
      return CheckedFile.unread(src, mappingFault(name, e.getMessage()));
    }
    CheckedFile readOnly =
        new CheckedFile(
            src,
            read.bytes(),
            read.sha256(),
            read.digests().shards(),
            read.privateCopy(),
            null,
            "",
            null,
            List.of(),
            false);
    if (!src.unchanged(follow)) {
      return readOnly.discarded(changed(name, "while reading"));
    }
    FileValidation.Outcome outcome;
    try {
      outcome = early != null ? early.get() : validation.validate(name, read.bytes(), role);
    } catch (InternalError e) {
      return readOnly.discarded(mappingFault(name, e.getMessage()));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof InternalError ie) {
        return readOnly.discarded(mappingFault(name, ie.getMessage()));
      }
      return readOnly.discarded(internalError(name, Objects.requireNonNullElse(e.getCause(), e)));
    } catch (RuntimeException e) {
      // A defect of our own outside any handler: the file is refused, the scan still reports.
      return readOnly.discarded(internalError(name, e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while validating " + name);
    }
    if (mode == Delivery.MAPPED_TRUSTED && !src.unchanged(follow)) {
      // The verdict was given on a live mapping: it holds only if the file is still the one hashed.
      return readOnly.discarded(changed(name, "while it was validated"));
    }
    CheckedFile checked =
        new CheckedFile(
            src,
            read.bytes(),
            read.sha256(),
            read.digests().shards(),
            read.privateCopy(),
            outcome.handler(),
            outcome.format(),
            outcome.description(),
            outcome.findings(),
            outcome.unclaimed());
    Finding blob = cacheBlobMismatch(src, read);
    return blob == null ? checked : checked.discarded(blob);
  }

  private static Finding changed(String name, String when) {
    return new Finding(
        Reason.SOURCE_CHANGED,
        name,
        Finding.NO_OFFSET,
        "size, modification or change time, or identity changed " + when);
  }

  private static Finding internalError(String name, Throwable e) {
    return new Finding(
        Reason.HANDLER_ERROR,
        name,
        Finding.NO_OFFSET,
        "internal error while judging the file: " + e);
  }

  private static Finding mappingFault(String name, @Nullable String message) {
    return new Finding(
        Reason.SOURCE_CHANGED,
        name,
        Finding.NO_OFFSET,
        "mapped file became inaccessible: " + message);
  }

  private static void awaitQuietly(FutureTask<?> task) {
    boolean interrupted = false;
    while (true) {
      try {
        task.get();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException e) {
        break; // reported by the caller
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * For a file read through a Hugging Face cache link: whether the blob's name, its digest, matches
   * the bytes read (SHA-256 for LFS files; the git blob SHA-1 for small files, hashed over the
   * bytes already in memory, never re-read).
   */
  static @Nullable Finding cacheBlobMismatch(SourceFile src, ReadBytes read) {
    String blob = src.cacheBlob();
    if (blob == null) {
      return null;
    }
    String actual = blob.length() == 64 ? read.sha256().hex() : gitBlobSha1(read.bytes());
    if (actual.equals(blob)) {
      return null;
    }
    return new Finding(
        Reason.CACHE_BLOB_MISMATCH,
        src.name(),
        Finding.NO_OFFSET,
        "the cache blob is named " + blob + " but its bytes hash to " + actual);
  }

  /** The id git gives a file: SHA-1 over {@code "blob <size>\0"} and the bytes. */
  static String gitBlobSha1(ChunkedBytes bytes) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-1", "SUN");
    } catch (NoSuchAlgorithmException | NoSuchProviderException e) {
      throw new IllegalStateException("the JDK's SUN SHA-1 is unavailable", e);
    }
    md.update(("blob " + bytes.size() + "\0").getBytes(StandardCharsets.US_ASCII));
    for (ByteBuffer b : bytes.buffers()) {
      md.update(b.duplicate());
    }
    return java.util.HexFormat.of().formatHex(md.digest());
  }
}
