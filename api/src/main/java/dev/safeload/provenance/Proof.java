package dev.safeload.provenance;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * One thing a {@link ProvenanceVerifier} established: that some files of a model are the bytes a
 * pin file recorded, a signer signed, or a build produced. A proof is data, kept whole from the
 * verifier to every reader of the result: {@link dev.safeload.ScanReport#proofs()}, {@link
 * dev.safeload.VerifiedModel#proofs()}, a bill of materials, a command-line report. Nobody
 * downstream re-runs a verifier or parses a sentence to learn what was proven.
 *
 * <p>A proof says four things:
 *
 * <ul>
 *   <li>{@linkplain #verifier() which verifier} made it (its {@link ProvenanceVerifier#id()}), and
 *       {@linkplain #technique() how} ({@link Technique});
 *   <li>{@linkplain #signer() who vouched} for it, when a verified signature did; a pin has no
 *       signer;
 *   <li>{@linkplain #files() which files} it covers, each with the size and SHA-256 the loader read
 *       in its single pass (the proof covers exactly those bytes, not a name);
 *   <li>{@linkplain #attributes() what else the verified statement says}: where the proof was read
 *       from, and for an attestation the source repository, commit, ref and workflow. Keys are
 *       lower-case and dash-separated; the well-known ones are constants of this class. Attributes
 *       are part of what was verified (a signed statement, a certificate extension), never what a
 *       model file says about itself.
 * </ul>
 *
 * <p>A proof only ever reports success: a failed check is a {@link dev.safeload.Finding} in the
 * same {@link ProvenanceResult}, never a proof with a flag. Whether the files a model serves are
 * proven enough is not the verifier's call either; the loader decides that from all proofs together
 * against the policy's {@link ProofRequirement}.
 *
 * <p>Immutable and thread-safe; equal when every part is equal. Build one with {@link #builder}.
 */
public final class Proof {
  /**
   * Attribute: the name of the file the proof was read from ({@code models.pins.json}, {@code
   * model.sig}).
   */
  public static final String SOURCE = "source";

  /**
   * Attribute: the repository whose build produced the files, e.g. {@code https://github.com/o/r}.
   */
  public static final String SOURCE_REPOSITORY = "source-repository";

  /** Attribute: the commit the build ran on, as the build platform recorded it (a full Git SHA). */
  public static final String SOURCE_COMMIT = "source-commit";

  /** Attribute: the Git ref the build ran on, e.g. {@code refs/heads/main}. */
  public static final String SOURCE_REF = "source-ref";

  /**
   * Attribute: the workflow that signed, e.g. {@code
   * o/r/.github/workflows/release.yml@refs/tags/v1}; differs from the source repository's own
   * workflows when a reusable workflow did the signing.
   */
  public static final String SIGNER_WORKFLOW = "signer-workflow";

  /** Attribute: where the build ran, e.g. {@code github-hosted} or {@code self-hosted}. */
  public static final String RUNNER_ENVIRONMENT = "runner-environment";

  /**
   * Attribute: files the proof lists that are present in the model but were left out by an ignore
   * pattern, so never served and never proven (a short summary of names, for reports).
   */
  public static final String IGNORED_FILES = "ignored-files";

  /**
   * Longest attribute value accepted; a verifier shortens or refuses longer ones before building.
   */
  public static final int MAX_ATTRIBUTE_CHARS = 2048;

  private final String verifier;
  private final Technique technique;
  private final @Nullable Signer signer;
  private final List<DigestedFile> files;
  private final Set<String> names;
  private final Map<String, String> attributes;

  private Proof(Builder b) {
    this.verifier = b.verifier;
    this.technique = b.technique;
    this.signer = b.signer;
    TreeMap<String, DigestedFile> byName = new TreeMap<>(b.files);
    this.files = List.copyOf(byName.values());
    this.names = Collections.unmodifiableSet(new TreeSet<>(byName.keySet()));
    this.attributes = Collections.unmodifiableMap(new TreeMap<>(b.attributes));
  }

  /**
   * Starts a proof made by the verifier with this id, using this technique.
   *
   * @throws IllegalArgumentException if the id is empty
   */
  public static Builder builder(String verifier, Technique technique) {
    return new Builder(
        Signer.requireText(verifier, "verifier"), Objects.requireNonNull(technique, "technique"));
  }

  /**
   * The {@link ProvenanceVerifier#id()} of the verifier that made this proof, e.g. {@code pins}.
   */
  public String verifier() {
    return verifier;
  }

  public Technique technique() {
    return technique;
  }

  /** Who signed, for a signature or an attestation; {@code null} for a pin. */
  public @Nullable Signer signer() {
    return signer;
  }

  /** The files proven, sorted by name, with the size and digest that were proven. Never empty. */
  public List<DigestedFile> files() {
    return files;
  }

  /** The names of {@link #files()}, sorted. */
  public Set<String> fileNames() {
    return names;
  }

  /** Whether this proof covers the file with this name (relative to the model root). */
  public boolean covers(String name) {
    return names.contains(name);
  }

  /** What else the verified statement says, sorted by key; see the constants of this class. */
  public Map<String, String> attributes() {
    return attributes;
  }

  /** The attribute with this key, or {@code null}. */
  public @Nullable String attribute(String key) {
    return attributes.get(key);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Proof p
        && verifier.equals(p.verifier)
        && technique == p.technique
        && Objects.equals(signer, p.signer)
        && files.equals(p.files)
        && attributes.equals(p.attributes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(verifier, technique, signer, files, attributes);
  }

  /**
   * For logs: {@code SIGNATURE by alice@example.com (https://issuer) via oms-signature: 3 files
   * from model.sig}.
   */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder().append(technique);
    if (signer != null) {
      s.append(" by ").append(signer);
    }
    s.append(" via ")
        .append(verifier)
        .append(": ")
        .append(files.size())
        .append(files.size() == 1 ? " file" : " files");
    String source = attributes.get(SOURCE);
    if (source != null) {
      s.append(" from ").append(source);
    }
    return s.toString();
  }

  /** Collects a {@link Proof}. Not thread-safe; {@link #build()} copies what it needs. */
  public static final class Builder {
    private final String verifier;
    private final Technique technique;
    private @Nullable Signer signer;
    private final Map<String, DigestedFile> files = new LinkedHashMap<>();
    private final Map<String, String> attributes = new LinkedHashMap<>();

    private Builder(String verifier, Technique technique) {
      this.verifier = verifier;
      this.technique = technique;
    }

    /** The verified signer. */
    public Builder signer(Signer signer) {
      this.signer = Objects.requireNonNull(signer, "signer");
      return this;
    }

    /**
     * Adds a proven file, as the loader digested it ({@link DigestedModel#file}).
     *
     * @throws IllegalArgumentException if another file of this name was added with other digests
     */
    public Builder file(DigestedFile file) {
      DigestedFile before = files.putIfAbsent(file.name(), Objects.requireNonNull(file, "file"));
      if (before != null && !before.equals(file)) {
        throw new IllegalArgumentException("two different digests for " + file.name());
      }
      return this;
    }

    /** Adds every file of {@code files}, as {@link #file} does. */
    public Builder files(Collection<DigestedFile> files) {
      files.forEach(this::file);
      return this;
    }

    /** {@link #attribute} {@link Proof#SOURCE}. */
    public Builder source(String source) {
      return attribute(SOURCE, source);
    }

    /**
     * Records what the verified statement says besides digests; a later value for a key replaces an
     * earlier one.
     *
     * @throws IllegalArgumentException if the key is not lower-case letters, digits, dashes and
     *     dots (at most 64), or the value is longer than {@value Proof#MAX_ATTRIBUTE_CHARS}
     *     characters
     */
    public Builder attribute(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (!key.matches("[a-z0-9][a-z0-9.-]{0,63}")) {
        throw new IllegalArgumentException(
            "attribute keys are lower-case letters, digits, '-' and '.': " + key);
      }
      if (value.length() > MAX_ATTRIBUTE_CHARS) {
        throw new IllegalArgumentException(
            "attribute " + key + " is longer than " + MAX_ATTRIBUTE_CHARS);
      }
      attributes.put(key, value);
      return this;
    }

    /**
     * The proof.
     *
     * @throws IllegalStateException if no file was added: a proof of nothing is not a proof
     */
    public Proof build() {
      if (files.isEmpty()) {
        throw new IllegalStateException("a proof covers at least one file");
      }
      return new Proof(this);
    }
  }

  /** The proofs among {@code proofs} that cover the file {@code name}, in their order. */
  public static List<Proof> covering(Collection<Proof> proofs, String name) {
    List<Proof> out = new ArrayList<>();
    for (Proof p : proofs) {
      if (p.covers(name)) {
        out.add(p);
      }
    }
    return List.copyOf(out);
  }
}
