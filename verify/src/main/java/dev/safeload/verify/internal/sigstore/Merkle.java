package dev.safeload.verify.internal.sigstore;

import dev.safeload.ReasonCode;
import dev.safeload.provenance.Sha256;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.security.MessageDigest;
import java.util.List;

/** RFC 9162 Merkle inclusion proofs (the RFC 6962 hashing Rekor uses). */
final class Merkle {
  private Merkle() {}

  static byte[] leafHash(byte[] leaf) {
    MessageDigest md = Sha256.newMessageDigest();
    md.update((byte) 0);
    md.update(leaf);
    return md.digest();
  }

  private static byte[] node(byte[] l, byte[] r) {
    MessageDigest md = Sha256.newMessageDigest();
    md.update((byte) 1);
    md.update(l);
    md.update(r);
    return md.digest();
  }

  /** RFC 9162 §2.1.3.2; throws unless the proof leads from the leaf hash to {@code root}. */
  static void verifyInclusion(
      long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root)
      throws SignatureVerificationException {
    ReasonCode r = VerifyReason.SIGSTORE_INCLUSION_PROOF_INVALID;
    if (size <= 0 || index < 0 || index >= size) {
      throw new SignatureVerificationException(
          r, "inclusion proof index " + index + " is outside a tree of size " + size);
    }
    long fn = index;
    long sn = size - 1;
    byte[] h = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) {
        throw new SignatureVerificationException(
            r, "inclusion proof is longer than the tree is deep");
      }
      if ((fn & 1) == 1 || fn == sn) {
        h = node(p, h);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        h = node(h, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw new SignatureVerificationException(
          r, "inclusion proof is shorter than the tree is deep");
    }
    if (!MessageDigest.isEqual(h, root)) {
      throw new SignatureVerificationException(
          r, "inclusion proof does not lead to the stated root hash");
    }
  }
}
