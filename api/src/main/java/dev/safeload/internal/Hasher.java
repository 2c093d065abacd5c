package dev.safeload.internal;

import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.Sha256;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The digests of one file's single pass: the whole-file SHA-256 (unless nobody needs it) and, for
 * each shard size a verifier declared, the SHA-256 of every fixed-size range.
 *
 * <p>Bytes are copied from the (direct or mapped) buffer into one heap array of {@value #SCRATCH}
 * bytes and every digest is fed from it. {@code MessageDigest.update(ByteBuffer)} on a direct
 * buffer copies through a temporary array of 4 KiB on each call, once per digest; here each byte is
 * copied once, in larger pieces that stay in the first-level cache while all digests read them.
 */
final class Hasher {
  /** Bytes copied at a time: small enough to stay in L1/L2 while every digest reads them. */
  static final int SCRATCH = 64 << 10;

  /** Shard sizes computed per pass at most: each costs a full extra SHA-256 of the file. */
  static final int MAX_SHARD_SIZES = 4;

  /**
   * Bytes fed to any digest (each digest counts its own): a test hook, so that tests can count the
   * hashing work a load does against the file's size.
   */
  static final AtomicLong BYTES_HASHED = new AtomicLong();

  private final @Nullable MessageDigest whole;
  private final long[] sizes;
  private final MessageDigest[] shard;
  private final long[] filled;
  private final List<List<Sha256>> done = new ArrayList<>();
  private final byte[] scratch = new byte[SCRATCH];
  private long count;

  /**
   * A hasher of the whole file and the given shard sizes.
   *
   * @param shardSizes the sizes to compute, from {@link #plan}
   */
  Hasher(Collection<Long> shardSizes) {
    this(true, shardSizes);
  }

  /**
   * @param wholeFile whether to compute the whole-file digest; without it, {@link
   *     FileDigests#sha256()} is null and at least one shard size must be given
   * @param shardSizes the sizes to compute, from {@link #plan}
   */
  Hasher(boolean wholeFile, Collection<Long> shardSizes) {
    if (!wholeFile && shardSizes.isEmpty()) {
      throw new IllegalArgumentException("a hasher must compute some digest");
    }
    whole = wholeFile ? Sha256.newMessageDigest() : null;
    sizes = shardSizes.stream().mapToLong(Long::longValue).toArray();
    shard = new MessageDigest[sizes.length];
    filled = new long[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      shard[i] = Sha256.newMessageDigest();
      done.add(new ArrayList<>());
    }
  }

  /**
   * The shard sizes a pass computes, from what the verifiers declared: sizes of at least {@link
   * DigestedFile#MIN_SHARD_SIZE}, the smallest {@value #MAX_SHARD_SIZES} of them. Others are hashed
   * on request over the bytes already read ({@link Digests#sha256Range}).
   */
  static List<Long> plan(Collection<Long> declared) {
    TreeSet<Long> s = new TreeSet<>();
    for (Long size : declared) {
      if (size != null && size >= DigestedFile.MIN_SHARD_SIZE) {
        s.add(size);
      }
    }
    List<Long> out = new ArrayList<>(s);
    return List.copyOf(out.subList(0, Math.min(out.size(), MAX_SHARD_SIZES)));
  }

  /**
   * What one file's pass computes: the whole-file digest or not, and which shard sizes.
   *
   * @param wholeFile whether some verifier (or the loader itself) needs the whole-file digest
   * @param shardSizes the shard sizes, from {@link #plan}
   */
  record Plan(boolean wholeFile, List<Long> shardSizes) {
    Plan {
      shardSizes = List.copyOf(shardSizes);
      if (!wholeFile && shardSizes.isEmpty()) {
        throw new IllegalArgumentException("a pass must compute some digest");
      }
    }

    Hasher newHasher() {
      return new Hasher(wholeFile, shardSizes);
    }

    /**
     * Whether the file's shards can be hashed in parallel: no whole-file digest (which cannot be
     * split), one shard size, and more than one shard of it.
     */
    boolean parallel(long size) {
      return !wholeFile && shardSizes.size() == 1 && size > shardSizes.get(0);
    }
  }

  /** Hashes the buffer's remaining bytes, advancing its position to its limit. */
  void update(ByteBuffer b) {
    while (b.hasRemaining()) {
      int n = Math.min(b.remaining(), SCRATCH);
      b.get(scratch, 0, n);
      update(scratch, 0, n);
    }
  }

  /** Hashes {@code len} bytes of {@code a} from {@code off}. */
  void update(byte[] a, int off, int len) {
    if (whole != null) {
      whole.update(a, off, len);
      BYTES_HASHED.addAndGet(len);
    }
    BYTES_HASHED.addAndGet((long) len * sizes.length);
    for (int i = 0; i < sizes.length; i++) {
      int p = off;
      int left = len;
      while (left > 0) {
        int k = (int) Math.min(left, sizes[i] - filled[i]);
        shard[i].update(a, p, k);
        filled[i] += k;
        p += k;
        left -= k;
        if (filled[i] == sizes[i]) {
          done.get(i).add(Sha256.of(shard[i].digest()));
          filled[i] = 0;
        }
      }
    }
    count += len;
  }

  /** Bytes hashed so far. */
  long count() {
    return count;
  }

  /** The digests of everything hashed; this hasher is finished. */
  FileDigests finish() {
    Map<Long, List<Sha256>> shards = new TreeMap<>();
    for (int i = 0; i < sizes.length; i++) {
      if (filled[i] > 0) {
        done.get(i).add(Sha256.of(shard[i].digest()));
      }
      shards.put(sizes[i], List.copyOf(done.get(i)));
    }
    return new FileDigests(whole == null ? null : Sha256.of(whole.digest()), Map.copyOf(shards));
  }

  /**
   * The digests of one file.
   *
   * @param sha256 of the whole file, or null if it was not computed (then there are shards)
   * @param shards per shard size, the digests of its ranges in order
   */
  record FileDigests(@Nullable Sha256 sha256, Map<Long, List<Sha256>> shards) {
    FileDigests {
      if (sha256 == null && shards.isEmpty()) {
        throw new IllegalArgumentException("a file's digests need the whole file or its shards");
      }
    }
  }
}
