package dev.safeload.cli;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.Reason;
import dev.safeload.ScanReport;
import dev.safeload.verify.PinSet;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code safeload verify --pins FILE PATH}: the strict policy with pins, as {@code load} applies it.
 *
 * <p>Why {@code scan} and not {@code load}: a scan reads each file once through a read-only mapping
 * (the same single pass that {@code load} with {@code MAPPED_TRUSTED} does: no copy of a 1 GiB model,
 * nothing kept afterwards), runs the same format checks and the same pin verifier, and returns every
 * file's format, digest and findings, which the report needs and which a rejected {@code load} does not
 * return. The one rule a scan leaves out, that every served file must be proven, is applied here:
 * a file the pins do not cover gets {@link Reason#UNPROVEN_FILE}, exactly as {@code load} would add it.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Checks a model like 'scan' and requires every served file to match its pin.",
        "Exit 0 if the model is accepted, 1 if anything is rejected, 2 on usage or I/O errors."})
final class VerifyCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Option(names = "--pins", required = true, paramLabel = "FILE",
      description = "A pin file: *.pins.json (from 'safeload pin') or sha256sum output.")
  Path pinFile;

  @Option(names = "--json", description = "Print the stable JSON report instead of a table.")
  boolean json;

  @Parameters(arity = "1", paramLabel = "PATH", description = "The model file or directory.")
  String path;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    PinSet pins;
    try {
      pins = PinSet.load(pinFile);
    } catch (NoSuchFileException e) {
      err.println("safeload: " + pinFile + ": no such file");
      err.flush();
      return Main.USAGE_OR_IO;
    } catch (IOException e) {
      err.println("safeload: cannot use pins: " + e.getMessage());
      err.flush();
      return Main.USAGE_OR_IO;
    }
    Progress progress = Progress.forTerminal(err);
    Scans s = Scans.run(main.loader(pins, progress), List.of(path), err, progress);
    List<Scanned> results = new ArrayList<>();
    for (Scanned sc : s.scanned) {
      results.add(new Scanned(sc.argument(), sc.directory(), requireProof(sc.report(), pins)));
    }
    if (json) {
      JsonReport.write(results, out);
    } else if (!results.isEmpty()) {
      TableReport.write(results, out);
      ScanReport r = results.get(0).report();
      if (r.accepted()) {
        out.println("verified: every file matches " + pins.source() + " (sha256)");
      }
    }
    out.flush();
    if (s.ioError) {
      return Main.USAGE_OR_IO;
    }
    return results.stream().allMatch(r -> r.report().accepted()) ? Main.OK : Main.REJECTED;
  }

  /** Adds {@code UNPROVEN_FILE} to readable files that no pin covers, as a strict {@code load} would. */
  private static ScanReport requireProof(ScanReport r, PinSet pins) {
    List<FileReport> files = new ArrayList<>();
    for (FileReport f : r.files()) {
      if (f.sha256() != null && pins.pin(f.name()).isEmpty()
          && f.findings().stream().noneMatch(x -> x.reason() == Reason.PIN_FILE_NOT_PINNED)) {
        List<Finding> more = new ArrayList<>(f.findings());
        more.add(new Finding(Reason.UNPROVEN_FILE, f.name(), Finding.NO_OFFSET,
            "no pin in " + pins.source() + " covers this file"));
        f = new FileReport(f.name(), f.size(), f.format(), f.sha256(), more);
      }
      files.add(f);
    }
    return new ScanReport(r.source(), files, r.modelFindings());
  }
}
