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

/**
 * The digests of one file's single pass: the whole-file SHA-256 and, for each shard size a verifier
 * declared, the SHA-256 of every fixed-size range.
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

  private final MessageDigest whole = dev.safeload.provenance.Sha256.newMessageDigest();
  private final long[] sizes;
  private final MessageDigest[] shard;
  private final long[] filled;
  private final List<List<Sha256>> done = new ArrayList<>();
  private final byte[] scratch = new byte[SCRATCH];
  private long count;

  /**
   * @param shardSizes the sizes to compute, from {@link #plan}
   */
  Hasher(Collection<Long> shardSizes) {
    sizes = shardSizes.stream().mapToLong(Long::longValue).toArray();
    shard = new MessageDigest[sizes.length];
    filled = new long[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      shard[i] = dev.safeload.provenance.Sha256.newMessageDigest();
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
    whole.update(a, off, len);
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
    return new FileDigests(Sha256.of(whole.digest()), Map.copyOf(shards));
  }

  /**
   * The digests of one file.
   *
   * @param sha256 of the whole file
   * @param shards per shard size, the digests of its ranges in order
   */
  record FileDigests(Sha256 sha256, Map<Long, List<Sha256>> shards) {}
}
