package dev.safeload;

import dev.safeload.provenance.ProofRequirement;
import dev.safeload.provenance.Technique;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@link SafeModelLoader} accepts. Immutable; start from {@link #strict()} and relax on
 * purpose through {@link #toBuilder()}, where every relaxation has a name that says what it gives
 * up.
 *
 * <p>Strict defaults:
 *
 * <ul>
 *   <li>every served file must be proven by a pin, a signature or an attestation ({@link
 *       ProofRequirement#anyProof()}; {@link Builder#requireProof} asks for particular techniques,
 *       {@link Builder#allowUnpinnedFiles()} relaxes this); scans report the requirement only when
 *       {@link Builder#requireProofInScans()} asks them to;
 *   <li>only the built-in formats are allowed ({@link Builder#allowFormat(String)} adds one);
 *   <li>symbolic links and hard-linked files are rejected;
 *   <li>every file of a model directory is part of the model: content a handler does not recognise
 *       is rejected ({@link Builder#ignoreFiles(String...)} leaves documentation out on purpose);
 *   <li>{@link Delivery#AUTOMATIC}: private copies, in memory up to {@link #MAX_IN_MEMORY_BYTES};
 *   <li>resource limits as declared by each {@link Setting}.
 * </ul>
 */
public final class LoadPolicy {

  /** Models up to this many bytes are copied to memory under {@link Delivery#AUTOMATIC}. */
  public static final Setting<Long> MAX_IN_MEMORY_BYTES =
      Setting.limit("loader.maxInMemoryBytes", 2L << 30);

  /** Largest single file accepted. */
  public static final Setting<Long> MAX_FILE_BYTES = Setting.limit("loader.maxFileBytes", 1L << 40);

  /**
   * Most entries in one model directory: files (ignored ones, links and special files included) and
   * folders, each counted once.
   */
  public static final Setting<Long> MAX_FILES = Setting.limit("loader.maxFiles", 10_000);

  /** Threads used to hash and validate the files of one model in parallel. */
  public static final Setting<Long> PARALLELISM =
      Setting.limit("loader.parallelism", Math.max(1, Runtime.getRuntime().availableProcessors()));

  /**
   * Formats allowed by {@link #strict()}. {@code archive-wrapper} only ever rejects (with a reason
   * naming the wrapper), so allowing it lets its precise reason reach reports instead of
   * FORMAT_NOT_ALLOWED.
   */
  public static final Set<String> BUILT_IN_FORMATS =
      Set.of(
          "safetensors",
          "safetensors-index",
          "json",
          "gguf",
          "onnx",
          "numpy",
          "pytorch",
          "pickle",
          "archive-wrapper",
          "vocab-txt",
          "bpe-merges",
          "tiktoken",
          "sentencepiece",
          "pytorch-index",
          "chat-template");

  private final ProofRequirement requiredProof;
  private final boolean proofInScans;
  private final boolean allowSymlinks;
  private final boolean allowHardLinks;
  private final Delivery delivery;
  private final Set<String> allowedFormats;
  private final java.util.List<String> ignoredFiles;
  private final java.util.List<String> opaqueFiles;
  private final Map<Setting<?>, Object> settings;
  private final java.util.List<String> allowedLicenses;

  /**
   * Values a policy file gives by setting name ({@link PolicyFile}): a Long, or text for named
   * values.
   */
  private final Map<String, Object> named;

  private LoadPolicy(Builder b) {
    this.requiredProof = b.requiredProof;
    this.proofInScans = b.proofInScans;
    this.allowSymlinks = b.allowSymlinks;
    this.allowHardLinks = b.allowHardLinks;
    this.delivery = b.delivery;
    this.allowedFormats = Collections.unmodifiableSet(new TreeSet<>(b.allowedFormats));
    this.ignoredFiles = java.util.List.copyOf(b.ignoredFiles);
    this.opaqueFiles = java.util.List.copyOf(b.opaqueFiles);
    this.settings = Map.copyOf(b.settings);
    this.allowedLicenses = java.util.List.copyOf(b.allowedLicenses);
    this.named = Map.copyOf(b.named);
  }

  /**
   * The policy a policy file ({@code safeload.json}) describes: {@link #strict()} with the file's
   * patterns, formats, limits, profiles and proof rule. The file is read strictly; see {@link
   * PolicyFile} for its keys and for the trust and licence settings it also holds.
   *
   * @throws java.io.IOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a valid policy file: the message names the file,
   *     the key (as a JSON path such as {@code $.formats}) and the problem, e.g. {@code
   *     safeload.json: $.formats: unknown key "alow" (allowed: allow, deny)}
   */
  public static LoadPolicy load(java.nio.file.Path file) throws java.io.IOException {
    return PolicyFile.read(file).policy();
  }

  /** The secure default policy. */
  public static LoadPolicy strict() {
    return new Builder().build();
  }

  /** A builder starting from this policy's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Whether every served file must be proven at all: {@code requiredProof().isRequired()}. */
  public boolean requiresProvenance() {
    return requiredProof.isRequired();
  }

  /**
   * Which proofs each served file needs: {@link ProofRequirement#anyProof()} unless the builder
   * asked for particular techniques or relaxed it. Applied by {@code load}, and by {@code scan}
   * when {@link #scansRequireProof()}.
   */
  public ProofRequirement requiredProof() {
    return requiredProof;
  }

  /**
   * Whether {@link SafeModelLoader#scan} applies {@link #requiredProof()} as {@code load} does,
   * adding {@link Reason#UNPROVEN_FILE} to files that fall short. Off by default: a plain scan
   * reports what the files are and what the verifiers found, and leaves the verdict on provenance
   * to {@code load}.
   */
  public boolean scansRequireProof() {
    return proofInScans;
  }

  public boolean allowsSymlinks() {
    return allowSymlinks;
  }

  public boolean allowsHardLinks() {
    return allowHardLinks;
  }

  public Delivery delivery() {
    return delivery;
  }

  /** Ids of the format handlers whose verdicts this policy accepts. */
  public Set<String> allowedFormats() {
    return allowedFormats;
  }

  /**
   * Patterns ({@link FileGlob}: {@code .gitignore} semantics, matched against {@code /}-separated
   * names relative to the model root) of files in a model directory that are neither read nor
   * served. Reports list the files they left out.
   */
  public java.util.List<String> ignoredFiles() {
    return ignoredFiles;
  }

  /**
   * Patterns ({@link FileGlob}) of files that no handler judges but that are still read, hashed,
   * proven and served, with the format {@code opaque}: a model card, a licence. A pattern never
   * makes opaque a file whose name implies a loader format or code; such a file keeps the role its
   * name gives it.
   */
  public java.util.List<String> opaqueFiles() {
    return opaqueFiles;
  }

  /**
   * Whether the model's declared licences are judged ({@link Builder#allowLicenses}). When not,
   * every licence is accepted and only reported.
   */
  public boolean checksLicenses() {
    return !allowedLicenses.isEmpty();
  }

  /**
   * The SPDX licence expressions the policy accepts, in the order given; empty when licences are
   * not judged.
   */
  public java.util.List<String> allowedLicenses() {
    return allowedLicenses;
  }

  /** The value of a setting: the override if one was set, else the setting's default. */
  public <T> T get(Setting<T> setting) {
    Object v = settings.get(setting);
    if (v == null) {
      Object byName = named.get(setting.name());
      if (byName != null) {
        return setting.fromPolicyValue(byName);
      }
    }
    return v == null ? setting.defaultValue() : setting.type().cast(v);
  }

  @Override
  public String toString() {
    return "LoadPolicy{requiredProof="
        + requiredProof
        + ", proofInScans="
        + proofInScans
        + ", allowSymlinks="
        + allowSymlinks
        + ", allowHardLinks="
        + allowHardLinks
        + ", delivery="
        + delivery
        + ", formats="
        + allowedFormats
        + ", ignoredFiles="
        + ignoredFiles
        + ", opaqueFiles="
        + opaqueFiles
        + ", settings="
        + settings
        + ", allowedLicenses="
        + allowedLicenses
        + (named.isEmpty() ? "" : ", named=" + named)
        + "}";
  }

  /** Builds a {@link LoadPolicy}. Methods that weaken a default say so in their names. */
  public static final class Builder {
    private ProofRequirement requiredProof = ProofRequirement.anyProof();
    private boolean proofInScans;
    private boolean allowSymlinks;
    private boolean allowHardLinks;
    private Delivery delivery = Delivery.AUTOMATIC;
    private final Set<String> allowedFormats = new TreeSet<>(BUILT_IN_FORMATS);
    private final java.util.List<String> ignoredFiles = new java.util.ArrayList<>();
    private final java.util.List<String> opaqueFiles = new java.util.ArrayList<>();
    private final Map<Setting<?>, Object> settings = new HashMap<>();
    private final java.util.List<String> allowedLicenses = new java.util.ArrayList<>();
    private final Map<String, Object> named = new HashMap<>();

    private Builder() {}

    private Builder(LoadPolicy p) {
      requiredProof = p.requiredProof;
      proofInScans = p.proofInScans;
      allowSymlinks = p.allowSymlinks;
      allowHardLinks = p.allowHardLinks;
      delivery = p.delivery;
      allowedFormats.clear();
      allowedFormats.addAll(p.allowedFormats);
      ignoredFiles.addAll(p.ignoredFiles);
      opaqueFiles.addAll(p.opaqueFiles);
      settings.putAll(p.settings);
      allowedLicenses.addAll(p.allowedLicenses);
      named.putAll(p.named);
    }

    /**
     * Relaxation: accept files that no pin or signature proves. Format validation still applies;
     * only where the bytes came from is no longer checked.
     */
    public Builder allowUnpinnedFiles() {
      requiredProof = ProofRequirement.none();
      return this;
    }

    /**
     * Requires each served file to be proven by every one of these techniques, for example {@code
     * requireProof(Technique.PIN, Technique.SIGNATURE)}; replaces the default of any one proof.
     */
    public Builder requireProof(Technique first, Technique... more) {
      requiredProof = ProofRequirement.allOf(first, more);
      return this;
    }

    /**
     * Makes {@link SafeModelLoader#scan} apply the proof requirement as {@code load} does, for
     * tools that verify a model without loading it (a command-line {@code verify}, a CI gate, a
     * BOM).
     */
    public Builder requireProofInScans() {
      proofInScans = true;
      return this;
    }

    /** Relaxation: follow symbolic links inside and above the model path. */
    public Builder allowSymlinks() {
      allowSymlinks = true;
      return this;
    }

    /** Relaxation: accept files with more than one hard link. */
    public Builder allowHardLinks() {
      allowHardLinks = true;
      return this;
    }

    /**
     * Chooses how verified bytes are handed over; {@link Delivery#MAPPED_TRUSTED} is a relaxation.
     */
    public Builder delivery(Delivery delivery) {
      this.delivery = Objects.requireNonNull(delivery, "delivery");
      return this;
    }

    /** Allows the verdicts of the handler with this id (for example one added through the SPI). */
    public Builder allowFormat(String formatId) {
      allowedFormats.add(Objects.requireNonNull(formatId, "formatId"));
      return this;
    }

    /**
     * Relaxation: leaves files of a model directory that match a pattern ({@link FileGlob}, e.g.
     * {@code "*.md"}, {@code ".gitattributes"}, {@code "/docs/"}) out of the model: they are not
     * read, not hashed and not served, so {@link VerifiedModel} and {@code materialize()} never
     * contain them, and reports list them as ignored. Use it for what a snapshot carries that
     * nothing reads; to serve such files as well, prove them with {@link #opaqueFiles}.
     *
     * @throws IllegalArgumentException if a pattern is not valid
     */
    public Builder ignoreFiles(String... globs) {
      for (String g : globs) {
        FileGlob.of(g); // refuse a bad pattern now, not at load
        ignoredFiles.add(g);
      }
      return this;
    }

    /**
     * Relaxation: serves files that match a pattern ({@link FileGlob}) and that no handler judges
     * ({@code README.md}, {@code LICENSE}, {@code .gitattributes}) as opaque bytes: read once,
     * hashed, proven by pins or signatures like every other file, and reported with the format
     * {@code opaque}. Never applies to a name that implies a loader format or code: such a file is
     * validated as its name says, or rejected.
     *
     * @throws IllegalArgumentException if a pattern is not valid
     */
    public Builder opaqueFiles(String... globs) {
      for (String g : globs) {
        FileGlob.of(g);
        opaqueFiles.add(g);
      }
      return this;
    }

    /**
     * Tightening: judges the licences the model declares (GGUF {@code general.license}, safetensors
     * {@code __metadata__} {@code license}, ONNX {@code metadata_props} {@code license}, the {@code
     * license:} of a served {@code README.md}'s front matter) against these SPDX licence
     * expressions, e.g. {@code "MIT", "Apache-2.0"}. Repeated calls add to the list.
     *
     * <p>Every declaration is judged on its own, so two files that declare different licences must
     * both be allowed. A declaration is allowed if it equals a listed expression, or, read as an
     * SPDX expression, if one side of each {@code OR} and both sides of each {@code AND} are
     * allowed; licence ids compare without regard to case ({@code apache-2.0} is {@code
     * Apache-2.0}), and {@code id WITH exception} must be listed as such. A declaration that is not
     * an SPDX expression (a comma-joined list, {@code other}, {@code NOASSERTION}) or a model that
     * declares no licence at all is {@code LICENSE_UNKNOWN}; an expression outside the list is
     * {@code LICENSE_NOT_ALLOWED}. By default licences are only reported.
     *
     * @throws IllegalArgumentException if an entry is not an SPDX licence expression
     */
    public Builder allowLicenses(String... spdxExpressions) {
      for (String e : spdxExpressions) {
        Objects.requireNonNull(e, "spdxExpression");
        if (dev.safeload.internal.LicenseExpression.parse(e) == null) {
          throw new IllegalArgumentException("not an SPDX licence expression: " + e);
        }
        allowedLicenses.add(e.strip());
      }
      return this;
    }

    /** Refuses every file of this format, even a built-in one. */
    public Builder denyFormat(String formatId) {
      allowedFormats.remove(formatId);
      return this;
    }

    /** Overrides a setting. Limits must stay positive. */
    public <T> Builder set(Setting<T> setting, T value) {
      Objects.requireNonNull(value, "value");
      if (!setting.type().isInstance(value)) {
        throw new IllegalArgumentException(
            setting.name() + " takes " + setting.type().getSimpleName());
      }
      if (value instanceof Long l && l <= 0) {
        throw new IllegalArgumentException(setting.name() + " must be positive");
      }
      settings.put(setting, value);
      return this;
    }

    /**
     * A value for the setting named {@code name}, from a policy file: a positive Long for a limit,
     * or text that the setting reads as a named value (a profile). Applies to a setting that has no
     * value set through {@link #set}.
     */
    Builder setByName(String name, Object value) {
      named.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public LoadPolicy build() {
      return new LoadPolicy(this);
    }
  }
}
