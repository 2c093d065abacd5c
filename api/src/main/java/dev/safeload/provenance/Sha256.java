package dev.safeload.provenance;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A SHA-256 digest: an immutable 32-byte value. {@link #equals} compares in constant time, so a
 * digest check never leaks how many leading bytes matched.
 */
public final class Sha256 {
  /** Digest length in bytes. */
  public static final int LENGTH = 32;

  private final byte[] bytes;

  private Sha256(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * A fresh SHA-256 {@link MessageDigest} from the JDK's SUN provider, the one factory every
   * safeload module uses. Naming the provider keeps a provider the application registered out of
   * the digest that decides what is trusted, and SUN's implementation is the one HotSpot
   * accelerates.
   *
   * @throws IllegalStateException if the runtime lacks SUN's SHA-256, which every Java SE runtime
   *     ships; without it nothing can be verified
   */
  public static MessageDigest newMessageDigest() {
    try {
      return MessageDigest.getInstance("SHA-256", "SUN");
    } catch (NoSuchAlgorithmException | NoSuchProviderException e) {
      throw new IllegalStateException("the JDK's SUN SHA-256 is unavailable", e);
    }
  }

  /** The SHA-256 digest of {@code data}. */
  public static Sha256 hash(byte[] data) {
    return new Sha256(newMessageDigest().digest(data));
  }

  /** Wraps a copy of 32 digest bytes. */
  public static Sha256 of(byte[] digest) {
    if (digest.length != LENGTH) {
      throw new IllegalArgumentException("SHA-256 digests are 32 bytes, got " + digest.length);
    }
    return new Sha256(digest.clone());
  }

  /**
   * Parses 64 lower- or upper-case hex digits.
   *
   * @throws IllegalArgumentException if the text is not exactly 64 hex digits
   */
  public static Sha256 ofHex(String hex) {
    if (hex.length() != 2 * LENGTH) {
      throw new IllegalArgumentException("a SHA-256 digest is 64 hex digits");
    }
    try {
      return new Sha256(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a hex SHA-256 digest", e);
    }
  }

  /** A copy of the digest bytes. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** Lower-case hex, as {@code sha256sum} prints it. */
  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  /** Constant-time comparison. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Sha256 other && MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "sha256:" + hex();
  }
}
