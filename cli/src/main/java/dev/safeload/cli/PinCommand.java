package dev.safeload.cli;

import dev.safeload.FileReport;
import dev.safeload.PolicyFile;
import dev.safeload.provenance.DigestedFile;
import dev.safeload.provenance.DigestedModel;
import dev.safeload.provenance.ProvenanceResult;
import dev.safeload.provenance.ProvenanceVerifier;
import dev.safeload.provenance.Sha256;
import dev.safeload.verify.PinSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code safeload pin PATH}: prints a pin file for exactly the files {@code load} would serve, with
 * the digests computed by the loader's own pass ({@code scan}), so pins and verification share one
 * code path.
 */
@Command(
    name = "pin",
    description = {
      "Prints a JSON pin file for a model file or directory.",
      "  safeload pin models/llama > llama.pins.json",
      "Refuses (exit 1, nothing on stdout) if the model fails its checks, since it could never load;",
      "exit 2 if a file cannot be read. --ignore and --opaque patterns are recorded in the pin file",
      "(version 2), so 'verify --pins' applies them without repeating the options.",
      "--shard-size also pins the SHA-256 of each range of that size (version 3), hashed in the same",
      "pass; verify and load then check the shards too and name the first range that differs.",
      "--shards-only pins the shards instead of the whole-file digest: verify and load then hash",
      "each file's shards in parallel and report no whole-file digest for it."
    })
final class PinCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Mixin IgnoreOption ignore;
  @Mixin PolicyOption policy;
  @Spec CommandSpec spec;

  @Option(
      names = "--include-rejected",
      description = "Pin files even if format checks reject them (they stay unloadable).")
  boolean includeRejected;

  @Option(
      names = "--shard-size",
      paramLabel = "SIZE",
      description =
          "Also pin SHA-256 digests of consecutive ranges of SIZE bytes (suffix K, M or G for"
              + " KiB, MiB, GiB; at least 1M).")
  String shardSize;

  @Option(
      names = "--shards-only",
      description =
          "With --shard-size: pin only the shard digests, not the whole-file SHA-256 (faster to"
              + " verify on several cores; sha256sum and Hugging Face ids need the whole digest).")
  boolean shardsOnly;

  @Parameters(arity = "1", paramLabel = "PATH", description = "The model file or directory.")
  String path;

  @Override
  public Integer call() throws IOException {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    long shard = shardSize(shardSize, err);
    if (shard < 0) {
      return Main.USAGE_OR_IO;
    }
    if (shardsOnly && shard == 0) {
      return Main.usageError(err, "--shards-only needs --shard-size");
    }
    ShardCollector shards = new ShardCollector(shard, shardsOnly);
    List<ProvenanceVerifier> proofs = shard == 0 ? List.of() : List.of(shards);
    PolicyFile policyFile;
    try {
      policyFile = policy.resolve(List.of(path), main.workingDirectory()).orElse(null);
    } catch (IllegalArgumentException e) {
      return Main.usageError(err, e.getMessage());
    }
    Scans s =
        Scans.run(
            progress -> main.loaderWith(proofs, progress, ignore, policyFile, false),
            List.of(path),
            err);
    if (s.ioError) {
      return Main.USAGE_OR_IO;
    }
    Scanned sc = s.scanned.get(0);
    boolean unreadable = sc.report().files().stream().anyMatch(f -> !f.read());
    if (!sc.report().modelFindings().isEmpty()
        || unreadable
        || (!includeRejected && !sc.report().accepted())) {
      TableReport.write(s.scanned, err);
      err.println(
          "safeload: not pinning "
              + path
              + ": it fails its checks"
              + (unreadable || !sc.report().modelFindings().isEmpty()
                  ? ""
                  : " (--include-rejected pins it anyway; rejected files stay unloadable)"));
      err.flush();
      return Scans.exitCode(s.scanned) == Main.USAGE_OR_IO ? Main.USAGE_OR_IO : Main.REJECTED;
    }
    // The pin file records every pattern in force, the policy file's too, so verifying needs
    // neither.
    PinSet.Builder pins = PinSet.builder().source(path);
    if (policyFile != null) {
      pins.ignoreFiles(policyFile.policy().ignoredFiles().toArray(String[]::new))
          .opaqueFiles(policyFile.policy().opaqueFiles().toArray(String[]::new));
    }
    pins.ignoreFiles(ignore.globs.toArray(String[]::new))
        .opaqueFiles(ignore.opaque.toArray(String[]::new));
    if (shard > 0) {
      pins.shardSize(shard);
    }
    for (FileReport f : sc.report().files()) {
      List<Sha256> digests = shard == 0 ? List.of() : shards.shardsOf(f.name(), shard);
      if (shardsOnly) {
        pins.pinShards(f.name(), f.size(), digests);
      } else {
        pins.pin(
            f.name(),
            f.size(),
            Objects.requireNonNull(f.sha256()), // computed: the collector asked for it
            digests); // unreadable files returned above
      }
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    pins.build().writeJson(buf);
    out.print(
        buf.toString(StandardCharsets.US_ASCII)); // the writer escapes non-ASCII: charset-proof
    out.flush();
    return Main.OK;
  }

  /** A byte count with an optional binary suffix (K, M, G, also KiB, MiB, GiB); -1 if malformed. */
  /**
   * The bytes {@code --shard-size} names, for {@code pin} and {@code sign} alike: 0 when it is not
   * given, or -1 after reporting a usage error when it is not a size of at least {@link
   * DigestedFile#MIN_SHARD_SIZE}.
   */
  static long shardSize(@Nullable String text, PrintWriter err) {
    if (text == null) {
      return 0;
    }
    long size = parseSize(text);
    if (size < DigestedFile.MIN_SHARD_SIZE) {
      Main.usageError(err, "--shard-size must be a size of at least 1M, got '" + text + "'");
      return -1;
    }
    return size;
  }

  static long parseSize(String text) {
    String t = text.trim().toUpperCase(java.util.Locale.ROOT);
    int shift = 0;
    for (String[] suffix :
        new String[][] {
          {"KIB", "10"}, {"MIB", "20"}, {"GIB", "30"}, {"K", "10"}, {"M", "20"}, {"G", "30"}
        }) {
      if (t.endsWith(suffix[0])) {
        t = t.substring(0, t.length() - suffix[0].length());
        shift = Integer.parseInt(suffix[1]);
        break;
      }
    }
    if (t.isEmpty() || t.length() > 12 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    return Long.parseLong(t) << shift;
  }

  /**
   * Proves nothing; declares the shard size so that the scan's single pass hashes the shards, and
   * keeps the digests it is shown. One instance serves one command.
   */
  private static final class ShardCollector implements ProvenanceVerifier {
    private final long size;
    private final boolean shardsOnly;
    private final AtomicReference<List<DigestedFile>> seen = new AtomicReference<>(List.of());

    ShardCollector(long size, boolean shardsOnly) {
      this.size = size;
      this.shardsOnly = shardsOnly;
    }

    @Override
    public boolean needsSha256(String name) {
      return !shardsOnly; // pinning shards alone hashes them in parallel, as verifying will
    }

    @Override
    public String id() {
      return "shard-digests";
    }

    @Override
    public Set<Long> shardSizes() {
      return size == 0 ? Set.of() : Set.of(size);
    }

    @Override
    public ProvenanceResult verify(DigestedModel model) {
      seen.set(model.files());
      return ProvenanceResult.empty();
    }

    List<Sha256> shardsOf(String name, long shardSize) {
      // The loader ran verify() before pin reads shards.
      for (DigestedFile f : Objects.requireNonNull(seen.get())) {
        if (f.name().equals(name)) {
          return f.shards(shardSize)
              .orElseThrow(
                  () -> new IllegalStateException("the scan did not hash shards of " + name));
        }
      }
      throw new IllegalStateException("the scan did not report " + name);
    }
  }
}
