package dev.safeload.cli;

import dev.safeload.LoadPolicy;
import dev.safeload.PolicyFile;
import dev.safeload.ProgressListener;
import dev.safeload.SafeModelLoader;
import dev.safeload.SafeloadVersion;
import dev.safeload.provenance.ProvenanceVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code safeload} command.
 *
 * <pre>
 * safeload scan [--format table|json|sarif] [-o FILE] [-v] PATH...
 *                                         check files and directories, report every finding
 * safeload verify --pins FILE [--format ...] PATH  like scan, and every file must match its pin
 * safeload verify --key PEM | --cert-chain PEM [--identity ID] | --sigstore --identity ID --issuer URL
 *                 --trusted-root FILE [--signature model.sig] [--pins FILE] PATH
 *                                         like scan, and the model's OpenSSF Model Signing signature
 *                                         must verify and cover every file (offline)
 * safeload sign --key PEM [--cert-chain PEM] PATH   write model.sig (OpenSSF Model Signing v1.0)
 * safeload pin PATH &gt; model.pins.json     print a pin file for what load would serve
 * safeload bom [--pins FILE] [-o FILE] PATH  write a CycloneDX 1.6 ML-BOM of what scan/verify saw
 * safeload bom find --sha256 HEX BOM...   print the components of BOMs that carry this digest
 * safeload demo                           scan built-in benign and malicious samples
 * </pre>
 *
 * <p>{@code scan}, {@code pin}, {@code verify}, {@code sign} and {@code bom} take {@code --ignore
 * GLOB} and {@code --opaque GLOB} ({@link dev.safeload.FileGlob}); {@code pin} and {@code sign}
 * record them in the pin file and the signature, and {@code verify} applies what those record.
 *
 * <p>Exit codes (stable): {@value #OK} every file accepted; {@value #REJECTED} something was
 * rejected; {@value #USAGE_OR_IO} a usage error or an I/O error (missing path, unreadable pin file,
 * a model file that cannot be read). An I/O error wins over a rejection: when both happen the exit
 * code is {@value #USAGE_OR_IO}, and the report lists both (see {@link Scans#exitCode(List)}). An
 * invalid {@code --ignore}/{@code --opaque} pattern is a usage error reported on one line. The JSON
 * report ({@code --format json}, or {@code --json}) is documented on {@link JsonReport}, the SARIF
 * report on {@link SarifReport}.
 */
// scope = INHERIT gives every subcommand the standard --help/--version from here: copying two
// options is
// cheaper at start-up than reflecting picocli's help mixin once per command.
@Command(
    name = "safeload",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = Main.Version.class,
    description = "Checks model files before an application loads them.")
public final class Main implements Callable<Integer> {
  /** Exit code: every file was accepted. */
  public static final int OK = 0;

  /** Exit code: at least one file or model was rejected. */
  public static final int REJECTED = 1;

  /** Exit code: wrong usage, or a path or pin file could not be read. */
  public static final int USAGE_OR_IO = 2;

  private final UnaryOperator<SafeModelLoader.Builder> loaderSetup;

  @Spec CommandSpec spec;

  /** Where policy discovery starts ({@link PolicyOption}): the process's current directory. */
  private Path workingDirectory = Path.of("");

  /** The command as shipped: strict policy, the handlers found on the class path. */
  public Main() {
    this(SHIPPED);
  }

  private static final UnaryOperator<SafeModelLoader.Builder> SHIPPED = b -> b;

  /**
   * A command whose loaders are adjusted before they are built, for embedding and tests (extra
   * handlers, a relaxed policy). Each command still adds its own pins on top.
   */
  public Main(UnaryOperator<SafeModelLoader.Builder> loaderSetup) {
    this.loaderSetup = Objects.requireNonNull(loaderSetup, "loaderSetup");
  }

  /** The directory policy discovery starts from ({@link dev.safeload.PolicyFile#find}). */
  Path workingDirectory() {
    return workingDirectory;
  }

  /** Test hook: a JVM cannot change its current directory, so tests name the one to act from. */
  Main workingDirectory(Path dir) {
    this.workingDirectory = Objects.requireNonNull(dir, "dir");
    return this;
  }

  /**
   * The subcommands in the order the usage lists them. They are added to the command line on demand
   * (see {@link #commandLine(Main, String...)}) rather than through
   * {@code @Command(subcommands=…)}: picocli builds each one's model by reflection, which on a cold
   * JVM costs tens of milliseconds per command, paid before any file is read.
   */
  private static final Map<String, Class<?>> COMMANDS = commands();

  private static Map<String, Class<?>> commands() {
    Map<String, Class<?>> m = new LinkedHashMap<>();
    m.put("scan", ScanCommand.class);
    m.put("verify", VerifyCommand.class);
    m.put("sign", SignCommand.class);
    m.put("pin", PinCommand.class);
    m.put("bom", BomCommand.class);
    m.put("demo", DemoCommand.class);
    m.put("help", CommandLine.HelpCommand.class);
    return Collections.unmodifiableMap(m);
  }

  /** Runs the command and exits the JVM with its exit code. */
  public static void main(String[] args) {
    System.exit(commandLine(new Main(), args).execute(args));
  }

  /** A configured {@link CommandLine} for {@code main} with every subcommand. */
  public static CommandLine commandLine(Main main) {
    return configure(new CommandLine(main), COMMANDS.keySet());
  }

  /**
   * A configured {@link CommandLine} for {@code main} that can execute {@code args}: when they name
   * a subcommand, only that one is built; otherwise (usage, {@code help}, {@code --version}, a
   * typo) all are, so that the usage message lists every command. I/O failures become exit code 2
   * with a message.
   */
  public static CommandLine commandLine(Main main, String... args) {
    for (String a : args) {
      if (a.startsWith("-")) {
        continue; // the top-level command has only --help and --version, which take no value
      }
      if (COMMANDS.containsKey(a) && !a.equals("help")) {
        return configure(new CommandLine(main), List.of(a));
      }
      break;
    }
    return commandLine(main);
  }

  private static CommandLine configure(CommandLine cl, Collection<String> names) {
    for (String name : names) {
      cl.addSubcommand(name, COMMANDS.get(name));
    }
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof IOException || e instanceof UncheckedIOException) {
            return usageError(cmd.getErr(), e.getMessage());
          }
          throw e;
        });
    // A bad file pattern is one line, not a usage screen: the message already says what is wrong.
    CommandLine.IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          if (ex.getArgSpec() instanceof CommandLine.Model.OptionSpec o
              && IgnoreOption.NAMES.contains(o.longestName())) {
            return usageError(
                ex.getCommandLine().getErr(),
                String.valueOf(ex.getMessage()).replaceAll("[\\r\\n]+", " "));
          }
          return usage.handleParseException(ex, args);
        });
    return cl;
  }

  /**
   * Reports a usage or I/O error the one way every command does: a single line {@code safeload:
   * MESSAGE} on standard error, and exit code {@value #USAGE_OR_IO}.
   */
  static int usageError(PrintWriter err, @Nullable String message) {
    err.println("safeload: " + message);
    err.flush();
    return USAGE_OR_IO;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE_OR_IO;
  }

  /** A loader with the strict policy, the given proof (if any) and this command's setup applied. */
  SafeModelLoader loader(@Nullable ProvenanceVerifier pins) {
    return loader(pins, ProgressListener.NONE);
  }

  /** Like {@link #loader(ProvenanceVerifier)}, reporting reading progress to {@code progress}. */
  SafeModelLoader loader(@Nullable ProvenanceVerifier pins, ProgressListener progress) {
    return loaderWith(pins == null ? List.of() : List.of(pins), progress, new IgnoreOption());
  }

  /**
   * A loader with the strict policy leaving out files the {@code patterns} ignore and serving the
   * ones they make opaque, every given proof (pins, signature, revocation; the loader adds the
   * patterns they record) and this command's setup applied last. A setup that sets its own policy
   * replaces the patterns given here, so the setup's policy is extended rather than replaced: see
   * {@link #withPatterns}.
   */
  SafeModelLoader loaderWith(
      List<ProvenanceVerifier> proofs, ProgressListener progress, IgnoreOption patterns) {
    return loaderWith(proofs, progress, patterns, null, false);
  }

  /**
   * Like {@link #loaderWith(List, ProgressListener, IgnoreOption)}, starting from a policy file's
   * policy instead of the strict one (the command-line patterns still extend it); with {@code
   * requireProof}, scans apply the policy's proof requirement as a load would ({@link
   * LoadPolicy.Builder#requireProofInScans()}), so that a file no proof covers is reported {@code
   * UNPROVEN_FILE} by the loader itself.
   */
  SafeModelLoader loaderWith(
      List<ProvenanceVerifier> proofs,
      ProgressListener progress,
      IgnoreOption patterns,
      @Nullable PolicyFile policyFile,
      boolean requireProof) {
    LoadPolicy base = policyFile == null ? LoadPolicy.strict() : policyFile.policy();
    if (loaderSetup != SHIPPED) {
      // The setup may choose its own policy (tests and embedders relax it); the patterns typed on
      // the
      // command line extend that policy rather than being dropped. Handlers are not discovered for
      // this.
      LoadPolicy setup =
          loaderSetup.apply(SafeModelLoader.builder()).discoverHandlers(false).build().policy();
      base = policyFile == null ? setup : merge(setup, policyFile.policy());
    }
    SafeModelLoader.Builder b = SafeModelLoader.builder().progress(progress);
    proofs.forEach(b::verifier);
    b = loaderSetup.apply(b);
    LoadPolicy policy = withPatterns(base, patterns);
    b.policy(requireProof ? policy.toBuilder().requireProofInScans().build() : policy);
    return b.build();
  }

  /**
   * An embedder's policy extended by a policy file: the file's patterns, formats allowed or denied,
   * licence allowlist and its proof rule. (Limits and profiles of a file need the file's own policy
   * as the base.)
   */
  private static LoadPolicy merge(LoadPolicy setup, LoadPolicy file) {
    LoadPolicy.Builder b =
        setup.toBuilder()
            .ignoreFiles(file.ignoredFiles().toArray(String[]::new))
            .opaqueFiles(file.opaqueFiles().toArray(String[]::new));
    file.allowedFormats().forEach(b::allowFormat);
    LoadPolicy.strict().allowedFormats().stream()
        .filter(f -> !file.allowedFormats().contains(f))
        .forEach(b::denyFormat);
    if (!file.requiresProvenance()) {
      b.allowUnpinnedFiles();
    }
    b.allowLicenses(file.allowedLicenses().toArray(String[]::new));
    return b.build();
  }

  static LoadPolicy withPatterns(LoadPolicy policy, IgnoreOption patterns) {
    LoadPolicy.Builder p = policy.toBuilder().ignoreFiles(patterns.globs.toArray(String[]::new));
    p.allowLicenses(patterns.licenses.toArray(String[]::new));
    return p.opaqueFiles(patterns.opaque.toArray(String[]::new)).build();
  }

  /** The version the build wrote into the api jar ({@link SafeloadVersion}). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"safeload " + SafeloadVersion.get()};
    }
  }
}
