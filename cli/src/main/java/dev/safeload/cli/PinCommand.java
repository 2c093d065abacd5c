package dev.safeload.cli;

import dev.safeload.FileReport;
import dev.safeload.verify.PinSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code safeload pin PATH}: prints a pin file for exactly the files {@code load} would serve, with the
 * digests computed by the loader's own pass ({@code scan}), so pins and verification share one code
 * path.
 */
@Command(name = "pin",
    description = {"Prints a JSON pin file for a model file or directory.",
        "  safeload pin models/llama > llama.pins.json",
        "Refuses (exit 1, nothing on stdout) if the model fails its checks, since it could never load;",
        "exit 2 if a file cannot be read. --ignore and --opaque patterns are recorded in the pin file",
        "(version 2), so 'verify --pins' applies them without repeating the options."})
final class PinCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Mixin IgnoreOption ignore;
  @Spec CommandSpec spec;

  @Option(names = "--include-rejected",
      description = "Pin files even if format checks reject them (they stay unloadable).")
  boolean includeRejected;

  @Parameters(arity = "1", paramLabel = "PATH", description = "The model file or directory.")
  String path;

  @Override
  public Integer call() throws IOException {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    Scans s = Scans.run(progress -> main.loaderWith(List.of(), progress, ignore), List.of(path), err);
    if (s.ioError) {
      return Main.USAGE_OR_IO;
    }
    Scanned sc = s.scanned.get(0);
    boolean unreadable = sc.report().files().stream().anyMatch(f -> f.sha256() == null);
    if (!sc.report().modelFindings().isEmpty() || unreadable
        || (!includeRejected && !sc.report().accepted())) {
      TableReport.write(s.scanned, err);
      err.println("safeload: not pinning " + path + ": it fails its checks"
          + (unreadable || !sc.report().modelFindings().isEmpty() ? "" : " (--include-rejected pins it anyway)"));
      err.flush();
      return Scans.exitCode(s.scanned) == Main.USAGE_OR_IO ? Main.USAGE_OR_IO : Main.REJECTED;
    }
    PinSet.Builder pins = PinSet.builder().source(path)
        .ignoreFiles(ignore.globs.toArray(String[]::new))
        .opaqueFiles(ignore.opaque.toArray(String[]::new));
    for (FileReport f : sc.report().files()) {
      pins.pin(f.name(), f.size(), Objects.requireNonNull(f.sha256())); // unreadable files returned above
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    pins.build().writeJson(buf);
    out.print(buf.toString(StandardCharsets.US_ASCII)); // the writer escapes non-ASCII: charset-proof
    out.flush();
    return Main.OK;
  }
}
