package dev.safeload.provenance;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which proofs every served file needs before the loader hands it out: the policy half of
 * provenance, as {@link Proof} is the evidence half. It is a rule about each file on its own, never
 * about the model as a whole: a signature that covers nine files of ten leaves the tenth unproven.
 *
 * <ul>
 *   <li>{@link #none()}: provenance is not checked (format validation still is);
 *   <li>{@link #anyProof()}, the strict default: each file needs at least one proof, of any
 *       technique;
 *   <li>{@link #allOf(Technique, Technique...)}: each file needs a proof of every technique named,
 *       for example a pin <em>and</em> a signature, or a signature and a build attestation.
 * </ul>
 *
 * <p>The loader applies the requirement in exactly one place, after every verifier ran, and reports
 * a file that falls short with {@link dev.safeload.Reason#UNPROVEN_FILE}, naming what is missing.
 * Immutable.
 */
public final class ProofRequirement {
  private static final ProofRequirement NONE = new ProofRequirement(false, Set.of());
  private static final ProofRequirement ANY = new ProofRequirement(true, Set.of());

  private final boolean required;
  private final Set<Technique> techniques;

  private ProofRequirement(boolean required, Set<Technique> techniques) {
    this.required = required;
    this.techniques = techniques;
  }

  /** No proof is required. */
  public static ProofRequirement none() {
    return NONE;
  }

  /** Each served file needs at least one proof, whatever its technique. */
  public static ProofRequirement anyProof() {
    return ANY;
  }

  /** Each served file needs a proof of each of these techniques. */
  public static ProofRequirement allOf(Technique first, Technique... more) {
    EnumSet<Technique> set = EnumSet.of(Objects.requireNonNull(first, "first"), more);
    return new ProofRequirement(true, Collections.unmodifiableSet(set));
  }

  /** Whether any proof is required at all. */
  public boolean isRequired() {
    return required;
  }

  /**
   * The techniques each file needs a proof of; empty for {@link #none()} and {@link #anyProof()}.
   */
  public Set<Technique> techniques() {
    return techniques;
  }

  /**
   * What a file covered by {@code proofs} still lacks: empty when the requirement is met; for
   * {@link #anyProof()} with no proof, every technique (any one of them would do).
   */
  public Set<Technique> missing(Collection<Proof> proofs) {
    if (!required) {
      return Set.of();
    }
    EnumSet<Technique> have = EnumSet.noneOf(Technique.class);
    proofs.forEach(p -> have.add(p.technique()));
    if (techniques.isEmpty()) {
      return have.isEmpty()
          ? Collections.unmodifiableSet(EnumSet.allOf(Technique.class))
          : Set.of();
    }
    EnumSet<Technique> lacking = EnumSet.noneOf(Technique.class);
    for (Technique t : techniques) {
      if (!have.contains(t)) {
        lacking.add(t);
      }
    }
    return Collections.unmodifiableSet(lacking);
  }

  /** Whether a file covered by {@code proofs} meets the requirement. */
  public boolean isMetBy(Collection<Proof> proofs) {
    return missing(proofs).isEmpty();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ProofRequirement r
        && required == r.required
        && techniques.equals(r.techniques);
  }

  @Override
  public int hashCode() {
    return Objects.hash(required, techniques);
  }

  /** {@code none}, {@code any proof}, or e.g. {@code PIN and SIGNATURE}. */
  @Override
  public String toString() {
    if (!required) {
      return "none";
    }
    if (techniques.isEmpty()) {
      return "any proof";
    }
    return String.join(" and ", techniques.stream().map(Enum::name).toList());
  }
}
