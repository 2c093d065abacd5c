package dev.safeload.cli;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.ReasonCode;
import dev.safeload.SafeModelLoader;
import dev.safeload.ScanReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code safeload demo}: writes benign and malicious samples to a temporary directory, scans each
 * as its own model, and prints what safeload made of it. Exit 0 when every verdict matches the
 * expectation (benign accepted, malicious rejected), else 1.
 */
@Command(
    name = "demo",
    description = {
      "Scans built-in benign and malicious sample files and shows the verdicts.",
      "Exit 0 if benign samples are accepted and malicious ones rejected, else 1."
    })
final class DemoCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Option(names = "--keep", description = "Keep the sample directory (its path is printed).")
  boolean keep;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path dir = Files.createTempDirectory("safeload-demo-");
    try {
      SafeModelLoader loader = main.loader(null);
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"FILE", "WHAT IT IS", "EXPECTED", "VERDICT", "", "REASON"});
      int mismatches = 0;
      for (DemoSamples.Sample s : DemoSamples.all()) {
        Path file = Files.write(dir.resolve(s.file()), s.bytes());
        ScanReport r = loader.scan(file);
        boolean accepted = r.accepted();
        boolean match =
            s.malicious()
                ? !accepted && r.findings().stream().anyMatch(f -> f.reason() == s.reason())
                : accepted;
        if (!match) {
          mismatches++;
        }
        rows.add(
            new String[] {
              s.file(),
              s.what(),
              s.malicious() ? "rejected" : "accepted",
              accepted ? "accepted" : "rejected",
              match ? "ok" : "MISMATCH",
              reason(r, s.reason())
            });
      }
      out.println("safeload demo: " + DemoSamples.all().size() + " sample files in " + dir);
      out.println();
      TableReport.print(rows, out);
      out.println();
      if (mismatches == 0) {
        out.println("Every verdict matches: benign samples accepted, malicious samples rejected.");
      } else {
        out.println(
            mismatches
                + " verdict(s) differ from the expectation: a benign sample rejected, or a"
                + " malicious one accepted or rejected for another reason than the one it demonstrates. A format"
                + " whose handler is not installed shows UNKNOWN_FORMAT and rejects even a benign file.");
      }
      out.flush();
      return mismatches == 0 ? Main.OK : Main.REJECTED;
    } finally {
      if (!keep) {
        deleteTree(dir);
      }
    }
  }

  /** The reason to show: the one the sample demonstrates if it was found, else the first. */
  private static String reason(ScanReport r, @Nullable ReasonCode expected) {
    List<Finding> all = r.findings();
    if (all.isEmpty()) {
      FileReport f = r.files().isEmpty() ? null : r.files().get(0);
      return f == null || f.format() == null ? "-" : "format " + f.format();
    }
    Finding first = all.stream().filter(f -> f.reason() == expected).findFirst().orElse(all.get(0));
    String more = all.size() > 1 ? " (+" + (all.size() - 1) + " more)" : "";
    return first.reason().code() + more;
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort: a leftover temp file is harmless
                }
              });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
