package dev.safeload.cli;

import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import dev.safeload.formats.FormatReason;
import dev.safeload.verify.VerifyReason;
import java.util.ArrayList;
import java.util.List;

/**
 * Every reason code safeload itself reports, in documentation order: the one place the CLI lists
 * them (SARIF rules). The engine's codes, then each module's enum; {@code ReasonCatalogTest} checks
 * this covers every row of {@code docs/REASONS.md}, which integration's docs test keeps complete.
 */
final class ReasonCatalog {
  private static final List<ReasonCode> ALL =
      all(Reason.values(), FormatReason.values(), VerifyReason.values());

  private ReasonCatalog() {}

  private static List<ReasonCode> all(ReasonCode[]... enums) {
    List<ReasonCode> all = new ArrayList<>();
    for (ReasonCode[] e : enums) {
      all.addAll(List.of(e));
    }
    return List.copyOf(all);
  }

  /** The built-in codes, in the order of their documentation. */
  static List<ReasonCode> all() {
    return ALL;
  }
}
