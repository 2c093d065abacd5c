package dev.safeload.maven;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.LoadPolicy;
import dev.safeload.PolicyFile;
import dev.safeload.ScanReport;
import dev.safeload.maven.internal.Gate;
import dev.safeload.maven.internal.Gate.Checked;
import dev.safeload.maven.internal.Gate.SignatureMode;
import dev.safeload.maven.internal.ModelPaths;
import dev.safeload.maven.internal.SarifWriter;
import dev.safeload.verify.signing.SignatureVerificationException;
import dev.safeload.verify.signing.TrustPolicy;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.jspecify.annotations.Nullable;

/**
 * {@code safeload:verify}: checks the model files the project declares with safeload's strict
 * policy and fails the build if any is rejected, listing every finding with its reason code and
 * file. Without proofs configured it scans (format checks); with {@code <pins>} and/or a signature
 * trust setting it verifies, and every served file must be proven, as {@code safeload verify} does.
 * Either way it writes a SARIF 2.1.0 report and a CycloneDX 1.6 AI-BOM to {@code target/}.
 *
 * <pre>{@code
 * <plugin>
 *   <groupId>dev.safeload</groupId>
 *   <artifactId>safeload-maven-plugin</artifactId>
 *   <executions><execution><goals><goal>verify</goal></goals></execution></executions>
 *   <configuration>
 *     <models><model>src/main/resources/models/*</model></models>
 *     <pins>models.pins.json</pins>
 *   </configuration>
 * </plugin>
 * }</pre>
 */
@Mojo(name = "verify", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public final class VerifyMojo extends AbstractMojo {
  /** The project's base directory; model entries and trust files are relative to it. */
  @Parameter(defaultValue = "${project.basedir}", readonly = true, required = true)
  @Nullable File basedir;

  /** Where the reports go. */
  @Parameter(defaultValue = "${project.build.directory}", readonly = true, required = true)
  @Nullable File buildDirectory;

  @Parameter(defaultValue = "${plugin}", readonly = true)
  @Nullable PluginDescriptor plugin;

  /**
   * The models: paths relative to the base directory, each a model file or directory, or globs over
   * such paths ({@code models/*}); each match is one model. An entry that matches nothing fails the
   * build.
   */
  @Parameter List<String> models = new ArrayList<>();

  /** A pin file ({@code *.pins.json} from {@code safeload pin}, or {@code sha256sum} output). */
  @Parameter(property = "safeload.pins")
  @Nullable File pins;

  /** A trusted public key (PEM): the model's signature must verify with it. */
  @Parameter(property = "safeload.key")
  @Nullable File publicKey;

  /** Trusted anchor certificates (PEM): the signing certificate must chain to one. */
  @Parameter(property = "safeload.certChain")
  @Nullable File certificateChain;

  /**
   * A Sigstore {@code trusted_root.json}: Sigstore keyless, verified offline (needs identity and
   * issuer).
   */
  @Parameter(property = "safeload.trustedRoot")
  @Nullable File trustedRoot;

  /** The signer identity the certificate must name (email, URI). */
  @Parameter(property = "safeload.identity")
  @Nullable String identity;

  /** The OIDC issuer the Sigstore certificate must name. */
  @Parameter(property = "safeload.issuer")
  @Nullable String issuer;

  /** The signature's file name inside each model directory. */
  @Parameter(property = "safeload.signature", defaultValue = TrustPolicy.DEFAULT_SIGNATURE_FILE)
  String signatureFile = TrustPolicy.DEFAULT_SIGNATURE_FILE;

  /** A local revocation feed (JSON): revoked digests and signers are refused. */
  @Parameter(property = "safeload.revocations")
  @Nullable File revocations;

  /** Files left out of each model (gitignore meaning): not read, not served, listed as ignored. */
  @Parameter List<String> ignore = new ArrayList<>();

  /** Files no handler judges that are served as opaque (still hashed and proven). */
  @Parameter List<String> opaque = new ArrayList<>();

  /** The SARIF 2.1.0 report. */
  @Parameter(
      property = "safeload.sarif",
      defaultValue = "${project.build.directory}/safeload.sarif")
  @Nullable File sarifFile;

  /** The CycloneDX 1.6 AI-BOM. */
  @Parameter(
      property = "safeload.bom",
      defaultValue = "${project.build.directory}/safeload-aibom.cdx.json")
  @Nullable File bomFile;

  /**
   * The policy file ({@code safeload.json}) to apply. Default: as the CLI finds one, in the
   * project's base directory or a parent up to the git repository root; a file that lies inside a
   * configured model is refused (a model cannot choose the policy it is judged by). Its trust
   * section supplies whatever the trust parameters above leave unset, and the {@code <ignore>} and
   * {@code <opaque>} patterns add to its own.
   */
  @Parameter(property = "safeload.policy")
  @Nullable File policy;

  /** Applies no policy file, not even one found from the base directory. */
  @Parameter(property = "safeload.noPolicy", defaultValue = "false")
  boolean noPolicy;

  /** Skips the goal (reported in the log, so that a skipped gate is never silent). */
  @Parameter(property = "safeload.skip", defaultValue = "false")
  boolean skip;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().warn("safeload: skipped (safeload.skip): the model files are NOT checked");
      return;
    }
    Path base = required(basedir, "basedir").toPath();
    if (models.isEmpty()) {
      throw new MojoExecutionException(
          "safeload: configure <models> (paths or globs relative to " + base + ")");
    }
    List<Checked> checked = new ArrayList<>();
    Gate.Settings settings;
    try {
      List<Path> paths = ModelPaths.expand(base, models);
      PolicyFile policyFile = policyFile(base, paths);
      if (policyFile != null) {
        getLog().info("safeload: policy file " + policyFile.source());
        fromPolicy(policyFile.trust());
      }
      settings = settings(base);
      Gate gate = Gate.of(settings, policyFile == null ? LoadPolicy.strict() : policyFile.policy());
      for (Path model : paths) {
        checked.add(gate.check(model));
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new MojoExecutionException("safeload: " + e.getMessage(), e);
    } catch (IOException | SignatureVerificationException e) {
      throw new MojoExecutionException("safeload: cannot read " + e.getMessage(), e);
    }
    writeReports(base, checked);
    int rejected = 0;
    for (Checked c : checked) {
      ScanReport r = c.report();
      String shown = shown(base, c.path());
      if (r.accepted()) {
        getLog()
            .info(
                "safeload: "
                    + shown
                    + ": accepted ("
                    + r.files().size()
                    + " files"
                    + (settings.verifies() ? ", every one proven" : "")
                    + ")");
        continue;
      }
      rejected++;
      for (FileReport f : r.files()) {
        for (Finding x : f.findings()) {
          getLog().error(line(shown, x.file() == null ? f.name() : x.file(), x));
        }
      }
      for (Finding x : r.modelFindings()) {
        getLog().error(line(shown, x.file(), x));
      }
    }
    if (rejected > 0) {
      throw new MojoFailureException(
          "safeload: "
              + rejected
              + " of "
              + checked.size()
              + " model(s) rejected;"
              + " see the findings above and "
              + sarifFile);
    }
  }

  /**
   * The named policy file, else the one {@link PolicyFile#find} finds from the base directory (the
   * CLI's rule), else none.
   */
  private @Nullable PolicyFile policyFile(Path base, List<Path> models) throws IOException {
    if (policy != null) {
      return PolicyFile.read(base.resolve(policy.toPath()));
    }
    if (noPolicy) {
      return null;
    }
    Optional<Path> found = PolicyFile.find(base, models);
    return found.isEmpty() ? null : PolicyFile.read(found.get());
  }

  /**
   * Fills the trust parameters left unset from the policy file, as {@code safeload verify} does.
   */
  private void fromPolicy(PolicyFile.Trust t) {
    if (pins == null && t.pins() != null) {
      pins = t.pins().toFile();
    }
    if (publicKey == null && certificateChain == null && trustedRoot == null) {
      if (t.publicKey() != null) {
        publicKey = t.publicKey().toFile();
      } else if (t.certificateChain() != null) {
        certificateChain = t.certificateChain().toFile();
      } else if (t.trustedRoot() != null) {
        trustedRoot = t.trustedRoot().toFile();
      }
    }
    if (identity == null) {
      identity = t.identity();
    }
    if (issuer == null) {
      issuer = t.issuer();
    }
    if (revocations == null && t.revocations() != null) {
      revocations = t.revocations().toFile();
    }
    if (t.signature() != null && signatureFile.equals(TrustPolicy.DEFAULT_SIGNATURE_FILE)) {
      signatureFile = t.signature();
    }
  }

  private Gate.Settings settings(Path base) throws MojoExecutionException {
    int modes =
        (publicKey != null ? 1 : 0)
            + (certificateChain != null ? 1 : 0)
            + (trustedRoot != null ? 1 : 0);
    if (modes > 1) {
      throw new MojoExecutionException(
          "safeload: give at most one of <publicKey>, <certificateChain>, <trustedRoot>");
    }
    SignatureMode mode =
        publicKey != null
            ? SignatureMode.KEY
            : certificateChain != null
                ? SignatureMode.CERTIFICATES
                : trustedRoot != null ? SignatureMode.SIGSTORE : SignatureMode.NONE;
    File trust =
        publicKey != null ? publicKey : certificateChain != null ? certificateChain : trustedRoot;
    return new Gate.Settings(
        resolve(base, pins),
        mode,
        resolve(base, trust),
        identity,
        issuer,
        signatureFile,
        resolve(base, revocations),
        ignore,
        opaque);
  }

  private static @Nullable Path resolve(Path base, @Nullable File f) {
    return f == null ? null : base.resolve(f.toPath()).normalize();
  }

  private void writeReports(Path base, List<Checked> checked) throws MojoExecutionException {
    List<ScanReport> reports = checked.stream().map(Checked::report).toList();
    String version = plugin == null ? null : plugin.getVersion();
    try {
      Path sarif = required(sarifFile, "sarifFile").toPath();
      Files.createDirectories(sarif.toAbsolutePath().getParent());
      try (OutputStream out = Files.newOutputStream(sarif)) {
        SarifWriter.write(out, base, reports, version);
      }
      Path bom = required(bomFile, "bomFile").toPath();
      Files.createDirectories(bom.toAbsolutePath().getParent());
      Files.write(bom, Gate.bom(checked).toByteArray());
      getLog().info("safeload: wrote " + sarif + " and " + bom);
    } catch (IOException e) {
      throw new MojoExecutionException("safeload: cannot write the reports: " + e.getMessage(), e);
    }
  }

  /** {@code [SAFETENSORS_DUPLICATE_KEY] models/m/model.safetensors @ 8: message}. */
  private static String line(String model, @Nullable String file, Finding x) {
    String where = file == null ? model : model + "/" + file;
    String at = x.offset() == Finding.NO_OFFSET ? "" : " @ " + x.offset();
    return "[" + x.reason().code() + "] " + where + at + ": " + x.message();
  }

  private static String shown(Path base, Path model) {
    Path b = base.toAbsolutePath().normalize();
    return model.startsWith(b)
        ? b.relativize(model).toString().replace('\\', '/')
        : model.toString();
  }

  private static File required(@Nullable File f, String name) throws MojoExecutionException {
    if (f == null) {
      throw new MojoExecutionException("safeload: " + name + " is not set");
    }
    return f;
  }
}
