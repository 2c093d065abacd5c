package dev.safeload.cli;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.PolicyFile;
import dev.safeload.Reason;
import dev.safeload.ScanReport;
import dev.safeload.bom.Proof;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.verify.PinSet;
import dev.safeload.verify.VerifyReason;
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
 * {@code safeload verify [--pins FILE] [--key PEM | --cert-chain PEM | --sigstore ...] PATH}: the strict
 * policy with pins and/or an OpenSSF Model Signing signature, as {@code load} applies it. With both,
 * both must hold (a signature required in addition to pins). At least one proof is required.
 *
 * <p>Why {@code scan} and not {@code load}: a scan reads each file once through a read-only mapping
 * (the same single pass that {@code load} with {@code MAPPED_TRUSTED} does: no copy of a 1 GiB model,
 * nothing kept afterwards), runs the same format checks and the same pin verifier, and returns every
 * file's format, digest and findings, which the report needs and which a rejected {@code load} does not
 * return. The one rule a scan leaves out, that every served file must be proven, is applied here:
 * a file the pins do not cover gets {@link Reason#UNPROVEN_FILE}, exactly as {@code load} would add it.
 */
@Command(name = "verify",
    description = {"Checks a model like 'scan' and requires every served file to be proven.",
        "The proof is the file's pin (--pins) and/or the model's signature (--key, --cert-chain or"
            + " --sigstore), and/or build-provenance attestations (--attestations), verified offline.",
        "Patterns recorded by the pin file or the signature (ignored and opaque files) apply too.",
        "Exit 0 if the model is accepted, 1 if anything is rejected, 2 on usage or I/O errors",
        "(2 also when a rejection and an I/O error meet)."})
final class VerifyCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Option(names = "--pins", paramLabel = "FILE",
      description = "A pin file: *.pins.json (from 'safeload pin') or sha256sum output.")
  @Nullable Path pinFile;

  /** Which kind of signer the signature must come from; at most one. */
  static final class SignatureMode {
    @Option(names = "--key", paramLabel = "PEM", description = "Trusted public key (PEM): key mode.")
    @Nullable Path key;

    @Option(names = "--cert-chain", paramLabel = "PEM",
        description = "Trusted anchor certificate(s) (PEM): certificate mode. System roots are never used.")
    @Nullable Path certChain;

    @Option(names = "--sigstore",
        description = "Sigstore keyless, verified offline: needs --trusted-root, --identity and --issuer.")
    boolean sigstore;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  @Nullable SignatureMode signatureMode;

  @Option(names = "--identity", paramLabel = "ID",
      description = "Required signer identity: the certificate's subject alternative name (email, URI).")
  @Nullable String identity;

  @Option(names = "--issuer", paramLabel = "URL", description = "Required OIDC issuer (Sigstore).")
  @Nullable String issuer;

  @Option(names = "--trusted-root", paramLabel = "FILE",
      description = "Sigstore trusted_root.json (none is bundled; keep it current).")
  @Nullable Path trustedRoot;

  @Mixin SignatureFileOption signature;

  @Option(names = "--revocations", paramLabel = "FILE",
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
      policyFile = policy.resolve(List.of(path)).orElse(null);
    } catch (IllegalArgumentException e) {
      err.println("safeload: " + e.getMessage());
      err.flush();
      return Main.USAGE_OR_IO;
    }
    if (policyFile != null) {
      fromPolicy(policyFile.trust());
    }
    if (pinFile == null && signatureMode == null && !attestations.given()) {
      err.println("safeload: verify needs --pins, a signature mode (--key, --cert-chain, --sigstore)"
          + " and/or --attestations");
      err.flush();
      return Main.USAGE_OR_IO;
    }
    if (attestations.strayOptions()) {
      err.println("safeload: --repo, --signer-workflow, --signer-repo, --ref, --deny-self-hosted and"
          + " --attestation-issuer need --attestations");
      err.flush();
      return Main.USAGE_OR_IO;
    }
    List<ProvenanceVerifier> proofs = new ArrayList<>();
    PinSet pins = null;
    String signedBy = null;
    dev.safeload.verify.attestation.AttestationVerifier attested = null;
    try {
      if (pinFile != null) {
        pins = PinSet.load(pinFile);
        proofs.add(pins);
      }
      RevocationList revoked = revocations == null ? null : RevocationList.load(revocations);
      if (signatureMode != null) {
        TrustPolicy.Builder tp;
        if (signatureMode.key != null) {
          tp = TrustPolicy.publicKey(signatureMode.key);
          signedBy = "key " + signatureMode.key;
        } else if (signatureMode.certChain != null) {
          tp = TrustPolicy.certificates(signatureMode.certChain);
          signedBy = "a certificate chaining to " + signatureMode.certChain;
        } else {
          if (trustedRoot == null || identity == null || issuer == null) {
            err.println("safeload: --sigstore needs --trusted-root, --identity and --issuer");
            err.flush();
            return Main.USAGE_OR_IO;
          }
          tp = TrustPolicy.sigstore(trustedRoot).issuer(issuer);
          signedBy = identity + " (" + issuer + ")";
        }
        if (identity != null) {
          tp.identity(identity);
          if (signatureMode.sigstore) {
            signedBy = identity + " (" + issuer + ")";
          } else {
            signedBy += ", identity " + identity;
          }
        }
        if (revoked != null) {
          tp.revocations(revoked);
        }
        // Read the signature before the walk, so that the files it ignores and the ones it makes opaque
        // are known when the loader lists the model; the loader's own read must find the same bytes.
        proofs.add(ModelSignatureVerifier.of(tp.signatureFile(signature.name).build()).forModel(Path.of(path)));
      } else if (identity != null || (!attestations.given() && (issuer != null || trustedRoot != null))) {
        err.println("safeload: --identity, --issuer and --trusted-root need a signature mode"
            + (identity == null ? " or --attestations" : ""));
        err.flush();
        return Main.USAGE_OR_IO;
      }
      if (attestations.given()) {
        // Bundles are read and verified now; a bundle that fails is reported as the model's finding.
        attested = attestations.verifier(trustedRoot,
            signatureMode != null && signatureMode.sigstore ? null : issuer, revoked);
        proofs.add(attested);
      }
      if (revoked != null) {
        proofs.add(revoked);
      }
    } catch (NoSuchFileException e) {
      err.println("safeload: " + e.getFile() + ": no such file");
      err.flush();
      return Main.USAGE_OR_IO;
    } catch (IOException | SignatureVerificationException | IllegalArgumentException | IllegalStateException e) {
      err.println("safeload: cannot use " + (pins == null && pinFile != null ? "pins" : "trust settings") + ": "
          + e.getMessage());
      err.flush();
      return Main.USAGE_OR_IO;
    }
    Scans s = Scans.run(progress -> main.loaderWith(proofs, progress, ignore, policyFile), List.of(path), err);
    List<Scanned> results = new ArrayList<>();
    for (Scanned sc : s.scanned) {
      // Without a signature, the pins alone must cover every file; a signature rejects unlisted files itself.
      ScanReport r = signatureMode == null && pins != null ? requireProof(sc.report(), pins) : sc.report();
      results.add(sc.withReport(r));
    }
    if (report.write(new Report("verify", results, proofs(results, pins, signedBy)), out)) {
      ScanReport r = results.get(0).report();
      if (r.accepted()) {
        if (pins != null) {
          out.println("verified: every file matches " + pins.source() + " (sha256)");
        }
        if (signedBy != null) {
          out.println("verified: " + signature.name + " signed by " + signedBy + " covers every file");
        }
        if (attested != null) {
          out.println("verified: every file is attested by build provenance from " + attestations.repo + " ("
              + attested.attestations().size() + " attestation(s))");
        }
      }
    }
    out.flush();
    return s.ioError ? Main.USAGE_OR_IO : Scans.exitCode(results);
  }

  /**
   * Fills what the command line left out from the policy file's {@code trust} section: the pin file,
   * one signature mode (public key, certificate chain, or Sigstore with a trusted root), identity,
   * issuer, signature file name and revocation feed. What was typed wins.
   */
  private void fromPolicy(PolicyFile.Trust t) {
    if (pinFile == null) {
      pinFile = t.pins();
    }
    if (signatureMode == null && (t.publicKey() != null || t.certificateChain() != null || t.trustedRoot() != null)) {
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

  /**
   * The proofs behind the report: what the pins prove, computed by the pin set over the digests the scan
   * read (nothing is re-read); and, when the model was accepted with a signature required, the
   * signature over every served file (the verifier refuses a model with any file it does not cover).
   */
  private List<Report.ProofEntry> proofs(List<Scanned> results, @Nullable PinSet pins, @Nullable String signedBy) {
    List<Report.ProofEntry> proofs = new ArrayList<>();
    for (Scanned sc : results) {
      if (pins != null && !sc.report().files().isEmpty()) {
        Proof p = Proof.check(Proof.Technique.HASH_COMPARISON, pins, sc.report());
        proofs.add(new Report.ProofEntry(p.technique().cyclonedx(), p.claim(),
            p.files().stream().map(sc::display).toList()));
      }
      if (signedBy != null && sc.report().accepted()) {
        proofs.add(new Report.ProofEntry(Proof.Technique.ATTESTATION.cyclonedx(),
            signature.name + " signed by " + signedBy,
            sc.report().files().stream().map(sc::display).toList()));
      }
    }
    return proofs;
  }

  /** Adds {@code UNPROVEN_FILE} to readable files that no pin covers, as a strict {@code load} would. */
  static ScanReport requireProof(ScanReport r, PinSet pins) {
    List<FileReport> files = new ArrayList<>();
    for (FileReport f : r.files()) {
      if (f.sha256() != null && pins.pin(f.name()).isEmpty()
          && f.findings().stream().noneMatch(x -> x.reason() == VerifyReason.PIN_FILE_NOT_PINNED)) {
        List<Finding> more = new ArrayList<>(f.findings());
        more.add(new Finding(Reason.UNPROVEN_FILE, f.name(), Finding.NO_OFFSET,
            "no pin in " + pins.source() + " covers this file"));
        f = new FileReport(f.name(), f.size(), f.format(), f.sha256(), more, f.licenses());
      }
      files.add(f);
    }
    return new ScanReport(r.source(), files, r.modelFindings(), r.ignoredFiles());
  }
}
