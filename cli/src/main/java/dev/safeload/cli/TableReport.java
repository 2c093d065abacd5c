package dev.safeload.cli;

import dev.safeload.FileReport;
import dev.safeload.Finding;
import dev.safeload.Reason;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The human-readable output of {@code scan} and {@code verify}: one row per file, then one per
 * model-level finding, then one per ignored file (verdict {@code ignored}), and a summary line. A
 * file's row shows its first finding, shortened; the verbose table has one row per finding instead,
 * each in full.
 */
final class TableReport {
  private TableReport() {}

  /** The short table of {@code scans} (for commands that print no other report). */
  static void write(List<Scanned> scans, PrintWriter out) {
    write(new Report("bom", scans), out, false);
  }

  /** The table of {@code report}; {@code verbose} lists every finding in full, one row each. */
  static void write(Report report, PrintWriter out, boolean verbose) {
    List<Scanned> scans = report.results();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"PATH", "VERDICT", "FORMAT", "REASON"});
    int accepted = 0;
    int rejected = 0;
    boolean unjudgedInDirectory = false;
    for (Scanned s : scans) {
      for (FileReport f : s.report().files()) {
        if (f.accepted()) {
          accepted++;
        } else {
          rejected++;
          unjudgedInDirectory |= s.directory() && f.findings().stream().anyMatch(UNJUDGED);
        }
        String path = s.display(f);
        String verdict = f.accepted() ? "accepted" : "REJECTED";
        String format = f.format() == null ? "-" : f.format();
        if (verbose && !f.findings().isEmpty()) {
          for (Finding x : f.findings()) {
            rows.add(new String[] {path, verdict, format, describe(x, Integer.MAX_VALUE)});
          }
        } else {
          rows.add(new String[] {path, verdict, format, firstReason(f.findings())});
        }
      }
    }
    int modelFindings = 0;
    for (Scanned s : scans) {
      for (Finding x : s.report().modelFindings()) {
        modelFindings++;
        rows.add(
            new String[] {
              x.file() == null ? s.argument() : s.display(x.file()),
              "REJECTED",
              "(model)",
              describe(x, verbose ? Integer.MAX_VALUE : SHORT)
            });
      }
    }
    int ignored = 0;
    for (Scanned s : scans) {
      for (String name : s.ignored()) {
        ignored++;
        rows.add(new String[] {s.display(name), "ignored", "-", "-"});
      }
    }
    long ioErrors = Scans.ioErrors(scans);
    print(rows, out);
    out.println();
    out.println(
        (accepted + rejected)
            + (accepted + rejected == 1 ? " file: " : " files: ")
            + accepted
            + " accepted, "
            + rejected
            + " rejected"
            + (modelFindings == 0
                ? ""
                : "; " + modelFindings + " model-level finding" + (modelFindings == 1 ? "" : "s"))
            + (ignored == 0 ? "" : "; " + ignored + " ignored")
            + (ioErrors == 0 ? "" : "; " + ioErrors + " could not be read (exit code 2)"));
    if (unjudgedInDirectory) { // patterns leave out files of a directory, not a file named alone
      out.println(NEXT_STEP);
    }
    // Declared licences are claims the files make; listed so that the default policy still reports
    // them.
    for (Scanned s : scans) {
      for (FileReport f : s.report().files()) {
        for (dev.safeload.DeclaredLicense l : f.licenses()) {
          out.println(
              "licence declared: "
                  + printable(s.display(f))
                  + ": "
                  + printable(l.expression())
                  + " ("
                  + l.field()
                  + ")");
        }
      }
    }
    out.flush();
  }

  /**
   * The refusals that only say safeload cannot judge a file, whose messages name the ignore (and
   * opaque) patterns (the engine's FileValidation): a format it does not read, a name that says
   * code, content nothing recognises. A failed pin or signature, or a refused pickle, is not one.
   */
  private static final java.util.function.Predicate<Finding> UNJUDGED =
      x -> x.reason() == Reason.UNKNOWN_FORMAT || x.reason() == Reason.CODE_FILE;

  /**
   * What a user does about a file of a model directory that safeload cannot judge, printed under
   * every table with one. A Hugging Face repository holds files that an application never loads
   * (other frameworks' weights, training leftovers such as training_args.bin, the LFS attributes):
   * those are left out, and the table alone does not say how. A file the application does load must
   * pass, whatever its reason.
   */
  static final String NEXT_STEP =
      "Files the application never loads (other frameworks' weights, training leftovers,"
          + " .gitattributes) can be left out with --ignore PATTERN, and a licence or model card"
          + " served unjudged with --opaque PATTERN; both are recorded in pin files and signatures."
          + " A rejected file the application loads must not be ignored.";

  /** Prints rows as left-aligned columns; the last column is not padded. */
  static void print(List<String[]> rows, PrintWriter out) {
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols - 1; i++) {
        width[i] = Math.max(width[i], printable(r[i]).length());
      }
    }
    for (String[] r : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        String cell = printable(r[i]);
        sb.append(cell);
        if (i < cols - 1) {
          sb.append(" ".repeat(width[i] - cell.length() + 2));
        }
      }
      out.println(sb.toString().stripTrailing());
    }
    out.flush();
  }

  private static String firstReason(List<Finding> findings) {
    if (findings.isEmpty()) {
      return "-";
    }
    String first = describe(findings.get(0), SHORT);
    return findings.size() == 1 ? first : first + " (+" + (findings.size() - 1) + " more)";
  }

  /** Longest message the short table shows before cutting it. */
  private static final int SHORT = 100;

  private static String describe(Finding x, int longest) {
    String msg = x.message();
    if (msg.length() > longest) {
      msg = msg.substring(0, longest - 3) + "...";
    }
    return x.reason().code()
        + (x.offset() == Finding.NO_OFFSET ? "" : " @" + x.offset())
        + ": "
        + msg;
  }

  /** Replaces control characters so file names and messages cannot drive the terminal. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints()
        .forEach(
            c -> {
              if (c < 0x20
                  || (c >= 0x7f && c < 0xa0)
                  || c == 0x2028
                  || c == 0x2029
                  || (c >= 0x202a && c <= 0x202e)
                  || (c >= 0x2066 && c <= 0x2069)) {
                sb.append('?');
              } else {
                sb.appendCodePoint(c);
              }
            });
    return sb.toString();
  }
}
