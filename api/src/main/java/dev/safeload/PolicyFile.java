package dev.safeload;

import dev.safeload.internal.policy.PolicyJson;
import dev.safeload.spi.SettingCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
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
 *  "licenses": {"allow": ["Apache-2.0", "MIT"]}}         // LoadPolicy.Builder.allowLicenses
 * }</pre>
 *
 * <p>Every key but {@code version} is optional; an absent key leaves the {@link
 * LoadPolicy#strict()} default. {@code limits} and {@code profiles} name {@link Setting}s by {@link
 * Setting#name()}: a name that neither the loader ({@code loader.*}) nor a {@link
 * dev.safeload.spi.SettingCatalog} on the class path declares is refused (a misspelt limit must not
 * look applied while the default stays in force), as is a limit given as a profile or the reverse,
 * and a profile name the setting does not know. Limits must be positive integers. {@code
 * licenses.allow} is {@link LoadPolicy.Builder#allowLicenses}: a model must declare a licence and
 * every declaration must be allowed. {@code trust} is data for the tools that build verifiers (the
 * api has no verifier): {@link #trust()} returns it, paths resolved against the file's directory.
 *
 * <p>{@link #find(Path, Collection)} says which file applies when none is named: see there.
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
  private static final Set<String> LICENSES = Set.of("allow");

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
   * The {@code licenses} section, applied as {@link LoadPolicy.Builder#allowLicenses} (so {@link
   * #policy()} already enforces it).
   *
   * @param allow SPDX licence identifiers or expressions a model may declare (empty: no check; else
   *     a model that declares none is refused too)
   */
  public record Licenses(List<String> allow) {
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
   * The policy file that applies when none is named, or empty. The policy belongs to the project
   * that runs the check, never to the model checked:
   *
   * <ol>
   *   <li>The search starts at {@code workingDirectory} (the CLI's current directory, the Maven
   *       project's base directory, the test's working directory) and looks for {@code
   *       safeload.json} there and in each parent up to the root of the git repository that holds
   *       it (the directory with {@code .git}); outside a git repository only {@code
   *       workingDirectory} itself is looked at. The nearest file wins. The scanned paths play no
   *       part in the search.
   *   <li>A file found inside a scanned model (the model directory, or the directory of a model
   *       file, or below either) is refused with an {@link IllegalArgumentException}: a downloaded
   *       snapshot that brings a {@code safeload.json} ignoring its own pickles must not be judged
   *       by it. Name a policy explicitly ({@link #read}, {@code --policy}) to use such a file, or
   *       turn discovery off ({@code --no-policy}).
   * </ol>
   *
   * @param workingDirectory where the search starts
   * @param models the paths about to be scanned
   * @throws IllegalArgumentException if the file found lies inside a scanned model
   */
  public static Optional<Path> find(Path workingDirectory, Collection<Path> models) {
    Path start = real(workingDirectory);
    Path root = null;
    for (Path d = start; d != null; d = d.getParent()) {
      if (Files.exists(d.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
        root = d;
        break;
      }
    }
    Path found = null;
    for (Path d = start; d != null; d = d.getParent()) {
      Path candidate = d.resolve(NAME);
      if (Files.isRegularFile(candidate, LinkOption.NOFOLLOW_LINKS)) {
        found = candidate;
        break;
      }
      if (root == null || d.equals(root)) {
        break; // outside a repository: the working directory only; inside: up to its root
      }
    }
    if (found == null) {
      return Optional.empty();
    }
    // A found file is regular, so it has a parent.
    Path dir = Objects.requireNonNull(found.getParent());
    for (Path model : models) {
      Path m = real(model);
      Path tree = Files.isDirectory(m, LinkOption.NOFOLLOW_LINKS) ? m : m.getParent();
      if (tree != null && dir.startsWith(tree)) {
        throw new IllegalArgumentException(
            found
                + " lies inside the scanned model "
                + model
                + ": a model cannot choose the policy it is judged by"
                + " (name a policy file explicitly, or use no policy file)");
      }
    }
    return Optional.of(found);
  }

  /** The real path where it exists (symbolic links resolved), else the normalized absolute one. */
  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
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
    Map<String, Setting<?>> known = null;
    if (top.containsKey("limits")) {
      known = knownSettings();
      for (Map.Entry<String, Object> e : object(top.get("limits"), "$.limits", null).entrySet()) {
        String where = "$.limits." + e.getKey();
        Setting<?> setting = setting(known, e.getKey(), where);
        if (setting.type() != Long.class) {
          throw new IllegalArgumentException(
              where + ": not a limit (a profile; set it under \"profiles\")");
        }
        if (!(e.getValue() instanceof Long l) || l <= 0) {
          throw new IllegalArgumentException(where + ": a limit must be a positive integer");
        }
        b.setByName(e.getKey(), l);
      }
    }
    if (top.containsKey("profiles")) {
      known = known != null ? known : knownSettings();
      for (Map.Entry<String, Object> e :
          object(top.get("profiles"), "$.profiles", null).entrySet()) {
        String where = "$.profiles." + e.getKey();
        Setting<?> setting = setting(known, e.getKey(), where);
        if (setting.type() == Long.class) {
          throw new IllegalArgumentException(
              where + ": not a profile (a limit; set it under \"limits\")");
        }
        String name = text(e.getValue(), where);
        try {
          setting.fromPolicyValue(name); // a name the setting does not know fails here, not later
        } catch (IllegalArgumentException x) {
          throw new IllegalArgumentException(
              where + ": \"" + name + "\" is not a value of this setting: " + x.getMessage(), x);
        }
        b.setByName(e.getKey(), name);
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
    Licenses licenses = new Licenses(List.of());
    if (top.containsKey("licenses")) {
      Map<String, Object> l = object(top.get("licenses"), "$.licenses", LICENSES);
      List<String> allow = strings(l.get("allow"), "$.licenses.allow");
      for (int i = 0; i < allow.size(); i++) {
        try {
          b.allowLicenses(allow.get(i));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("$.licenses.allow[" + i + "]: " + e.getMessage(), e);
        }
      }
      licenses = new Licenses(allow);
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

  private static Setting<?> setting(Map<String, Setting<?>> known, String name, String where) {
    if (!name.matches("[a-z][a-z0-9-]*(\\.[a-zA-Z][a-zA-Z0-9]*)+")) {
      throw new IllegalArgumentException(
          where + ": not a setting name (like \"safetensors.maxTensors\")");
    }
    Setting<?> s = known.get(name);
    if (s == null) {
      throw new IllegalArgumentException(
          where
              + ": unknown setting \""
              + name
              + "\" (neither the loader nor a handler on the class path declares it)");
    }
    return s;
  }

  /**
   * The loader's settings and those of every {@link SettingCatalog} found by {@link ServiceLoader},
   * by name.
   */
  private static Map<String, Setting<?>> knownSettings() {
    Map<String, Setting<?>> known = new LinkedHashMap<>();
    for (Setting<?> s :
        List.of(
            LoadPolicy.MAX_IN_MEMORY_BYTES,
            LoadPolicy.MAX_FILE_BYTES,
            LoadPolicy.MAX_FILES,
            LoadPolicy.PARALLELISM)) {
      known.put(s.name(), s);
    }
    for (SettingCatalog c :
        ServiceLoader.load(SettingCatalog.class, PolicyFile.class.getClassLoader())) {
      for (Setting<?> s : c.settings()) {
        known.putIfAbsent(s.name(), s);
      }
    }
    return known;
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
