package dev.safeload.verify.internal.x509;

import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERUTF8String;
import org.jspecify.annotations.Nullable;

/**
 * The build facts Fulcio copies from a CI provider's OIDC token into the signing certificate, as
 * extensions under {@code 1.3.6.1.4.1.57264.1} (Fulcio {@code docs/oid-info.md}). Values are what
 * the certificate says, read strictly:
 *
 * <ul>
 *   <li>the second generation ({@code .8} onward) must be a DER UTF8String with nothing after it;
 *   <li>the deprecated first generation ({@code .1}–{@code .6}) holds raw UTF-8 bytes;
 *   <li>where both generations carry a fact (issuer .1/.8, trigger .2/.20, commit .3/.13, ref
 *       .6/.14), they must agree, so two verifiers reading different OIDs cannot see two builds;
 *   <li>no value may be empty, hold a control character or exceed {@value #MAX_VALUE_CHARS}
 *       characters.
 * </ul>
 *
 * Any breach is {@link VerifyReason#ATTESTATION_CERT_EXTENSION_INVALID}. Extensions this class does
 * not know are ignored (Fulcio adds new ones over time).
 */
public final class FulcioExtensions {
  /** The Fulcio extension arc. */
  public static final String ARC = "1.3.6.1.4.1.57264.1.";

  /** Longest extension value we accept (Fulcio's values are URLs and hex digests). */
  public static final int MAX_VALUE_CHARS = 4096;

  private final Map<Integer, String> values;

  private FulcioExtensions(Map<Integer, String> values) {
    this.values = values;
  }

  /** OIDC issuer (.8, or .1). */
  public @Nullable String issuer() {
    return values.get(8);
  }

  /** The event that started the build, e.g. {@code push} (.20, or .2). */
  public @Nullable String buildTrigger() {
    return values.get(20);
  }

  /** The source repository's commit the build ran from (.13, or .3). */
  public @Nullable String sourceRepositoryDigest() {
    return values.get(13);
  }

  /** The git ref the build ran from, e.g. {@code refs/heads/main} (.14, or .6). */
  public @Nullable String sourceRepositoryRef() {
    return values.get(14);
  }

  /** The workflow that signed, at its ref (.9); a reusable workflow when one was used. */
  public @Nullable String buildSignerUri() {
    return values.get(9);
  }

  /** The commit of the signing workflow (.10). */
  public @Nullable String buildSignerDigest() {
    return values.get(10);
  }

  /** {@code github-hosted} or {@code self-hosted} (.11). */
  public @Nullable String runnerEnvironment() {
    return values.get(11);
  }

  /** The source repository, e.g. {@code https://github.com/sigstore/sigstore-js} (.12). */
  public @Nullable String sourceRepositoryUri() {
    return values.get(12);
  }

  /** The source repository's owner, e.g. {@code https://github.com/sigstore} (.16). */
  public @Nullable String sourceRepositoryOwnerUri() {
    return values.get(16);
  }

  /** The top-level workflow file at its ref (.18). */
  public @Nullable String buildConfigUri() {
    return values.get(18);
  }

  /** The run that built the artifact (.21). */
  public @Nullable String runInvocationUri() {
    return values.get(21);
  }

  /** {@code public} or {@code private} at signing time (.22). */
  public @Nullable String sourceRepositoryVisibility() {
    return values.get(22);
  }

  /** Reads and cross-checks the Fulcio extensions of {@code cert}. */
  public static FulcioExtensions of(X509Certificate cert) throws SignatureVerificationException {
    Map<Integer, String> out = new TreeMap<>();
    java.util.Set<String> oids = new java.util.TreeSet<>();
    if (cert.getNonCriticalExtensionOIDs() != null) {
      oids.addAll(cert.getNonCriticalExtensionOIDs());
    }
    if (cert.getCriticalExtensionOIDs() != null) {
      oids.addAll(cert.getCriticalExtensionOIDs());
    }
    Map<Integer, String> v1 = new TreeMap<>();
    for (String oid : oids) {
      if (!oid.startsWith(ARC)) {
        continue;
      }
      String tail = oid.substring(ARC.length());
      if (tail.isEmpty()
          || tail.length() > 3
          || !tail.chars().allMatch(c -> c >= '0' && c <= '9')) {
        continue; // a deeper arc (or a huge number) that Fulcio does not define
      }
      int n = Integer.parseInt(tail);
      byte[] ext = cert.getExtensionValue(oid);
      if (n >= 1 && n <= 6) {
        v1.put(n, check(n, rawUtf8(octets(ext, n), n)));
      } else if (n >= 8) { // .7 is the otherName SAN type, never an extension
        out.put(n, check(n, derUtf8(octets(ext, n), n)));
      }
    }
    agree(out, v1, 8, 1);
    agree(out, v1, 20, 2);
    agree(out, v1, 13, 3);
    agree(out, v1, 14, 6);
    return new FulcioExtensions(java.util.Collections.unmodifiableMap(out));
  }

  /**
   * Adopts the first-generation value where the second is absent, and requires them equal
   * otherwise.
   */
  private static void agree(
      Map<Integer, String> v2, Map<Integer, String> v1, int newOid, int oldOid)
      throws SignatureVerificationException {
    String a = v2.get(newOid);
    String b = v1.get(oldOid);
    if (a != null && b != null && !a.equals(b)) {
      throw invalid("extensions " + ARC + oldOid + " and " + ARC + newOid + " disagree");
    }
    if (a == null && b != null) {
      v2.put(newOid, b);
    }
  }

  private static byte[] octets(byte @Nullable [] ext, int n) throws SignatureVerificationException {
    if (ext == null) {
      throw invalid("extension " + ARC + n + " has no value");
    }
    try {
      return ASN1OctetString.getInstance(ASN1Primitive.fromByteArray(ext)).getOctets();
    } catch (IOException | RuntimeException e) {
      throw invalid("extension " + ARC + n + " is not an OCTET STRING");
    }
  }

  private static String derUtf8(byte[] der, int n) throws SignatureVerificationException {
    try {
      ASN1Primitive p = ASN1Primitive.fromByteArray(der); // rejects trailing bytes
      if (!(p instanceof DERUTF8String s) || !java.util.Arrays.equals(s.getEncoded("DER"), der)) {
        throw invalid("extension " + ARC + n + " is not a DER UTF8String");
      }
      return s.getString();
    } catch (IOException | RuntimeException e) {
      throw invalid("extension " + ARC + n + " is not a DER UTF8String");
    }
  }

  private static String rawUtf8(byte[] raw, int n) throws SignatureVerificationException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw))
          .toString();
    } catch (CharacterCodingException e) {
      throw invalid("extension " + ARC + n + " is not UTF-8");
    }
  }

  private static String check(int n, String v) throws SignatureVerificationException {
    if (v.isEmpty() || v.length() > MAX_VALUE_CHARS) {
      throw invalid(
          "extension " + ARC + n + " is empty or longer than " + MAX_VALUE_CHARS + " characters");
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw invalid("extension " + ARC + n + " holds a control character");
      }
    }
    return v;
  }

  private static SignatureVerificationException invalid(String msg) {
    return new SignatureVerificationException(VerifyReason.ATTESTATION_CERT_EXTENSION_INVALID, msg);
  }
}
