package dev.safeload.cli;

import dev.safeload.verify.signing.ModelSigner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code safeload sign --key PRIVATE.pem [--cert-chain CHAIN.pem] [--signature model.sig] PATH}: writes an
 * OpenSSF Model Signing bundle beside the model (key mode, or certificate mode with a chain).
 */
@Command(name = "sign", mixinStandardHelpOptions = true,
    description = "Sign a model (OpenSSF Model Signing v1.0, key or certificate mode).")
public final class SignCommand implements Callable<Integer> {
  @Option(names = "--key", required = true, paramLabel = "PEM",
      description = "Private key (PKCS#8 or SEC 1 PEM; EC P-256/384/521 or Ed25519).")
  Path key;

  @Option(names = "--cert-chain", paramLabel = "PEM",
      description = "Signing certificate chain, leaf first, without the root (certificate mode).")
  Path certChain;

  @Option(names = "--signature", paramLabel = "NAME", defaultValue = "model.sig",
      description = "Signature file name inside the model directory (default: ${DEFAULT-VALUE}).")
  String signature;

  @Parameters(index = "0", paramLabel = "PATH", description = "Model directory or file.")
  Path model;

  @Override
  public Integer call() throws Exception {
    ModelSigner signer = certChain == null ? ModelSigner.withKey(key) : ModelSigner.withCertificate(key, certChain);
    Path out = signer.signatureFile(signature).signTo(model);
    System.out.println("signed " + model + " -> " + out);
    return 0;
  }
}
