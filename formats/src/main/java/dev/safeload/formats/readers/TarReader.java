package dev.safeload.formats.readers;

import dev.safeload.spi.ModelBytes;
import dev.safeload.spi.SecondReader;
import java.nio.ByteBuffer;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Python's {@code tarfile}, as torch's legacy loader uses it: {@code torch.load} first tries {@code
 * tarfile.open(mode='r:')} on a non-zip file and, if the first 512-byte block is a tar header whose
 * checksum field matches the block, reads the archive and unpickles its members. A legacy
 * checkpoint whose first block is also such a header runs the tar's pickles instead of its own.
 *
 * <p>The header test follows {@code tarfile.TarInfo.frombuf}: a block of 512 bytes, not all zero,
 * whose checksum field (bytes 148–155) holds an octal number (as {@code int(s, 8)} reads it: sign,
 * {@code 0o} prefix and underscores included), or a base-256 number, equal to the unsigned or the
 * signed byte sum of the block with that field counted as eight spaces.
 */
public final class TarReader implements SecondReader {
  private static final int BLOCK = 512;

  @Override
  public String id() {
    return "tar";
  }

  @Override
  public Set<String> formats() {
    return Set.of("archive-wrapper");
  }

  @Override
  public @Nullable String opens(ModelBytes bytes) {
    if (bytes.size() < BLOCK) {
      return null;
    }
    ByteBuffer b = bytes.slice(0, BLOCK);
    // The field first: it is eight bytes and nearly every file that is not a tar fails it, so the
    // block is summed only for the few that pass. The answer is the same in either order.
    Long field = checksumField(b);
    if (field == null) {
      return null;
    }
    long unsigned = 0;
    long signed = 0;
    boolean allZero = true;
    for (int i = 0; i < BLOCK; i++) {
      int v = b.get(i);
      allZero &= v == 0;
      if (i >= 148 && i < 156) {
        v = ' ';
      }
      unsigned += v & 0xff;
      signed += v;
    }
    if (allZero) {
      return null;
    }
    if (field != unsigned && field != signed) {
      return null;
    }
    return "a tar header with a valid checksum at offset 0";
  }

  /** The checksum field as {@code tarfile.nti} reads it, or null where it would raise. */
  static @Nullable Long checksumField(ByteBuffer b) {
    int first = b.get(148) & 0xff;
    if (first == 0x80 || first == 0xff) {
      long n = 0;
      for (int i = 149; i < 156; i++) {
        n = (n << 8) | (b.get(i) & 0xff);
      }
      return first == 0xff ? n - (1L << 56) : n;
    }
    // nts(): up to the first NUL; then int(s.strip() or "0", 8).
    StringBuilder s = new StringBuilder();
    for (int i = 148; i < 156; i++) {
      int c = b.get(i) & 0xff;
      if (c == 0) {
        break;
      }
      if (c >= 0x80) {
        return null; // not ASCII: nts() raises
      }
      s.append((char) c);
    }
    String t = s.toString().strip();
    if (t.isEmpty()) {
      return 0L;
    }
    int i = 0;
    boolean negative = false;
    if (t.charAt(0) == '+' || t.charAt(0) == '-') {
      negative = t.charAt(0) == '-';
      i = 1;
    }
    // int(s, 8) also takes the literal's prefix, after which one underscore may come: '0o_17'
    boolean prefixed = i + 1 < t.length() && t.charAt(i) == '0' && (t.charAt(i + 1) | 0x20) == 'o';
    if (prefixed) {
      i += 2;
    }
    if (i >= t.length()) {
      return null;
    }
    long n = 0;
    boolean lastUnderscore = !prefixed; // no leading underscore, except after the prefix
    for (; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '_' && !lastUnderscore) {
        lastUnderscore = true;
        continue;
      }
      if (c < '0' || c > '7') {
        return null;
      }
      n = n * 8 + (c - '0');
      lastUnderscore = false;
    }
    return lastUnderscore ? null : negative ? -n : n;
  }
}
