package dev.safeload.verify.internal.intoto;

import dev.safeload.FileGlob;
import dev.safeload.ReasonCode;
import dev.safeload.provenance.Sha256;
import dev.safeload.verify.VerifyReason;
import dev.safeload.verify.internal.json.Json;
import dev.safeload.verify.internal.json.JsonObject;
import dev.safeload.verify.internal.pins.PinNames;
import dev.safeload.verify.signing.SignatureVerificationException;
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The OMS manifest inside a signed in-toto statement (predicate {@code
 * https://model_signing/signature/v1.0}, or the legacy {@code Digests/v0.1} when allowed). Parsing
 * is strict: resource names must be safe relative paths (no escape, no duplicates, also
 * case-insensitively), digests lowercase hex of the right length, algorithms consistent with the
 * serialization, at least one resource, and the subject's root digest equal to SHA-256 over the
 * listed digests in listed order.
 *
 * <p>{@code serialization.ignore_paths} (OMS v1.1) lists literal paths relative to the model root,
 * each a file or a directory, that the signer left out. Beside it, safeload records the patterns it
 * was given in its own predicate field, which other OMS verifiers ignore ("any other field should
 * be ignored by verifiers adhering to v1.0"):
 *
 * <pre>{@code
 * "predicate": {"serialization": {..., "ignore_paths": ["README.md", "docs/USAGE.md", ...]},
 *               "resources": [...],
 *               "safeload": {"ignore": ["*.md"], "opaque": ["LICENSE"]}}
 * }</pre>
 *
 * {@code ignore_paths} holds the paths the patterns matched when the model was signed, so a
 * reference verifier leaves out the same files; {@code safeload.ignore} keeps the patterns
 * themselves, so that a file added later that the signer's pattern covers is ignored too rather
 * than reported as unsigned. {@code safeload.opaque} says which signed files the signer meant to be
 * served without a format (see {@code LoadPolicy.opaqueFiles}). Both lists hold {@link FileGlob}
 * patterns; an invalid one makes the manifest invalid.
 */
public final class OmsManifest {
  public static final String STATEMENT_V1 = "https://in-toto.io/Statement/v1";
  public static final String PREDICATE_V1 = "https://model_signing/signature/v1.0";
  public static final String PREDICATE_V01 = "https://model_signing/Digests/v0.1";

  /** Most resources we accept in one manifest. */
  public static final int MAX_RESOURCES = 1_000_000;

  /** One signed resource; {@code start}/{@code end} are -1 for whole files. */
  public record Resource(String path, long start, long end, byte[] digest) {}

  public final String method;
  public final String hashType;
  public final long shardSize;
  public final List<Resource> resources;
  public final List<String> ignorePaths;

  /** safeload's own ignore patterns ({@code predicate.safeload.ignore}); empty if absent. */
  public final List<String> ignorePatterns;

  /** safeload's own opaque patterns ({@code predicate.safeload.opaque}); empty if absent. */
  public final List<String> opaquePatterns;

  public final boolean legacy;
  public final byte[] root;

  private OmsManifest(
      String method,
      String hashType,
      long shardSize,
      List<Resource> resources,
      List<String> ignorePaths,
      List<String> ignorePatterns,
      List<String> opaquePatterns,
      boolean legacy,
      byte[] root) {
    this.method = method;
    this.hashType = hashType;
    this.shardSize = shardSize;
    this.resources = resources;
    this.ignorePaths = ignorePaths;
    this.ignorePatterns = ignorePatterns;
    this.opaquePatterns = opaquePatterns;
    this.legacy = legacy;
    this.root = root;
  }

  /** Field of the predicate holding safeload's patterns. */
  public static final String SAFELOAD_FIELD = "safeload";

  /** Most patterns in one of safeload's lists. */
  public static final int MAX_PATTERNS = 1024;

  /**
   * The {@link FileGlob} pattern that matches exactly this literal {@code ignore_paths} entry (and,
   * for a directory, everything below it): anchored at the root, wildcards escaped.
   */
  public static String literalGlob(String path) {
    StringBuilder sb = new StringBuilder(path.length() + 2).append('/');
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '\\' || c == ']') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /** Whether the manifest signs a single file (resource name {@code "."}). */
  public boolean singleFile() {
    return resources.stream().allMatch(r -> r.path().equals("."));
  }

  public static OmsManifest parse(byte[] payload, boolean allowLegacy)
      throws SignatureVerificationException {
    JsonObject st =
        Json.parseObject(payload, VerifyReason.SIGNATURE_STATEMENT_INVALID, "statement");
    if (!STATEMENT_V1.equals(st.str("_type"))) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_STATEMENT_INVALID, "statement _type is not " + STATEMENT_V1);
    }
    String pt = st.str("predicateType");
    if (pt.equals(PREDICATE_V01)) {
      if (!allowLegacy) {
        throw new SignatureVerificationException(
            VerifyReason.SIGNATURE_PREDICATE_UNSUPPORTED,
            "v0.2 (Digests/v0.1) signatures are accepted only when the policy enables them");
      }
      return legacy(st);
    }
    if (!pt.equals(PREDICATE_V1)) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_PREDICATE_UNSUPPORTED, "predicate type is not " + PREDICATE_V1);
    }
    List<JsonObject> subjects = st.objects("subject", 1024);
    if (subjects.size() != 1) {
      throw new SignatureVerificationException(
          VerifyReason.SIGNATURE_STATEMENT_INVALID, "statement must have exactly one subject");
    }
    byte[] root =
        hex(
            subjects.get(0).obj("digest").str("sha256"),
            32,
            VerifyReason.SIGNATURE_STATEMENT_INVALID);
    ReasonCode m = VerifyReason.SIGNATURE_MANIFEST_INVALID;
    JsonObject pred = st.obj("predicate");
    JsonObject ser = pred.obj("serialization");
    String method = ser.str("method");
    String hashType = ser.str("hash_type");
    int digestLen =
        switch (hashType) {
          case "sha256", "blake3" -> 32;
          case "blake2b" -> 64;
          default -> throw new SignatureVerificationException(m, "unknown hash_type");
        };
    ser.bool("allow_symlinks", false);
    long shardSize = -1;
    if (method.equals("shards")) {
      BigDecimal ss = ser.number("shard_size");
      try {
        // protobuf's Struct writes integers as floats (1000000000.0): accept integral values only.
        shardSize = ss == null ? -1 : ss.stripTrailingZeros().longValueExact();
      } catch (ArithmeticException e) {
        throw new SignatureVerificationException(m, "shard_size is not an integer");
      }
      if (shardSize <= 0) {
        throw new SignatureVerificationException(m, "shard_size must be a positive integer");
      }
    } else if (!method.equals("files")) {
      throw new SignatureVerificationException(m, "unknown serialization method");
    }
    List<String> ignore = ser.strings("ignore_paths", 1024);
    for (String p : ignore) {
      checkPath(p, m, "ignore path");
      try {
        // The loader leaves these files out through the pattern literalGlob(p): one it cannot
        // express (longer than FileGlob.MAX_LENGTH) is refused here, with a reason, rather than
        // when the loader is built.
        FileGlob.of(literalGlob(p));
      } catch (IllegalArgumentException e) {
        throw new SignatureVerificationException(
            VerifyReason.SIGNATURE_SERIALIZATION_UNSUPPORTED,
            "ignore path of " + p.length() + " characters: " + e.getMessage());
      }
    }
    String expectAlg = method.equals("files") ? hashType : hashType + "-sharded-" + shardSize;
    List<JsonObject> res = pred.objects("resources", MAX_RESOURCES);
    if (res.isEmpty()) {
      throw new SignatureVerificationException(m, "the manifest lists no resources");
    }
    List<Resource> out = new ArrayList<>(res.size());
    Set<String> seen = new HashSet<>();
    Set<String> folded = new HashSet<>();
    MessageDigest rootMd = Sha256.newMessageDigest();
    for (JsonObject r : res) {
      if (!expectAlg.equals(r.str("algorithm"))) {
        throw new SignatureVerificationException(
            m, "resource algorithm disagrees with the serialization");
      }
      byte[] d = hex(r.str("digest"), digestLen, m);
      rootMd.update(d);
      String name = r.str("name");
      Resource resource;
      if (method.equals("files")) {
        if (name.equals(".")) {
          if (res.size() != 1) {
            throw new SignatureVerificationException(
                m, "'.' names a single-file model but other resources are listed");
          }
        } else {
          checkPath(name, m, "resource name");
        }
        resource = new Resource(name, -1, -1, d);
      } else {
        Resource sh = shard(name, shardSize, m);
        resource = new Resource(sh.path(), sh.start(), sh.end(), d);
      }
      if (!seen.add(name)) {
        throw new SignatureVerificationException(m, "duplicate resource " + name);
      }
      // The pin files' fold (PinNames), so that a manifest and a pin file agree on which two
      // names are one on a case-insensitive file system (toLowerCase alone kept the long s apart
      // from s, and the Kelvin sign from k).
      if (method.equals("files") && !folded.add(PinNames.foldCase(name))) {
        throw new SignatureVerificationException(
            m, "resources differ only in letter case: " + name);
      }
      out.add(resource);
    }
    boolean dot = out.stream().anyMatch(x -> x.path().equals("."));
    if (dot && !out.stream().allMatch(x -> x.path().equals("."))) {
      throw new SignatureVerificationException(
          m, "'.' names a single-file model but other files are listed");
    }
    if (!MessageDigest.isEqual(rootMd.digest(), root)) {
      throw new SignatureVerificationException(
          m, "the subject digest is not the digest of the listed resources");
    }
    List<String> ignorePatterns = List.of();
    List<String> opaquePatterns = List.of();
    try {
      JsonObject ours = pred.optObj(SAFELOAD_FIELD);
      if (ours != null) {
        ours.onlyKeys("ignore", "opaque"); // our own field: we know its whole shape
        ignorePatterns = patterns(ours, "ignore", m);
        opaquePatterns = patterns(ours, "opaque", m);
      }
    } catch (SignatureVerificationException e) {
      // A malformed safeload field is a malformed manifest, whatever the JSON layer calls it.
      throw e.reason() == m ? e : new SignatureVerificationException(m, e.getMessage());
    }
    return new OmsManifest(
        method,
        hashType,
        shardSize,
        List.copyOf(out),
        List.copyOf(ignore),
        ignorePatterns,
        opaquePatterns,
        false,
        root);
  }

  private static List<String> patterns(JsonObject o, String key, ReasonCode m)
      throws SignatureVerificationException {
    List<String> list = o.strings(key, MAX_PATTERNS);
    Set<String> seen = new HashSet<>();
    for (String p : list) {
      try {
        FileGlob.of(p);
      } catch (IllegalArgumentException e) {
        throw new SignatureVerificationException(m, "safeload." + key + ": " + e.getMessage());
      }
      if (!seen.add(p)) {
        throw new SignatureVerificationException(m, "safeload." + key + " lists a pattern twice");
      }
    }
    return List.copyOf(list);
  }

  private static OmsManifest legacy(JsonObject st) throws SignatureVerificationException {
    ReasonCode m = VerifyReason.SIGNATURE_MANIFEST_INVALID;
    List<JsonObject> subjects = st.objects("subject", MAX_RESOURCES);
    if (subjects.isEmpty()) {
      throw new SignatureVerificationException(m, "the manifest lists no resources");
    }
    List<Resource> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonObject s : subjects) {
      JsonObject ann = s.optObj("annotations");
      if (ann == null || !"file-sha256".equals(ann.optStr("actual_hash_algorithm"))) {
        throw new SignatureVerificationException(m, "legacy subject is not a file-sha256 digest");
      }
      String name = s.str("name");
      checkPath(name, m, "resource name");
      if (!seen.add(name)) {
        throw new SignatureVerificationException(m, "duplicate resource " + name);
      }
      out.add(new Resource(name, -1, -1, hex(s.obj("digest").str("sha256"), 32, m)));
    }
    return new OmsManifest(
        "files",
        "sha256",
        -1,
        List.copyOf(out),
        List.of(),
        List.of(),
        List.of(),
        true,
        new byte[0]);
  }

  private static Resource shard(String name, long shardSize, ReasonCode m)
      throws SignatureVerificationException {
    // Parse from the right: a ':' may occur in the path.
    int b = name.lastIndexOf(':');
    int a = b <= 0 ? -1 : name.lastIndexOf(':', b - 1);
    if (a <= 0) {
      throw new SignatureVerificationException(m, "shard resource is not path:start:end");
    }
    String path = name.substring(0, a);
    if (!path.equals(".")) {
      checkPath(path, m, "resource name");
    }
    long start = number(name.substring(a + 1, b), m);
    long end = number(name.substring(b + 1), m);
    if (end <= start || start % shardSize != 0 || end - start > shardSize) {
      throw new SignatureVerificationException(
          m, "shard range " + start + ":" + end + " is not a shard of size " + shardSize);
    }
    return new Resource(path, start, end, new byte[0]);
  }

  private static long number(String s, ReasonCode m) throws SignatureVerificationException {
    if (s.isEmpty()
        || s.length() > 18
        || !s.chars().allMatch(c -> c >= '0' && c <= '9')
        || (s.length() > 1 && s.charAt(0) == '0')) {
      throw new SignatureVerificationException(m, "shard offset is not a decimal integer");
    }
    return Long.parseLong(s);
  }

  /** Whether {@link #checkPath} accepts {@code p}. */
  public static boolean isValidPath(String p) {
    try {
      checkPath(p, VerifyReason.SIGNATURE_MANIFEST_INVALID, "path");
      return true;
    } catch (SignatureVerificationException e) {
      return false;
    }
  }

  /**
   * Relative POSIX path: no empty, '.' or '..' segment, no leading or trailing '/', no '\', no
   * controls.
   */
  public static void checkPath(String p, ReasonCode m, String what)
      throws SignatureVerificationException {
    if (p.isEmpty() || p.length() > 4096) {
      throw new SignatureVerificationException(m, what + " is empty or too long");
    }
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\') {
        throw new SignatureVerificationException(
            m, what + " contains a control character or backslash");
      }
    }
    for (String seg : p.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        throw new SignatureVerificationException(
            m, what + " '" + p + "' is not a normalised relative path");
      }
    }
  }

  private static byte[] hex(String s, int len, ReasonCode r) throws SignatureVerificationException {
    if (s.length() != 2 * len
        || !s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw new SignatureVerificationException(
          r, "digest is not " + (2 * len) + " lowercase hex digits");
    }
    return HexFormat.of().parseHex(s);
  }
}
