package dev.safeload.verify.internal.sigstore;

import dev.safeload.ReasonCode;
import dev.safeload.provenance.Sha256;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.x509.Keys;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * C2SP signed-note checkpoints: {@code origin\nsize\nbase64(root)\n[extension lines]\n\n— name
 * base64(keyhint‖sig)\n…}. The log's own signature must be present and valid (sigstore-java
 * CVE-2024-54140 skipped this); other (witness) signatures are ignored.
 */
final class Checkpoint {
  private static final int MAX_BYTES = 64 * 1024;
  private static final int MAX_SIGNATURES = 32;

  private Checkpoint() {}

  static void verify(String note, TrustedRoot.Log log, long treeSize, byte[] rootHash)
      throws SignatureVerificationException {
    ReasonCode r = VerifyReason.SIGSTORE_CHECKPOINT_INVALID;
    if (note.length() > MAX_BYTES) {
      throw new SignatureVerificationException(r, "checkpoint is too large");
    }
    int sep = note.indexOf("\n\n");
    if (sep < 0) {
      throw new SignatureVerificationException(r, "checkpoint has no signature block");
    }
    String body = note.substring(0, sep + 1);
    String[] lines = body.split("\n", -1);
    // lines ends with "" after the final newline
    if (lines.length < 4 || lines[0].isEmpty()) {
      throw new SignatureVerificationException(r, "checkpoint lacks origin, size or root hash");
    }
    long size;
    byte[] root;
    try {
      if (!lines[1].chars().allMatch(c -> c >= '0' && c <= '9')
          || lines[1].isEmpty()
          || lines[1].length() > 19) {
        throw new NumberFormatException();
      }
      size = Long.parseLong(lines[1]);
      root = Base64.getDecoder().decode(lines[2]);
    } catch (IllegalArgumentException e) {
      throw new SignatureVerificationException(r, "checkpoint size or root hash is malformed");
    }
    if (size != treeSize || !MessageDigest.isEqual(root, rootHash)) {
      throw new SignatureVerificationException(
          r, "checkpoint does not commit to the proof's tree size and root hash");
    }
    byte[] signed = body.getBytes(StandardCharsets.UTF_8);
    String[] sigLines = note.substring(sep + 2).split("\n", -1);
    if (sigLines.length > MAX_SIGNATURES + 1) {
      throw new SignatureVerificationException(r, "checkpoint carries too many signatures");
    }
    List<byte[]> hints = hints(log);
    for (String line : sigLines) {
      if (line.isEmpty()) {
        continue;
      }
      int sp = line.lastIndexOf(' ');
      // "— name signature": a non-empty name between the em dash's space and the last space.
      if (!line.startsWith("\u2014 ") || sp < 3) {
        throw new SignatureVerificationException(r, "malformed checkpoint signature line");
      }
      String name = line.substring(2, sp);
      if (!name.equals(log.name())) {
        continue; // a witness cosignature: not needed, not trusted
      }
      byte[] raw;
      try {
        raw = Base64.getDecoder().decode(line.substring(sp + 1));
      } catch (IllegalArgumentException e) {
        throw new SignatureVerificationException(r, "checkpoint signature is not base64");
      }
      if (raw.length <= 4) {
        continue;
      }
      byte[] hint = Arrays.copyOf(raw, 4);
      if (hints.stream().noneMatch(h -> Arrays.equals(h, hint))) {
        continue;
      }
      if (Keys.verify(
          log.key(),
          Keys.algorithmFor(log.key()),
          signed,
          Arrays.copyOfRange(raw, 4, raw.length))) {
        return;
      }
    }
    throw new SignatureVerificationException(
        r, "checkpoint carries no valid signature by " + log.name());
  }

  private static List<byte[]> hints(TrustedRoot.Log log) throws SignatureVerificationException {
    byte[] idHint = Arrays.copyOf(log.logId(), 4);
    byte[] c2sp;
    MessageDigest md = Sha256.newMessageDigest();
    md.update(log.name().getBytes(StandardCharsets.UTF_8));
    md.update((byte) 0x0A);
    if (log.key() instanceof ECPublicKey) {
      md.update((byte) 0x02);
      md.update(log.key().getEncoded());
    } else {
      md.update((byte) 0x01);
      byte[] spki = log.key().getEncoded();
      md.update(spki, spki.length - 32, 32); // raw Ed25519 key: the SPKI's last 32 bytes
    }
    c2sp = Arrays.copyOf(md.digest(), 4);
    if (log.checkpointKeyId() != null) {
      return List.of(idHint, c2sp, Arrays.copyOf(log.checkpointKeyId(), 4));
    }
    return List.of(idHint, c2sp);
  }
}
