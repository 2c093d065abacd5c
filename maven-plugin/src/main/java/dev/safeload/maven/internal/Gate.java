package dev.safeload.maven.internal;

import dev.safeload.LoadPolicy;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.bom.AiBom;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.verify.PinSet;
import dev.safeload.verify.signing.ModelSignatureVerifier;
import dev.safeload.verify.signing.RevocationList;
import dev.safeload.verify.signing.SignatureVerificationException;
import dev.safeload.verify.signing.TrustPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Scans or verifies each model with the project's policy (its {@code safeload.json}, else the
 * library's strict policy), as {@code safeload scan} and {@code safeload verify} do: without proofs
 * configured, a scan (format checks only); with pins and/or a trust setting, a verification in
 * which every served file must be proven.
 *
 * <p>Immutable; {@link #check} may be called for any number of models.
 */
public final class Gate {
  /**
   * Which signer the model's signature must come from, as the CLI's {@code verify} options say it.
   */
  public enum SignatureMode {
    /** No signature is required. */
    NONE,
    /** A trusted public key (PEM). */
    KEY,
    /** Trusted anchor certificates (PEM). */
    CERTIFICATES,
    /** Sigstore keyless with a trusted root, verified offline. */
    SIGSTORE
  }

  /**
   * What the plugin was configured with; paths are absolute.
   *
   * @param pins a pin file, or null
   * @param mode which kind of signature is required
   * @param trustFile the key, the certificates or the Sigstore trusted root, for the mode
   * @param identity the signer identity the certificate must name, or null
   * @param issuer the OIDC issuer (Sigstore), or null
   * @param signatureFile the signature's name inside the model directory
   * @param revocations a local revocation feed, or null
   * @param ignore ignore globs ({@code LoadPolicy.Builder.ignoreFiles})
   * @param opaque opaque globs ({@code LoadPolicy.Builder.opaqueFiles})
   */
  public record Settings(
      @Nullable Path pins,
      SignatureMode mode,
      @Nullable Path trustFile,
      @Nullable String identity,
      @Nullable String issuer,
      String signatureFile,
      @Nullable Path revocations,
      List<String> ignore,
      List<String> opaque) {
    public Settings {
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(signatureFile, "signatureFile");
      ignore = List.copyOf(ignore);
      opaque = List.copyOf(opaque);
    }

    /** A scan: no proofs, no patterns. */
    public static Settings scan() {
      return new Settings(
          null,
          SignatureMode.NONE,
          null,
          null,
          null,
          TrustPolicy.DEFAULT_SIGNATURE_FILE,
          null,
          List.of(),
          List.of());
    }

    /** Whether any proof is configured, which makes the goal a verification. */
    public boolean verifies() {
      return pins != null || mode != SignatureMode.NONE;
    }
  }

  /**
   * One model's outcome.
   *
   * @param path the model file or directory
   * @param report the findings (the loader adds {@code UNPROVEN_FILE} where a verification leaves a
   *     file unproven) and the proofs its verifiers kept, for the BOM
   */
  public record Checked(Path path, ScanReport report) {}

  private final Settings settings;
  private final LoadPolicy base;
  private final @Nullable PinSet pins;
  private final @Nullable RevocationList revoked;

  private Gate(
      Settings settings, LoadPolicy base, @Nullable PinSet pins, @Nullable RevocationList revoked) {
    this.settings = settings;
    this.base = base;
    this.pins = pins;
    this.revoked = revoked;
  }

  /** {@link #of(Settings, LoadPolicy)} from the strict policy. */
  public static Gate of(Settings s) throws IOException, SignatureVerificationException {
    return of(s, LoadPolicy.strict());
  }

  /**
   * Reads the pin file and the revocation feed once and checks the trust settings are complete.
   * {@code base} is the policy the configured patterns extend: a policy file's ({@link
   * dev.safeload.PolicyFile#policy()}: its patterns, formats, limits, profiles, licences and proof
   * rule), or the strict one.
   *
   * @throws IllegalArgumentException if the settings are incomplete or contradict each other, or a
   *     pattern is invalid
   * @throws IOException if a pin file or feed cannot be read or parsed
   */
  public static Gate of(Settings s, LoadPolicy base)
      throws IOException, SignatureVerificationException {
    Objects.requireNonNull(base, "base");
    if (s.mode() != SignatureMode.NONE && s.trustFile() == null) {
      throw new IllegalArgumentException(
          "a signature mode needs its trust file (key, certificates or trusted root)");
    }
    if (s.mode() == SignatureMode.SIGSTORE && (s.identity() == null || s.issuer() == null)) {
      throw new IllegalArgumentException("Sigstore verification needs <identity> and <issuer>");
    }
    if (s.mode() == SignatureMode.NONE && (s.identity() != null || s.issuer() != null)) {
      throw new IllegalArgumentException("<identity> and <issuer> need a signature mode");
    }
    PinSet pins = s.pins() == null ? null : PinSet.load(s.pins());
    RevocationList revoked = s.revocations() == null ? null : RevocationList.load(s.revocations());
    // Patterns are checked now, so that a bad one fails before any model is read.
    policy(base, s);
    return new Gate(s, base, pins, revoked);
  }

  private static LoadPolicy policy(LoadPolicy base, Settings s) {
    return base.toBuilder()
        .ignoreFiles(s.ignore().toArray(String[]::new))
        .opaqueFiles(s.opaque().toArray(String[]::new))
        .build();
  }

  /**
   * Scans or verifies one model.
   *
   * @throws IOException if the model itself cannot be read
   */
  public Checked check(Path model) throws IOException, SignatureVerificationException {
    List<ProvenanceVerifier> proofs = new ArrayList<>();
    if (pins != null) {
      proofs.add(pins);
    }
    if (settings.mode() != SignatureMode.NONE) {
      Path trust = Objects.requireNonNull(settings.trustFile());
      TrustPolicy.Builder tp =
          switch (settings.mode()) {
            case KEY -> TrustPolicy.publicKey(trust);
            case CERTIFICATES -> TrustPolicy.certificates(trust);
            case SIGSTORE ->
                TrustPolicy.sigstore(trust).issuer(Objects.requireNonNull(settings.issuer()));
            case NONE -> throw new IllegalStateException();
          };
      if (settings.identity() != null) {
        tp.identity(settings.identity());
      }
      if (revoked != null) {
        tp.revocations(revoked);
      }
      // The signature is read before the walk, so that the files it ignores or makes opaque are
      // known.
      proofs.add(
          ModelSignatureVerifier.of(tp.signatureFile(settings.signatureFile()).build())
              .forModel(model));
    }
    if (revoked != null) {
      proofs.add(revoked);
    }
    LoadPolicy policy = policy(base, settings);
    // A verification applies the proof requirement as a load would: the loader's one rule.
    boolean verifies = pins != null || settings.mode() != SignatureMode.NONE;
    SafeModelLoader.Builder b =
        SafeModelLoader.builder()
            .policy(verifies ? policy.toBuilder().requireProofInScans().build() : policy);
    proofs.forEach(b::verifier);
    return new Checked(model, b.build().scan(model));
  }

  /** The CycloneDX AI-BOM of every checked model, with its findings and proofs. */
  public static AiBom bom(List<Checked> checked) {
    AiBom.Builder b = AiBom.builder();
    for (Checked c : checked) {
      b.add(c.report());
    }
    return b.build();
  }
}
