package dev.safeload.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;

/** Digests over a verified copy's chunks. */
public final class Digests {
  private Digests() {}

  /**
   * SHA-256 of bytes {@code [start, end)} of a verified copy, slicing within chunks (no copying).
   */
  public static dev.safeload.provenance.Sha256 sha256Range(
      ChunkedBytes bytes, long start, long end) {
    Hasher h = new Hasher(java.util.List.of()); // one heap array, not MessageDigest's 4 KiB copies
    long pos = start;
    while (pos < end) {
      long inChunk = pos & (ChunkedBytes.CHUNK - 1);
      int n = (int) Math.min(end - pos, ChunkedBytes.CHUNK - inChunk);
      h.update(bytes.slice(pos, n));
      pos += n;
    }
    // A hasher made with the whole-file digest always has one.
    return java.util.Objects.requireNonNull(h.finish().sha256());
  }

  /** SHA-512 of a whole verified copy, chunk by chunk (no copying). */
  public static byte[] sha512(ChunkedBytes bytes) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-512", "SUN");
    } catch (NoSuchAlgorithmException | NoSuchProviderException e) {
      throw new IllegalStateException("the JDK's SUN SHA-512 is unavailable", e);
    }
    long end = bytes.size();
    long pos = 0;
    while (pos < end) {
      int n = (int) Math.min(end - pos, ChunkedBytes.CHUNK);
      md.update(bytes.slice(pos, n));
      pos += n;
    }
    return md.digest();
  }
}
