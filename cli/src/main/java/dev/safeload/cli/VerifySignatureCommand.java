package dev.safeload.cli;

import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import dev.safeload.verify.signing.ModelSignatureVerifier;
import dev.safeload.verify.signing.RevocationList;
import dev.safeload.verify.signing.TrustPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code safeload verify --key PEM | --cert-chain PEM [--identity …] | --sigstore --identity … --issuer …
 * [--trusted-root FILE] [--signature model.sig] PATH}: reads every file once (hashing in parallel), then
 * checks the signature and manifest against those digests. Exit 0 when the signature proves every file,
 * 1 when it does not, 2 on usage errors. Format validation findings are reported but do not decide the
 * exit code here; {@code safeload scan} covers them.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Verify a model's OpenSSF Model Signing signature offline.")
public final class VerifySignatureCommand implements Callable<Integer> {

  static final class Mode {
    @Option(names = "--key", paramLabel = "PEM", description = "Trusted public key (PEM).")
    Path key;

    @Option(names = "--cert-chain", paramLabel = "PEM", description = "Trusted anchor certificate(s) (PEM).")
    Path certChain;

    @Option(names = "--sigstore", description = "Sigstore keyless, verified offline against --trusted-root.")
    boolean sigstore;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Mode mode;

  @Option(names = "--identity", description = "Required signer identity (certificate SAN).")
  String identity;

  @Option(names = "--issuer", description = "Required OIDC issuer (Sigstore).")
  String issuer;

  @Option(names = "--trusted-root", paramLabel = "FILE", description = "Sigstore trusted_root.json.")
  Path trustedRoot;

  @Option(names = "--signature", paramLabel = "NAME", defaultValue = "model.sig",
      description = "Signature file name inside the model directory (default: ${DEFAULT-VALUE}).")
  String signature;

  @Option(names = "--revocations", paramLabel = "FILE", description = "Local revocation feed (JSON).")
  Path revocations;

  @Parameters(index = "0", paramLabel = "PATH", description = "Model directory or file.")
  Path model;

  @Override
  public Integer call() throws Exception {
    TrustPolicy.Builder b;
    if (mode.key != null) {
      b = TrustPolicy.publicKey(mode.key);
    } else if (mode.certChain != null) {
      b = TrustPolicy.certificates(mode.certChain);
    } else {
      if (trustedRoot == null || identity == null || issuer == null) {
        System.err.println("--sigstore needs --trusted-root, --identity and --issuer (no trusted root is bundled)");
        return 2;
      }
      b = TrustPolicy.sigstore(trustedRoot);
    }
    if (identity != null) {
      b.identity(identity);
    }
    if (issuer != null) {
      b.issuer(issuer);
    }
    RevocationList rl = revocations == null ? null : RevocationList.load(revocations);
    if (rl != null) {
      b.revocations(rl);
    }
    b.signatureFile(signature);
    SafeModelLoader.Builder lb = SafeModelLoader.builder().policy(LoadPolicy.strict())
        .trust(ModelSignatureVerifier.of(b.build()));
    if (rl != null) {
      lb.trust(rl);
    }
    ScanReport report = lb.build().scan(model);
    List<Finding> provenance = report.findings().stream().filter(VerifySignatureCommand::isProvenance).toList();
    for (Finding f : report.findings()) {
      System.out.println((isProvenance(f) ? "REJECT " : "note   ") + f);
    }
    if (!provenance.isEmpty()) {
      return 1;
    }
    System.out.println("OK: signature verified for " + report.files().size() + " file(s) in " + model);
    return 0;
  }

  static boolean isProvenance(Finding f) {
    String c = f.reason().code();
    return c.startsWith("SIGNATURE_") || c.startsWith("SIGSTORE_") || c.startsWith("REVOKED_")
        || c.startsWith("PIN_") || c.equals("SYMLINK") || c.equals("HARDLINK") || c.equals("IO_ERROR")
        || c.equals("SOURCE_CHANGED") || c.equals("NOT_REGULAR_FILE") || c.equals("FILE_NAME_INVALID")
        || c.equals("TOO_MANY_FILES") || c.equals("FILE_TOO_LARGE") || c.equals("EMPTY_MODEL")
        || c.equals("HANDLER_ERROR");
  }
}
