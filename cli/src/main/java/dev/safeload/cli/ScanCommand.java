package dev.safeload.cli;

import dev.safeload.PolicyFile;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code safeload scan}: format checks on files and directories, without requiring pins. */
@Command(
    name = "scan",
    description = {
      "Checks model files and directories: content-detected format, structure, limits.",
      "Pins are not required here; use 'verify' for that.",
      "Exit 0 if every file is accepted, 1 if anything is rejected, 2 on usage or I/O errors",
      "(2 also when a rejection and an I/O error meet)."
    })
final class ScanCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Mixin ReportOption report;
  @Mixin IgnoreOption ignore;
  @Mixin PolicyOption policy;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Model files or directories.")
  List<String> paths;

  @Override
  public Integer call() throws java.io.IOException {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    PolicyFile policyFile;
    try {
      policyFile = policy.resolve(paths, main.workingDirectory()).orElse(null);
    } catch (IllegalArgumentException e) {
      return Main.usageError(err, e.getMessage());
    }
    Scans s =
        Scans.run(
            progress -> main.loaderWith(List.of(), progress, ignore, policyFile, false),
            paths,
            err);
    report.write(new Report("scan", s.scanned), out);
    return s.exitCode();
  }
}
