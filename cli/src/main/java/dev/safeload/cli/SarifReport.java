package dev.safeload.cli;

import dev.safeload.bom.sarif.SarifLog;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --format sarif} output of {@code scan} and {@code verify}: the shared {@link SarifLog}
 * (every built-in reason code as a rule, from {@link ReasonCatalog}; files shown as the report
 * shows them: relative when the argument was), with the CLI's exit code as the invocation and, as
 * run properties, the command, the ignored files and the proofs, as in the JSON report.
 */
final class SarifReport {
  private SarifReport() {}

  static void write(Report report, Writer out) {
    SarifLog.Builder log =
        SarifLog.builder(report.toolVersion())
            .rules(ReasonCatalog.all())
            .invocation(!report.ioError(), report.exitCode());
    List<String> ignored = new ArrayList<>();
    for (Scanned s : report.results()) {
      log.model(s.report(), s::display, s.argument());
      s.ignored().forEach(name -> ignored.add(s.display(name)));
    }
    List<Map<String, Object>> proofs = new ArrayList<>();
    for (Report.ProofEntry p : report.proofs()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("technique", p.technique());
      m.put("claim", p.claim());
      m.put("files", p.files());
      proofs.add(m);
    }
    log.property("command", report.command())
        .property("ignoredFiles", ignored)
        .property("proofs", proofs);
    log.build().writeTo(out);
  }
}
