package dev.safeload;

import dev.safeload.internal.policy.PolicyJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A policy file, {@code safeload.json}: one place for what the CLI, the test kit, the Maven plugin
 * and {@link LoadPolicy#load(Path)} apply to a model. It is read strictly: the whole file must be
 * strict JSON (no duplicate keys, no comments, integers only), every key must be one listed here,
 * and every value must have the listed type; anything else is an {@link IllegalArgumentException}
 * whose message names the file, the key's path and the problem.
 *
 * <pre>{@code
 * {"version": 1,                                        // required; this reader knows version 1
 *  "ignore": ["*.md", ".gitattributes"],                // LoadPolicy.Builder.ignoreFiles (FileGlob)
 *  "opaque": ["LICENSE"],                               // LoadPolicy.Builder.opaqueFiles
 *  "formats": {"allow": ["my-format"], "deny": ["pickle"]},   // allowFormat / denyFormat by handler id
 *  "profiles": {"pytorch.profile": "torch-weights-strict"},   // a Setting's name: a named value
 *  "limits": {"loader.maxFileBytes": 10737418240, "safetensors.maxTensors": 500000},  // Setting names
 *  "trust": {"requireProof": true,                      // false: LoadPolicy.Builder.allowUnpinnedFiles
 *            "pins": "models.pins.json",                // paths relative to this file
 *            "publicKey": "signer.pub.pem", "certificateChain": "anchors.pem",
 *            "trustedRoot": "trusted_root.json", "identity": "...", "issuer": "https://...",
 *            "signature": "model.sig", "revocations": "revoked.json"},
 *  "licenses": {"allow": ["Apache-2.0", "MIT"], "requireDeclared": false}}
 * }</pre>
 *
 * <p>Every key but {@code version} is optional; an absent key leaves the {@link
 * LoadPolicy#strict()} default. {@code limits} and {@code profiles} name {@link Setting}s by {@link
 * Setting#name()}: the api does not know every handler's settings, so a name no handler declares
 * has no effect (a misspelt limit keeps the secure default); values must be positive integers and
 * non-empty strings. {@code trust} and {@code licenses} are data for the tools that build verifiers
 * (the api has no verifier): {@link #trust()} and {@link #licenses()} return them, paths resolved
 * against the file's directory.
 *
 * <p>{@link #find(Path)} looks for {@code safeload.json} beside a model and then in each parent
 * directory up to the root of the git repository that holds it.
 */
public final class PolicyFile {
  /** The file name tools look for. */
  public static final String NAME = "safeload.json";

  private static final Set<String> TOP =
      Set.of("version", "ignore", "opaque", "formats", "profiles", "limits", "trust", "licenses");
  private static final Set<String> FORMATS = Set.of("allow", "deny");
  private static final Set<String> TRUST_PATHS =
      Set.of("pins", "publicKey", "certificateChain", "trustedRoot", "revocations");
  private static final Set<String> TRUST_TEXT = Set.of("identity", "issuer", "signature");
  private static final Set<String> TRUST = union(TRUST_PATHS, TRUST_TEXT, Set.of("requireProof"));
  private static final Set<String> LICENSES = Set.of("allow", "requireDeclared");

  private final Path source;
  private final LoadPolicy policy;
  private final Trust trust;
  private final Licenses licenses;

  /**
   * The {@code trust} section.
   *
   * @param requireProof whether every served file must be proven (the default)
   * @param pins pin file, resolved against the policy file's directory
   * @param publicKey trusted public key (PEM)
   * @param certificateChain trusted anchors (PEM)
   * @param trustedRoot Sigstore trusted root
   * @param revocations revocation feed
   * @param identity required signer identity
   * @param issuer required OIDC issuer (Sigstore)
   * @param signature signature file name beside the model
   */
  public record Trust(
      boolean requireProof,
      @Nullable Path pins,
      @Nullable Path publicKey,
      @Nullable Path certificateChain,
      @Nullable Path trustedRoot,
      @Nullable Path revocations,
      @Nullable String identity,
      @Nullable String issuer,
      @Nullable String signature) {}

  /**
   * The {@code licenses} section.
   *
   * @param allow SPDX licence identifiers or expressions a model may declare (empty: no check)
   * @param requireDeclared whether a model that declares no licence is refused
   */
  public record Licenses(List<String> allow, boolean requireDeclared) {
    public Licenses {
      allow = List.copyOf(allow);
    }
  }

  private PolicyFile(Path source, LoadPolicy policy, Trust trust, Licenses licenses) {
    this.source = source;
    this.policy = policy;
    this.trust = trust;
    this.licenses = licenses;
  }

  /**
   * Reads a policy file.
   *
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if it is not a valid policy file (the message says where and
   *     why)
   */
  public static PolicyFile read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      return parse(file, bytes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The policy file that applies to {@code model}: {@code safeload.json} in the nearest directory
   * above the model directory (for a model file, in its directory or above), stopping at the
   * directory that holds {@code .git} (the repository root) or at the file-system root.
   *
   * <p>A policy file inside the model directory is never used: a downloaded model (a Hugging Face
   * snapshot) would otherwise bring the policy it is judged by, ignoring or making opaque the very
   * files that run code. For the same reason a model directory that is a repository of its own
   * (holds {@code .git}: a cloned model) gets no discovered policy. Name one with {@code --policy}
   * or {@link #read} to use it.
   */
  public static Optional<Path> find(Path model) {
    Path dir = model.toAbsolutePath().normalize();
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.exists(dir.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty(); // a repository of its own: its files may not choose their policy
      }
    }
    dir = dir.getParent();
    for (; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(NAME);
      if (Files.isRegularFile(candidate, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of(candidate);
      }
      if (Files.exists(dir.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty(); // the repository root: nothing above it applies
      }
    }
    return Optional.empty();
  }

  /** Where this policy was read from. */
  public Path source() {
    return source;
  }

  /**
   * {@link LoadPolicy#strict()} with this file's patterns, formats, limits, profiles and proof
   * rule.
   */
  public LoadPolicy policy() {
    return policy;
  }

  /** The {@code trust} section (defaults when absent: proof required, nothing named). */
  public Trust trust() {
    return trust;
  }

  /** The {@code licenses} section (defaults when absent: no licence check). */
  public Licenses licenses() {
    return licenses;
  }

  static PolicyFile parse(Path file, byte[] bytes) {
    Object root = PolicyJson.parse(bytes);
    Map<String, Object> top = object(root, "$", TOP);
    Object version = top.get("version");
    if (version == null) {
      throw new IllegalArgumentException("$.version is required (1)");
    }
    if (!(version instanceof Long v) || v != 1L) {
      throw new IllegalArgumentException(
          "$.version: unsupported version " + version + " (this reader knows 1)");
    }
    LoadPolicy.Builder b = LoadPolicy.strict().toBuilder();
    b.ignoreFiles(globs(top, "ignore").toArray(String[]::new));
    b.opaqueFiles(globs(top, "opaque").toArray(String[]::new));
    if (top.containsKey("formats")) {
      Map<String, Object> formats = object(top.get("formats"), "$.formats", FORMATS);
      strings(formats.get("allow"), "$.formats.allow").forEach(b::allowFormat);
      strings(formats.get("deny"), "$.formats.deny").forEach(b::denyFormat);
    }
    if (top.containsKey("limits")) {
      for (Map.Entry<String, Object> e : object(top.get("limits"), "$.limits", null).entrySet()) {
        String where = "$.limits." + e.getKey();
        settingName(e.getKey(), where);
        if (!(e.getValue() instanceof Long l) || l <= 0) {
          throw new IllegalArgumentException(where + ": a limit must be a positive integer");
        }
        b.setByName(e.getKey(), l);
      }
    }
    if (top.containsKey("profiles")) {
      for (Map.Entry<String, Object> e :
          object(top.get("profiles"), "$.profiles", null).entrySet()) {
        String where = "$.profiles." + e.getKey();
        settingName(e.getKey(), where);
        b.setByName(e.getKey(), text(e.getValue(), where));
      }
    }
    // An absolute path to a file always has a parent.
    Path dir = Objects.requireNonNull(file.toAbsolutePath().getParent());
    Trust trust = new Trust(true, null, null, null, null, null, null, null, null);
    if (top.containsKey("trust")) {
      Map<String, Object> t = object(top.get("trust"), "$.trust", TRUST);
      Map<String, @Nullable Path> paths = new LinkedHashMap<>();
      for (String k : TRUST_PATHS) {
        paths.put(k, t.containsKey(k) ? dir.resolve(text(t.get(k), "$.trust." + k)) : null);
      }
      Map<String, @Nullable String> texts = new LinkedHashMap<>();
      for (String k : TRUST_TEXT) {
        texts.put(k, t.containsKey(k) ? text(t.get(k), "$.trust." + k) : null);
      }
      boolean requireProof =
          !t.containsKey("requireProof") || bool(t.get("requireProof"), "$.trust.requireProof");
      if (!requireProof) {
        b.allowUnpinnedFiles();
      }
      trust =
          new Trust(
              requireProof,
              paths.get("pins"),
              paths.get("publicKey"),
              paths.get("certificateChain"),
              paths.get("trustedRoot"),
              paths.get("revocations"),
              texts.get("identity"),
              texts.get("issuer"),
              texts.get("signature"));
    }
    Licenses licenses = new Licenses(List.of(), false);
    if (top.containsKey("licenses")) {
      Map<String, Object> l = object(top.get("licenses"), "$.licenses", LICENSES);
      licenses =
          new Licenses(
              strings(l.get("allow"), "$.licenses.allow"),
              l.containsKey("requireDeclared")
                  && bool(l.get("requireDeclared"), "$.licenses.requireDeclared"));
    }
    return new PolicyFile(file, b.build(), trust, licenses);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(
      @Nullable Object v, String where, @Nullable Set<String> keys) {
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException(where + ": expected an object");
    }
    Map<String, Object> m = (Map<String, Object>) v;
    if (keys != null) {
      for (String k : m.keySet()) {
        if (!keys.contains(k)) {
          throw new IllegalArgumentException(
              where
                  + ": unknown key \""
                  + k
                  + "\" (allowed: "
                  + String.join(", ", keys.stream().sorted().toList())
                  + ")");
        }
      }
    }
    return m;
  }

  private static List<String> globs(Map<String, Object> top, String key) {
    List<String> globs = strings(top.get(key), "$." + key);
    for (int i = 0; i < globs.size(); i++) {
      try {
        FileGlob.of(globs.get(i));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("$." + key + "[" + i + "]: " + e.getMessage(), e);
      }
    }
    return globs;
  }

  private static List<String> strings(@Nullable Object v, String where) {
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> l)) {
      throw new IllegalArgumentException(where + ": expected an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      out.add(text(l.get(i), where + "[" + i + "]"));
    }
    return Collections.unmodifiableList(out);
  }

  private static String text(@Nullable Object v, String where) {
    if (!(v instanceof String s) || s.isEmpty()) {
      throw new IllegalArgumentException(where + ": expected a non-empty string");
    }
    return s;
  }

  private static boolean bool(@Nullable Object v, String where) {
    if (!(v instanceof Boolean b)) {
      throw new IllegalArgumentException(where + ": expected true or false");
    }
    return b;
  }

  private static void settingName(String name, String where) {
    if (!name.matches("[a-z][a-z0-9-]*(\\.[a-zA-Z][a-zA-Z0-9]*)+")) {
      throw new IllegalArgumentException(
          where + ": not a setting name (like \"safetensors.maxTensors\")");
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b, Set<String> c) {
    java.util.TreeSet<String> all = new java.util.TreeSet<>(a);
    all.addAll(b);
    all.addAll(c);
    return Collections.unmodifiableSet(all);
  }

  @Override
  public String toString() {
    return "PolicyFile{" + source + ", " + policy + "}";
  }
}
