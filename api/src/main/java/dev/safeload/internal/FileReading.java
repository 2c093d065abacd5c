package dev.safeload.internal;

import dev.safeload.Delivery;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.ProgressListener;
import dev.safeload.Reason;
import dev.safeload.provenance.Sha256;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.function.Predicate;
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
 * SOURCE_CHANGED}. Files under {@link #SMALL_COPY_BYTES} are read into memory under a mapping mode
 * too, and judged there ({@link #readMode}).
 */
final class FileReading {
  /**
   * Under {@code MAPPED_TRUSTED} (and in every scan), a file smaller than this is read once into
   * memory, hashed and judged there, as {@code COPY_TO_MEMORY} does. For a small file a mapping
   * costs more than the copy (the mapping, a page fault at the first read and the unmapping against
   * one {@code read()}), and judging the copy leaves no second read of the file: a writer that
   * dirtied a shared mapping of it before the scan can change its pages without touching its
   * modification or change time (Linux), which the status checks of a live mapping cannot see. At 1
   * MiB the copy is the size of one read step of the hash's and small beside the heap.
   */
  static final long SMALL_COPY_BYTES = 1 << 20;

  /**
   * The most a run copies so under a mapping mode, over all its files: the copies live as long as
   * the run (a later file may claim one as data), and a folder of thousands of files just under 1
   * MiB must not hold gigabytes of direct memory where mappings held none. Past it, small files are
   * mapped as before.
   */
  static final long SMALL_COPY_BUDGET = 64L << 20;

  private final java.util.concurrent.atomic.AtomicLong smallCopied =
      new java.util.concurrent.atomic.AtomicLong();

  private final LoadPolicy policy;
  private final Delivery mode;
  private final @Nullable Path privateDir;
  private final ProgressListener progress;
  private final List<Long> shardSizes;
  private final Predicate<SourceFile> needsSha256;
  private final @Nullable ExecutorService pool;
  private final int threads;

  /** A reading that always computes the whole-file digest, on the calling thread. */
  FileReading(
      LoadPolicy policy,
      Delivery mode,
      @Nullable Path privateDir,
      ProgressListener progress,
      List<Long> shardSizes) {
    this(policy, mode, privateDir, progress, shardSizes, f -> true, null, 1);
  }

  /**
   * @param shardSizes shard sizes to hash in the single pass, from {@link Hasher#plan}
   * @param needsSha256 whether a file's whole-file digest is needed; without it, its shards are
   *     hashed (in parallel when {@code pool} is given and there is more than one shard size)
   * @param pool the loader's threads, or null
   * @param threads how many threads {@code pool} has
   */
  FileReading(
      LoadPolicy policy,
      Delivery mode,
      @Nullable Path privateDir,
      ProgressListener progress,
      List<Long> shardSizes,
      Predicate<SourceFile> needsSha256,
      @Nullable ExecutorService pool,
      int threads) {
    this.policy = policy;
    this.mode = mode;
    this.privateDir = privateDir;
    this.progress = progress;
    this.shardSizes = List.copyOf(shardSizes);
    this.needsSha256 = needsSha256;
    this.pool = pool;
    this.threads = threads;
  }

  /** The digests one file's pass computes. */
  Hasher.Plan plan(SourceFile src) {
    return new Hasher.Plan(shardSizes.isEmpty() || needsSha256.test(src), shardSizes);
  }

  /**
   * Reads and judges one file.
   *
   * @param spareCore whether a core is free (files are read one at a time), so that a large mapping
   *     may be judged on a second thread while this one hashes it, or a large in-memory copy
   *     written on a second thread while this one reads and hashes ({@link CopyWriter})
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
    Hasher.Plan plan = plan(src);
    // Shards are read in parallel at their own positions: only a local file allows that; a stream
    // is read once, in order, and its shards hashed on the way.
    ExecutorService shardPool = src.local() && plan.parallel(src.size()) ? pool : null;
    boolean concurrent =
        spareCore
            && shardPool == null
            && mode == Delivery.MAPPED_TRUSTED
            && src.size() >= SourceReader.CONCURRENT_VALIDATION_MIN_BYTES;
    ReadBytes read = null;
    Delivery readMode = mode;
    FutureTask<FileValidation.Outcome> early = null;
    // Open until the verdict: a mapping is judged through it (StreamedBytes), and the descriptor
    // is never re-opened by path.
    FileChannel ch = null;
    try {
      ch = src.open(follow);
      readMode = readMode(src.size());
      SafeProgress progressOfFile = new SafeProgress(progress, name, src.size());
      if (concurrent) {
        List<ByteBuffer> mapping = SourceReader.mapReadOnly(ch, src.size());
        ChunkedBytes bytes = new ChunkedBytes(mapping);
        StreamedBytes view = new StreamedBytes(bytes, ch);
        early = new FutureTask<>(() -> validation.validate(name, view, role));
        Thread t = new Thread(early, "safeload-validate");
        t.setDaemon(true);
        t.start();
        Hasher.FileDigests digests;
        try {
          digests = SourceReader.hashByReading(ch, src.size(), plan, progressOfFile);
        } finally {
          awaitQuietly(early);
        }
        read = new ReadBytes(bytes, digests);
      } else if (shardPool != null) {
        read =
            ParallelShards.read(
                ch,
                src.size(),
                mode,
                // Only PRIVATE_FILE writes there, and it always has a private directory.
                privateDir != null ? privateDir : Path.of(""),
                name,
                plan.shardSizes().get(0),
                shardPool,
                threads - 1,
                progressOfFile);
      } else {
        read =
            SourceReader.read(
                ch,
                src.size(),
                readMode,
                // Only PRIVATE_FILE writes there, and it always has a private directory.
                privateDir != null ? privateDir : Path.of(""),
                name,
                plan,
                progressOfFile,
                // A copy is judged after the read, so a free core may write it meanwhile.
                spareCore);
      }
    } catch (SourceReader.ShortReadException e) {
      closeQuietly(ch);
      return CheckedFile.unread(
          src, new Finding(Reason.SOURCE_CHANGED, name, Finding.NO_OFFSET, e.getMessage()));
    } catch (IOException | UncheckedIOException e) {
      closeQuietly(ch);
      if (e instanceof InterruptedIOException) {
        throw (InterruptedIOException) e;
      }
      return CheckedFile.unread(
          src, new Finding(Reason.IO_ERROR, name, Finding.NO_OFFSET, String.valueOf(e)));
    } catch (InternalError e) {
      closeQuietly(ch);
      // A mapped file truncated under us faults on access; HotSpot reports it as InternalError.
      return CheckedFile.unread(src, mappingFault(name, e.getMessage()));
    } catch (RuntimeException | Error e) {
      closeQuietly(ch);
      throw e;
    }
    StreamedBytes view = judgingView(read, ch, readMode);
    if (view == null || read.copyChannel() != null) {
      ch.close(); // judged in memory or through the private copy: the source is done with
    }
    boolean keep = false;
    try {
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
              false,
              null);
      if (!src.unchanged(follow)) {
        return readOnly.discarded(changed(name, "while reading"));
      }
      FileValidation.Outcome outcome;
      try {
        outcome =
            early != null
                ? early.get()
                : validation.validate(name, view != null ? view : read.bytes(), role);
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
        // The verdict was given on a live mapping: it holds only if the file is still the one
        // hashed.
        return readOnly.discarded(changed(name, "while it was validated"));
      }
      // Data that another file may still claim is judged again then (CrossFileChecks): a large one
      // keeps its view open until the run releases it.
      boolean keepView = view != null && outcome.unclaimed() && keepOpen(src);
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
              outcome.unclaimed(),
              keepView ? view : null);
      Finding blob = cacheBlobMismatch(src, read);
      keep = keepView;
      return blob == null ? checked : checked.discarded(blob);
    } finally {
      if (!keep && view != null) {
        view.close();
      }
    }
  }

  /**
   * The view a file is judged through: for bytes that live in a file (a mapping of the source, or
   * the private copy), one that streams by {@code read()} from the same descriptor; null to judge
   * the bytes in memory as they are.
   */
  private @Nullable StreamedBytes judgingView(
      ReadBytes read, FileChannel source, Delivery readMode) {
    FileChannel copy = read.copyChannel();
    if (copy != null) {
      return new StreamedBytes(read.bytes(), copy);
    }
    return readMode == Delivery.MAPPED_TRUSTED ? new StreamedBytes(read.bytes(), source) : null;
  }

  /**
   * How a file of {@code size} bytes is read: the run's mode, but under a mapping mode a small file
   * is copied while the run's copies stay within {@link #SMALL_COPY_BUDGET}.
   */
  Delivery readMode(long size) {
    if (mode != Delivery.MAPPED_TRUSTED || size >= SMALL_COPY_BYTES) {
      return mode;
    }
    long total = smallCopied.addAndGet(size);
    if (total > SMALL_COPY_BUDGET) {
      smallCopied.addAndGet(-size);
      return mode;
    }
    return Delivery.COPY_TO_MEMORY;
  }

  /**
   * Views kept open past their file's verdict: at most {@link #MAX_KEPT_OPEN} at a time, each of a
   * file of at least {@link #KEEP_OPEN_MIN_BYTES} (smaller files cost little to judge through their
   * mapping), so that a model of many unclaimed files cannot exhaust descriptors.
   */
  private final java.util.concurrent.atomic.AtomicInteger keptOpen =
      new java.util.concurrent.atomic.AtomicInteger();

  static final int MAX_KEPT_OPEN = 64;
  static final long KEEP_OPEN_MIN_BYTES = 16L << 20;

  private boolean keepOpen(SourceFile src) {
    if (src.size() < KEEP_OPEN_MIN_BYTES) {
      return false;
    }
    if (keptOpen.incrementAndGet() > MAX_KEPT_OPEN) {
      keptOpen.decrementAndGet();
      return false;
    }
    return true;
  }

  /**
   * Releases the descriptors of views kept for {@link CrossFileChecks}, once that stage is done.
   */
  List<CheckedFile> release(List<CheckedFile> files) throws IOException {
    List<CheckedFile> out = new ArrayList<>(files.size());
    for (CheckedFile f : files) {
      if (f.judged() != null) {
        keptOpen.decrementAndGet();
      }
      out.add(f.released());
    }
    return out;
  }

  /**
   * The last stage of a run over live mappings ({@code MAPPED_TRUSTED}, and every scan): each
   * accepted file read through a mapping of its source keeps its verdict only if the file is still
   * the one hashed. The stages after a file's own reading read its mapping again: a small file
   * claimed as referenced data is judged through it, a whole-model rule may re-read any accepted
   * file (ONNX re-parses its own model), and a proof may hash it (a SHA-512 subject, a signed range
   * not hashed in the pass). A rewrite after the read's own check would have those verdicts and
   * proofs speak for bytes other than those hashed and validated. One status call per file; a copy
   * is private and needs none.
   */
  List<CheckedFile> settle(List<CheckedFile> files) throws IOException {
    if (mode != Delivery.MAPPED_TRUSTED) {
      return files;
    }
    List<CheckedFile> out = new ArrayList<>(files.size());
    for (CheckedFile f : files) {
      out.add(
          f.accepted() && f.privateCopy() == null && !f.source().unchanged(policy.allowsSymlinks())
              ? f.discarded(changed(f.name(), "after it was read, while later checks read it"))
              : f);
    }
    return out;
  }

  /** Releases kept views after a failure, without judging anything. */
  static void releaseQuietly(List<CheckedFile> files) {
    for (CheckedFile f : files) {
      StreamedBytes v = f.judged();
      if (v != null) {
        try {
          v.close();
        } catch (IOException e) {
          // nothing more to release
        }
      }
    }
  }

  private static void closeQuietly(@Nullable FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // the read already failed; that is what is reported
      }
    }
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
    Sha256 sha256 = read.sha256();
    // A cache blob named by its SHA-256 always gets the whole-file digest (Engine#needsSha256);
    // without one, the name cannot be checked, so the file is refused rather than trusted.
    String actual =
        blob.length() != 64
            ? gitBlobSha1(read.bytes())
            : sha256 != null ? sha256.hex() : "(not computed)";
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
