package dev.safeload.internal;

import java.security.MessageDigest;

/** Digests over a verified copy's chunks. */
public final class Digests {
  private Digests() {}

  /** SHA-256 of bytes {@code [start, end)} of a verified copy, slicing within chunks (no copying). */
  public static dev.safeload.provenance.Sha256 sha256Range(ChunkedBytes bytes, long start, long end) {
    MessageDigest md = dev.safeload.provenance.Sha256.newMessageDigest();
    long pos = start;
    while (pos < end) {
      long inChunk = pos & (ChunkedBytes.CHUNK - 1);
      int n = (int) Math.min(end - pos, ChunkedBytes.CHUNK - inChunk);
      md.update(bytes.slice(pos, n));
      pos += n;
    }
    return dev.safeload.provenance.Sha256.of(md.digest());
  }
}
