package dev.safeload.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;

/** SHA-256 from the JDK's SUN provider: the HotSpot intrinsic, whatever providers the application installed. */
public final class Digests {
  private Digests() {}

  /** A fresh SHA-256 digest from the SUN provider. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256", "SUN");
    } catch (NoSuchAlgorithmException | NoSuchProviderException e) {
      // Every Java SE runtime ships SUN with SHA-256; without it we cannot verify anything.
      throw new IllegalStateException("the JDK's SUN SHA-256 is unavailable", e);
    }
  }

  /** SHA-256 of bytes {@code [start, end)} of a verified copy, slicing within chunks (no copying). */
  public static dev.safeload.provenance.Sha256 sha256Range(ChunkedBytes bytes, long start, long end) {
    Hasher h = new Hasher(java.util.List.of()); // one heap array, not MessageDigest's 4 KiB copies
    long pos = start;
    while (pos < end) {
      long inChunk = pos & (ChunkedBytes.CHUNK - 1);
      int n = (int) Math.min(end - pos, ChunkedBytes.CHUNK - inChunk);
      h.update(bytes.slice(pos, n));
      pos += n;
    }
    return h.finish().sha256();
  }
}
