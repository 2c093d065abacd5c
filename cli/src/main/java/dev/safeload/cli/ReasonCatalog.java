package dev.safeload.cli;

import dev.safeload.Reason;
import dev.safeload.ReasonCode;
import java.util.List;

/**
 * Every reason code safeload itself reports, in documentation order: the one place the CLI lists them
 * (SARIF rules). When the codes move into per-module enums, this is the list to point at them.
 */
final class ReasonCatalog {
  private static final List<ReasonCode> ALL = List.of(Reason.values());

  private ReasonCatalog() {}

  /** The built-in codes, in the order of their documentation. */
  static List<ReasonCode> all() {
    return ALL;
  }
}
