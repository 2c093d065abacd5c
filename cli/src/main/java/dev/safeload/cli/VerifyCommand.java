package dev.safeload.cli;

import dev.safeload.PolicyFile;
import dev.safeload.ScanReport;
import dev.safeload.provenance.Proof;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.verify.PinSet;
import dev.safeload.verify.signing.ModelSignatureVerifier;
import dev.safeload.verify.signing.RevocationList;
import dev.safeload.verify.signing.SignatureVerificationException;
import dev.safeload.verify.signing.TrustPolicy;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code safeload verify [--pins FILE] [--key PEM | --cert-chain PEM | --sigstore ...] PATH}: the
 * strict policy with pins and/or an OpenSSF Model Signing signature, as {@code load} applies it.
 * With both, both must hold (a signature required in addition to pins). At least one proof is
 * required.
 *
 * <p>Why {@code scan} and not {@code load}: a scan reads each file once through a read-only mapping
 * (the same single pass that {@code load} with {@code MAPPED_TRUSTED} does: no copy of a 1 GiB
 * model, nothing kept afterwards), runs the same format checks and the same verifiers, and returns
 * every file's format, digest, findings and proofs, which the report needs and which a rejected
 * {@code load} does not return. The scan's policy asks it to apply the proof requirement as {@code
 * load} does ({@code requireProofInScans}), so a file no proof covers is {@link
 * dev.safeload.Reason#UNPROVEN_FILE} by the loader's own rule; this command only reads the result.
 */
@Command(
    name = "verify",
    description = {
      "Checks a model like 'scan' and requires every served file to be proven.",
      "The proof is the file's pin (--pins) and/or the model's signature (--key, --cert-chain or"
          + " --sigstore), and/or build-provenance attestations (--attestations), verified offline.",
      "Patterns recorded by the pin file or the signature (ignored and opaque files) apply too.",
      "Exit 0 if the model is accepted, 1 if anything is rejected, 2 on usage or I/O errors",
      "(2 also when a rejection and an I/O error meet)."
    })
final class VerifyCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Mixin PinsOption pinsOption;

  /** Which kind of signer the signature must come from; at most one. */
  static final class SignatureMode {
    @Option(
        names = "--key",
        paramLabel = "PEM",
        description = "Trusted public key (PEM): key mode.")
    @Nullable Path key;

    @Option(
        names = "--cert-chain",
        paramLabel = "PEM",
        description =
            "Trusted anchor certificate(s) (PEM): certificate mode. System roots are never used.")
    @Nullable Path certChain;

    @Option(
        names = "--sigstore",
        description =
            "Sigstore keyless, verified offline: needs --trusted-root, --identity and --issuer.")
    boolean sigstore;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  @Nullable SignatureMode signatureMode;

  @Option(
      names = "--identity",
      paramLabel = "ID",
      description =
          "Required signer identity: the certificate's subject alternative name (email, URI).")
  @Nullable String identity;

  @Option(names = "--issuer", paramLabel = "URL", description = "Required OIDC issuer (Sigstore).")
  @Nullable String issuer;

  @Option(
      names = "--trusted-root",
      paramLabel = "FILE",
      description = "Sigstore trusted_root.json (none is bundled; keep it current).")
  @Nullable Path trustedRoot;

  @Mixin SignatureFileOption signature;

  @Option(
      names = "--revocations",
      paramLabel = "FILE",
      description = "Local revocation feed (JSON): revoked digests and signers are refused.")
  @Nullable Path revocations;

  @Mixin ReportOption report;
  @Mixin IgnoreOption ignore;
  @Mixin AttestationOptions attestations;
  @Mixin PolicyOption policy;

  @Parameters(arity = "1", paramLabel = "PATH", description = "The model file or directory.")
  String path;

  @Override
  public Integer call() throws IOException {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    PolicyFile policyFile;
    try {
      policyFile = policy.resolve(List.of(path), main.workingDirectory()).orElse(null);
    } catch (IllegalArgumentException e) {
      return Main.usageError(err, e.getMessage());
    }
    if (policyFile != null) {
      fromPolicy(policyFile.trust());
    }
    if (pinsOption.file == null && signatureMode == null && !attestations.given()) {
      return Main.usageError(
          err,
          "verify needs --pins, a signature mode (--key, --cert-chain, --sigstore)"
              + " and/or --attestations");
    }
    if (attestations.strayOptions()) {
      return Main.usageError(
          err,
          "--repo, --signer-workflow, --signer-repo, --ref, --deny-self-hosted and"
              + " --attestation-issuer need --attestations");
    }
    List<ProvenanceVerifier> proofs = new ArrayList<>();
    PinSet pins = null;
    try {
      if (pinsOption.file != null) {
        pins = PinSet.load(pinsOption.file);
        proofs.add(pins);
      }
      RevocationList revoked = revocations == null ? null : RevocationList.load(revocations);
      if (signatureMode != null) {
        TrustPolicy.Builder tp;
        if (signatureMode.key != null) {
          tp = TrustPolicy.publicKey(signatureMode.key);
        } else if (signatureMode.certChain != null) {
          tp = TrustPolicy.certificates(signatureMode.certChain);
        } else {
          if (trustedRoot == null || identity == null || issuer == null) {
            return Main.usageError(err, "--sigstore needs --trusted-root, --identity and --issuer");
          }
          tp = TrustPolicy.sigstore(trustedRoot).issuer(issuer);
        }
        if (identity != null) {
          tp.identity(identity);
        }
        if (revoked != null) {
          tp.revocations(revoked);
        }
        // Read the signature before the walk, so that the files it ignores and the ones it makes
        // opaque
        // are known when the loader lists the model; the loader's own read must find the same
        // bytes.
        proofs.add(
            ModelSignatureVerifier.of(tp.signatureFile(signature.name).build())
                .forModel(Path.of(path)));
      } else if (identity != null
          || (!attestations.given() && (issuer != null || trustedRoot != null))) {
        return Main.usageError(
            err,
            "--identity, --issuer and --trusted-root need a signature mode"
                + (identity == null ? " or --attestations" : ""));
      }
      if (attestations.given()) {
        // Bundles are read and verified now; a bundle that fails is reported as the model's
        // finding.
        proofs.add(
            attestations.verifier(
                trustedRoot,
                signatureMode != null && signatureMode.sigstore ? null : issuer,
                revoked));
      }
      if (revoked != null) {
        proofs.add(revoked);
      }
    } catch (NoSuchFileException e) {
      return Main.usageError(err, e.getFile() + ": no such file");
    } catch (IOException
        | SignatureVerificationException
        | IllegalArgumentException
        | IllegalStateException e) {
      return Main.usageError(
          err,
          "cannot use "
              + (pins == null && pinsOption.file != null ? "pins" : "trust settings")
              + ": "
              + e.getMessage());
    }
    Scans s =
        Scans.run(
            progress -> main.loaderWith(proofs, progress, ignore, policyFile, true),
            List.of(path),
            err);
    if (report.write(Report.withProofs("verify", s.scanned), out)) {
      ScanReport r = s.scanned.get(0).report();
      if (r.accepted()) {
        r.proofs().forEach(p -> out.println("verified: " + statement(p, r)));
      }
    }
    out.flush();
    return s.ioError ? Main.USAGE_OR_IO : Scans.exitCode(s.scanned);
  }

  /**
   * Fills what the command line left out from the policy file's {@code trust} section: the pin
   * file, one signature mode (public key, certificate chain, or Sigstore with a trusted root),
   * identity, issuer, signature file name and revocation feed. What was typed wins.
   */
  private void fromPolicy(PolicyFile.Trust t) {
    if (pinsOption.file == null) {
      pinsOption.file = t.pins();
    }
    if (signatureMode == null
        && (t.publicKey() != null || t.certificateChain() != null || t.trustedRoot() != null)) {
      signatureMode = new SignatureMode();
      if (t.publicKey() != null) {
        signatureMode.key = t.publicKey();
      } else if (t.certificateChain() != null) {
        signatureMode.certChain = t.certificateChain();
      } else {
        signatureMode.sigstore = true;
      }
    }
    if (trustedRoot == null) {
      trustedRoot = t.trustedRoot();
    }
    if (identity == null) {
      identity = t.identity();
    }
    if (issuer == null) {
      issuer = t.issuer();
    }
    if (revocations == null) {
      revocations = t.revocations();
    }
    if (t.signature() != null && signature.name.equals(SignatureFileOption.DEFAULT)) {
      signature.name = t.signature();
    }
  }

  /** What an accepted model's proof established, in words, from the proof itself. */
  static String statement(Proof p, ScanReport r) {
    String source = p.attribute(Proof.SOURCE);
    long served = r.files().stream().filter(dev.safeload.FileReport::read).count();
    String files =
        p.files().size() == served ? "every file" : p.files().size() + " of " + served + " files";
    return switch (p.technique()) {
      case PIN ->
          files + (p.files().size() == served ? " matches " : " match ") + source + " (sha256)";
      case SIGNATURE -> source + " signed by " + p.signer() + " covers " + files;
      case ATTESTATION ->
          source
              + " attests that "
              + p.attribute(Proof.SOURCE_REPOSITORY)
              + " at "
              + p.attribute(Proof.SOURCE_COMMIT)
              + " built "
              + files
              + ", signed by "
              + p.signer();
    };
  }
}
