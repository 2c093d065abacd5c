package dev.safeload.cli;

import dev.safeload.verify.signing.ModelSigner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code safeload sign --key PRIVATE.pem [--cert-chain CHAIN.pem] [--shard-size SIZE] [--signature
 * model.sig] PATH}: hashes every file, or every range of SIZE bytes (in parallel) and writes an
 * OpenSSF Model Signing v1.0 bundle beside the model, in key mode or, with a chain, certificate
 * mode. Exit 0 when written, 2 on usage or I/O errors.
 */
@Command(
    name = "sign",
    description = {
      "Signs a model (OpenSSF Model Signing v1.0; key or certificate mode).",
      "--ignore leaves files out: the paths it matched go in the manifest's ignore_paths, the",
      "patterns (and --opaque patterns) in its 'safeload' field, so 'verify' applies them.",
      "Exit 0 when the signature was written, 2 on usage or I/O errors."
    })
final class SignCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "PEM",
      description = "Private key (PKCS#8 or SEC 1 PEM; EC P-256/384/521 or Ed25519).")
  Path key;

  @Option(
      names = "--cert-chain",
      paramLabel = "PEM",
      description = "Signing certificate chain, leaf first, without the root (certificate mode).")
  @Nullable Path certChain;

  @Option(
      names = "--shard-size",
      paramLabel = "SIZE",
      description =
          "Sign consecutive ranges of SIZE bytes of each file (OMS shards serialization; suffix K,"
              + " M or G; at least 1M) instead of whole files: verify and load then hash each"
              + " file's ranges in parallel. Empty files cannot be signed this way.")
  @Nullable String shardSize;

  @Mixin SignatureFileOption signature;
  @Mixin IgnoreOption ignore;

  @Parameters(arity = "1", paramLabel = "PATH", description = "The model file or directory.")
  Path model;

  @Override
  public Integer call() {
    Path out;
    long shard = PinCommand.shardSize(shardSize, spec.commandLine().getErr());
    if (shard < 0) {
      return Main.USAGE_OR_IO;
    }
    try {
      ModelSigner signer =
          certChain == null
              ? ModelSigner.withKey(key)
              : ModelSigner.withCertificate(key, certChain);
      if (shard > 0) {
        signer = signer.shardSize(shard);
      }
      out =
          signer
              .signatureFile(signature.name)
              .ignoreFiles(ignore.globs.toArray(String[]::new))
              .opaqueFiles(ignore.opaque.toArray(String[]::new))
              .signTo(model);
    } catch (IOException | IllegalArgumentException e) {
      return Main.usageError(
          spec.commandLine().getErr(), "cannot sign " + model + ": " + e.getMessage());
    }
    spec.commandLine().getOut().println("signed: " + out);
    spec.commandLine().getOut().flush();
    return Main.OK;
  }
}
